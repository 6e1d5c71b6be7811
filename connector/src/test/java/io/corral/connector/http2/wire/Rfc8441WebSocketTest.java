package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.websocket.CloseStatus;
import io.corral.connector.websocket.DeflateTestCodec;
import io.corral.connector.websocket.Frame;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.Opcode;
import io.corral.connector.websocket.WebSocketConfig;
import io.corral.connector.websocket.WebSocketHandler;
import io.corral.connector.websocket.WebSocketSession;
import io.corral.connector.websocket.WebSocketUpgrade;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * RFC 8441 §5 with Corral's native WebSocket engine: the opening handshake as an extended CONNECT answered 200, then
 * RFC 6455 framing in the stream's DATA frames — echo, fragments, permessage-deflate (RFC 7692), the close handshake
 * with END_STREAM as the FIN, and a protocol violation that closes its own stream's WebSocket with the right code
 * while the other streams of the connection carry on. Raw frames both ways, through {@link H2WebSocket}.
 */
class Rfc8441WebSocketTest {

    private static final long WAIT_SECONDS = 10;

    /** What the server-side endpoint saw: "open", each message, and "close CODE". */
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    private final WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onOpen(WebSocketSession session) {
            events.add("open " + session.subprotocol());
        }

        @Override
        public void onText(WebSocketSession session, String message) throws Exception {
            events.add(message);
            session.sendText(message);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuffer message) throws Exception {
            session.sendBinary(message);
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            events.add("close " + code);
        }
    };

    /** {@code /echo} upgrades; any other request gets a 200 saying its path. */
    private HttpHandler handler(WebSocketConfig config) {
        return exchange -> {
            if (exchange.request().target().equals("/echo")) {
                WebSocketUpgrade.upgrade(exchange, echo, config);
            } else {
                exchange.response().write(ByteBuffer.wrap(exchange.request().target().getBytes(
                        StandardCharsets.US_ASCII)), true);
            }
        };
    }

    private H2TestServer server(WebSocketConfig config) throws Exception {
        return new H2TestServer(Http2Config.DEFAULTS, handler(config));
    }

    private String nextEvent() throws InterruptedException {
        String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no event from the endpoint within " + WAIT_SECONDS + " s");
        return event;
    }

    @Test
    void theHandshakeIsA200WithNoAcceptAndMessagesEcho() throws Exception {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxFrameSize(1 << 20).withMaxMessageSize(1 << 20);
        try (H2TestServer server = server(config); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket.Opened opened = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo"));
            // §5: "the server ... responds with a 2xx"; §5.1: no Sec-WebSocket-Accept (nor Upgrade/Connection, which
            // HTTP/2 forbids).
            assertEquals(200, opened.status());
            assertNull(opened.header("sec-websocket-accept"));
            assertNull(opened.header("upgrade"));
            assertNull(opened.header("connection"));
            assertEquals("open null", nextEvent());
            H2WebSocket webSocket = opened.webSocket();
            webSocket.sendText("hello over h2");
            assertEquals("hello over h2", webSocket.expectText());
            byte[] binary = new byte[70_000]; // more than a DATA frame and the initial window: flow control both ways
            for (int i = 0; i < binary.length; i++) {
                binary[i] = (byte) i;
            }
            webSocket.sendFrame(true, 0, Opcode.BINARY, binary);
            java.io.ByteArrayOutputStream back = new java.io.ByteArrayOutputStream();
            Frame echoed = webSocket.expectFrame();
            assertEquals(Opcode.BINARY, echoed.opcode());
            while (true) { // the server may fragment what it sends
                byte[] payload = new byte[echoed.payload().remaining()];
                echoed.payload().get(payload);
                back.writeBytes(payload);
                if (echoed.fin()) {
                    break;
                }
                echoed = webSocket.expectFrame();
                assertEquals(Opcode.CONTINUATION, echoed.opcode());
            }
            assertArrayEquals(binary, back.toByteArray());
        }
    }

    @Test
    void aSubprotocolIsAgreedAsOnHttp11() throws Exception {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withSubprotocols(List.of("chat"));
        try (H2TestServer server = server(config); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket.Opened opened = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo",
                    "sec-websocket-protocol", "superchat, chat"));
            assertEquals("chat", opened.header("sec-websocket-protocol"));
            assertEquals("open chat", nextEvent());
        }
    }

    @Test
    void anotherVersionGets426NamingVersion13() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, H2WebSocket.connect("/echo").stream()
                    .map(f -> f.name().equals("sec-websocket-version")
                            ? new io.corral.connector.http2.hpack.HeaderField(f.name(), "8") : f).toList(), false);
            H2Client.Response response = client.response(1);
            assertEquals(426, response.status());
            assertEquals("13", response.header("sec-websocket-version"));
        }
    }

    @Test
    void anExtendedConnectForAnotherProtocolIsRefused() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, H2WebSocket.connect("/echo").stream()
                    .map(f -> f.name().equals(":protocol")
                            ? new io.corral.connector.http2.hpack.HeaderField(f.name(), "webtransport") : f).toList(),
                    false);
            assertEquals(400, client.response(1).status());
        }
    }

    @Test
    void aFragmentedMessageIsEchoedWhole() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            webSocket.sendFrame(false, 0, Opcode.TEXT, "frag".getBytes(StandardCharsets.UTF_8));
            webSocket.sendFrame(true, 0, Opcode.PING, "p".getBytes(StandardCharsets.UTF_8)); // between fragments
            webSocket.sendFrame(false, 0, Opcode.CONTINUATION, "ment".getBytes(StandardCharsets.UTF_8));
            // Two frames in one DATA frame, and one frame split across two: DATA boundaries mean nothing.
            byte[] last = H2WebSocket.maskedFrame(true, 0, Opcode.CONTINUATION, "ed".getBytes(StandardCharsets.UTF_8));
            webSocket.sendRaw(java.util.Arrays.copyOf(last, 3), false);
            webSocket.sendRaw(java.util.Arrays.copyOfRange(last, 3, last.length), false);
            Frame pong = webSocket.expectFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("fragmented", webSocket.expectText());
        }
    }

    @Test
    void permessageDeflateIsNegotiatedAndCompressesBothWays() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket.Opened opened = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo",
                    "sec-websocket-extensions", "permessage-deflate"));
            assertTrue(opened.header("sec-websocket-extensions").startsWith("permessage-deflate"),
                    opened.header("sec-websocket-extensions"));
            H2WebSocket webSocket = opened.webSocket();
            DeflateTestCodec deflate = new DeflateTestCodec();
            try {
                String message = "compress me, compress me, compress me, compress me, compress me, compress me!";
                for (int i = 0; i < 3; i++) { // context takeover: the second message leans on the first
                    webSocket.sendFrame(true, FrameParser.RSV1, Opcode.TEXT,
                            deflate.compress(message.getBytes(StandardCharsets.UTF_8)));
                    Frame echoed = webSocket.expectFrame();
                    assertTrue(echoed.rsv1(), "the echo comes compressed");
                    assertEquals(message, new String(deflate.decompress(echoed.payload()), StandardCharsets.UTF_8));
                }
            } finally {
                deflate.end();
            }
        }
    }

    @Test
    void theClientsCloseIsEchoedAndBothSidesEndTheStream() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            assertEquals("open null", nextEvent());
            webSocket.sendClose(CloseStatus.NORMAL, "bye");
            // RFC 6455 §5.5.1 echo, then §4 of RFC 8441: END_STREAM as the server's FIN.
            assertEquals(CloseStatus.NORMAL, webSocket.expectCloseCode());
            assertInstanceOf(H2WebSocket.EndStream.class, webSocket.end());
            webSocket.endStream();
            assertEquals("close 1000", nextEvent());
            client.request(3, get("/after"), true);
            assertEquals("/after", client.response(3).body());
        }
    }

    @Test
    void theServersCloseWaitsForTheClientsAnswer() throws Exception {
        WebSocketHandler closer = new WebSocketHandler() {
            @Override
            public void onText(WebSocketSession session, String message) {
                session.close(CloseStatus.GOING_AWAY, "done");
            }

            @Override
            public void onClose(WebSocketSession session, int code, String reason) {
                events.add("close " + code);
            }
        };
        HttpHandler handler = exchange -> WebSocketUpgrade.upgrade(exchange, closer, WebSocketConfig.DEFAULTS);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, handler); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            webSocket.sendText("close, please");
            assertEquals(CloseStatus.GOING_AWAY, webSocket.expectCloseCode());
            webSocket.sendClose(CloseStatus.GOING_AWAY, "");
            assertInstanceOf(H2WebSocket.EndStream.class, webSocket.end());
            assertEquals("close 1001", nextEvent());
        }
    }

    @Test
    void aBadFrameClosesItsOwnStreamWithItsCodeAndTheOtherStreamsGoOn() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket good = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            H2WebSocket bad = H2WebSocket.open(client, 3, H2WebSocket.connect("/echo")).webSocket();
            // RFC 6455 §8.1: a text message that is not UTF-8 fails the connection with 1007 — here, the stream.
            bad.sendFrame(true, 0, Opcode.TEXT, new byte[] {(byte) 0xC3, (byte) 0x28});
            assertEquals(CloseStatus.INVALID_PAYLOAD, bad.expectCloseCode());
            // An unmasked frame (§5.1) on a third stream: 1002.
            H2WebSocket unmasked = H2WebSocket.open(client, 5, H2WebSocket.connect("/echo")).webSocket();
            unmasked.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'}, false);
            assertEquals(CloseStatus.PROTOCOL_ERROR, unmasked.expectCloseCode());
            assertInstanceOf(H2WebSocket.EndStream.class, bad.end(), "the failed WebSocket ends its stream");
            assertInstanceOf(H2WebSocket.EndStream.class, unmasked.end());

            good.sendText("still here");
            assertEquals("still here", good.expectText());
            client.request(7, get("/plain"), true);
            assertEquals("/plain", client.response(7).body());
        }
    }

    @Test
    void aClientThatNeverEndsItsSideIsResetAfterTheLinger() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            webSocket.sendClose(CloseStatus.NORMAL, "");
            assertEquals(CloseStatus.NORMAL, webSocket.expectCloseCode());
            assertInstanceOf(H2WebSocket.EndStream.class, webSocket.end());
            // The client keeps its side open: the stream must not hold a slot for ever (RST_STREAM NO_ERROR).
            Http2Frame.RstStream reset = client.reset(1);
            assertEquals(0, reset.errorCode());
        }
    }

    @Test
    void aDrainClosesTheWebSocketWith1001AndThenTheConnection() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            assertEquals("open null", nextEvent());
            server.listener().drain();
            Http2Frame.GoAway goAway = client.finalGoAway();
            assertEquals(1, goAway.lastStreamId(), "the WebSocket's stream is one GOAWAY lets finish");
            // A WebSocket never finishes by itself: after the upgraded connections' grace it is told to go away.
            assertEquals(CloseStatus.GOING_AWAY, webSocket.expectCloseCode());
            webSocket.sendClose(CloseStatus.GOING_AWAY, "");
            assertInstanceOf(H2WebSocket.EndStream.class, webSocket.end());
            webSocket.endStream();
            assertEquals("close 1001", nextEvent());
            client.assertClosed();
        }
    }

    @Test
    void aDrainKeepsTheWebSocketForTheGraceSetOnTheProtocol() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            server.protocol().setUpgradedDrainGrace(Duration.ofSeconds(60));
            client.handshake();
            H2WebSocket webSocket = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            assertEquals("open null", nextEvent());
            long drained = System.nanoTime();
            server.listener().drain();
            assertEquals(1, client.finalGoAway().lastStreamId(), "the WebSocket's stream is one GOAWAY lets finish");
            // Past the default grace (1 s), the session still echoes: the protocol's grace (60 s) is the one in force.
            long pastDefault = Http1Protocol.DEFAULT_UPGRADED_DRAIN_GRACE.plusMillis(500).toNanos();
            for (int i = 0; System.nanoTime() - drained < pastDefault; i++) {
                webSocket.sendText("still open " + i);
                assertEquals("still open " + i, webSocket.expectText());
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // a message every 100 ms, not a flood
            }
        }
    }

    @Test
    void twoWebSocketsShareOneConnection() throws Exception {
        try (H2TestServer server = server(WebSocketConfig.DEFAULTS); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket first = H2WebSocket.open(client, 1, H2WebSocket.connect("/echo")).webSocket();
            H2WebSocket second = H2WebSocket.open(client, 3, H2WebSocket.connect("/echo")).webSocket();
            second.sendText("two");
            first.sendText("one");
            assertEquals("one", first.expectText());
            assertEquals("two", second.expectText());
        }
    }
}
