package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Jakarta WebSocket endpoint behind the connector: the handshake is an ordinary request through Jetty's
 * handler tree, the 101 goes out through the {@code HttpStream}, and at {@code succeeded()} Jetty's
 * WebSocket connection takes the socket over on the connector's {@code EndPoint}, including a first frame
 * the client pipelined right behind its handshake.
 */
class WebSocketUpgradeTest {

    @ServerEndpoint("/ws/echo")
    public static class UpperCaseEcho {
        @OnMessage
        public String onMessage(String message) {
            return message.toUpperCase();
        }
    }

    private static ServletServer start(ConnectorKind kind) throws Exception {
        return ServletServer.on(kind)
                .context(context -> JakartaWebSocketServletContainerInitializer.configure(context,
                        (servletContext, container) -> container.addEndpoint(UpperCaseEcho.class)))
                .start();
    }

    /**
     * Which framing serves a Corral session: Corral's own, or (forced by the documented system property,
     * as when the seam is unavailable) Jetty's {@code WebSocketConnection} on the {@link CorralEndPoint}.
     */
    enum Framing { CORRAL_FRAMING, JETTY_FRAMING_ON_CORRAL_ENDPOINT }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void corralServesSessionsOnEitherFraming(Framing framing) throws Exception {
        String property = "corral.websocket.framing";
        String before = System.getProperty(property);
        if (framing == Framing.JETTY_FRAMING_ON_CORRAL_ENDPOINT) {
            System.setProperty(property, "jetty");
        }
        try (ServletServer server = start(ConnectorKind.CORRAL)) {
            echo(server, connection -> assertEquals(framing == Framing.CORRAL_FRAMING,
                    io.corral.jetty.websocket.WebSocketFraming.isCorralFramed(connection), String.valueOf(connection)));
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void jdkClientEchoesThroughJakartaEndpoint(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind)) {
            // Corral's connector serves sessions on Corral's framing; Jetty's on its own WebSocketConnection.
            echo(server, connection -> assertEquals(kind == ConnectorKind.CORRAL,
                    io.corral.jetty.websocket.WebSocketFraming.isCorralFramed(connection), String.valueOf(connection)));
        }
    }

    /** Echoes one message with the JDK client, checking the server side's connection mid-session. */
    private static void echo(ServletServer server, java.util.function.Consumer<org.eclipse.jetty.io.Connection> check)
            throws Exception {
        {
            CompletableFuture<String> reply = new CompletableFuture<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.port() + "/ws/echo"), new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                reply.complete(text.toString());
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            socket.sendText("hello corral", true).get(5, TimeUnit.SECONDS);
            assertEquals("HELLO CORRAL", reply.get(5, TimeUnit.SECONDS));
            var endPoints = server.connector().getConnectedEndPoints();
            assertEquals(1, endPoints.size());
            check.accept(endPoints.iterator().next().getConnection());
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            Await.until("the WebSocket connection to be closed", Duration.ofSeconds(5),
                    () -> server.connector().getConnectedEndPoints().isEmpty());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void frameSentRightBehindTheHandshakeIsNotLost(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            byte[] handshake = ("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] frame = maskedTextFrame("pipelined");
            byte[] both = new byte[handshake.length + frame.length];
            System.arraycopy(handshake, 0, both, 0, handshake.length);
            System.arraycopy(frame, 0, both, handshake.length, frame.length);
            client.send(both);

            RawResponse response = client.readHead();
            assertEquals(101, response.status(), response.toString());
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", response.header("Sec-WebSocket-Accept"));
            InputStream in = client.input();
            int opcode = in.read();
            int length = in.read();
            assertEquals(0x81, opcode);
            byte[] payload = in.readNBytes(length);
            assertEquals("PIPELINED", new String(payload, StandardCharsets.UTF_8));
            assertTrue(length < 126);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} → {2}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
        key of 15 bytes (RFC 6455 §4.2.1 5.)  | dGhlIHNhbXBsZSBub25j | 13 | 400
        no key                                |                      | 13 | 400
        version 8 (§4.2.2: 426 naming 13)     | dGhlIHNhbXBsZSBub25jZQ== | 8 | 426
        """)
    void corralRefusesHandshakesTheRfcForbids(String name, String key, String version, int status) throws Exception {
        try (ServletServer server = start(ConnectorKind.CORRAL); RawConnection client = server.connect()) {
            client.send("GET /ws/echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + (key == null ? "" : "Sec-WebSocket-Key: " + key + "\r\n")
                    + "Sec-WebSocket-Version: " + version + "\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(status, response.status(), response.toString());
            if (status == 426) {
                assertEquals("13", response.header("Sec-WebSocket-Version"));
            }
        }
    }

    /** A final text frame, masked as a client must (RFC 6455 §5.3), with a fixed masking key. */
    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
