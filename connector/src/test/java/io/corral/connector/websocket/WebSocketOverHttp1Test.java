package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The handshake on the wire: Corral's listener and HTTP/1.1 engine in front of the WebSocket engine, raw bytes. */
class WebSocketOverHttp1Test {

    private static EchoServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.echoing(WebSocketConfig.DEFAULTS);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String upgradeRequest(String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads a response head byte by byte, so that no frame byte behind it is consumed. Lower-cased. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 16_384) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text.toLowerCase(Locale.ROOT);
            }
        }
        throw new AssertionError("no complete response head: " + head);
    }

    @Test
    @DisplayName("§4.2.2 over HTTP/1.1: 101 with the accept key, and a frame pipelined behind the request is echoed")
    void handshakeWithPipelinedFrame() throws Exception {
        try (Socket socket = connect()) {
            byte[] request = upgradeRequest("Sec-WebSocket-Version: 13").getBytes(StandardCharsets.US_ASCII);
            byte[] frame = TestClient.maskedFrame(true, 0, Opcode.TEXT, "pipelined".getBytes(StandardCharsets.UTF_8));
            byte[] both = new byte[request.length + frame.length];
            System.arraycopy(request, 0, both, 0, request.length);
            System.arraycopy(frame, 0, both, request.length, frame.length);
            socket.getOutputStream().write(both);
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("http/1.1 101"), head);
            assertTrue(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), head);
            assertTrue(head.contains("upgrade: websocket"), head);
            assertTrue(head.contains("connection: upgrade"), head);
            assertFalse(head.contains("content-length"), "a 101 has no body framing: " + head);
            assertFalse(head.contains("transfer-encoding"), head);
            try (TestClient client = new TestClient(socket)) {
                assertEquals("pipelined", client.expectText());
                client.sendClose(CloseStatus.NORMAL, "");
                assertEquals(CloseStatus.NORMAL, client.expectClose().code());
                assertTrue(client.awaitEndOfStream());
            }
        }
    }

    @Test
    @DisplayName("§4.2.2 over HTTP/1.1: another version gets 426 with Sec-WebSocket-Version: 13")
    void wrongVersionOnTheWire() throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(upgradeRequest("Sec-WebSocket-Version: 8").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("http/1.1 426"), head);
            assertTrue(head.contains("sec-websocket-version: 13"), head);
        }
    }

    @Test
    @DisplayName("§4.2.1 over HTTP/1.1: a handshake without a valid key gets 400")
    void badKeyOnTheWire() throws Exception {
        try (Socket socket = connect()) {
            String request = upgradeRequest("Sec-WebSocket-Version: 13").replace("dGhlIHNhbXBsZSBub25jZQ==", "short");
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("http/1.1 400"), head);
            assertFalse(head.contains("sec-websocket-accept"), head);
        }
    }

    @Test
    @DisplayName("RFC 7692 over HTTP/1.1: the offer is answered in the 101 and messages flow compressed both ways")
    void compressionOnTheWire() throws Exception {
        DeflateTestCodec codec = new DeflateTestCodec();
        try (Socket socket = connect()) {
            socket.getOutputStream().write(upgradeRequest("Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits").getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("http/1.1 101"), head);
            assertTrue(head.contains("sec-websocket-extensions: permessage-deflate\r\n"), head);
            String text = "compressed on the wire, ".repeat(10);
            try (TestClient client = new TestClient(socket)) {
                client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, codec.compress(text.getBytes(StandardCharsets.UTF_8)));
                Frame echo = client.expectFrame();
                assertTrue(echo.rsv1());
                assertEquals(text, new String(codec.decompress(RecordingHandler.bytesOf(echo.payload())), StandardCharsets.UTF_8));
            }
        } finally {
            codec.end();
        }
    }
}
