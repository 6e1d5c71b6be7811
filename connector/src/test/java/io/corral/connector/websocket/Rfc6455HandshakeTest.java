package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.stream.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §4.2.1 (reading the client's opening handshake) and §4.2.2 (sending the server's). */
class Rfc6455HandshakeTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static List<String> validHeaders() {
        return new ArrayList<>(List.of("Host: server.example.com", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13"));
    }

    private static FakeExchange exchange(List<String> headers) {
        return FakeExchange.get(HttpVersion.HTTP_1_1, headers.toArray(String[]::new));
    }

    private static List<String> without(String name) {
        List<String> headers = validHeaders();
        headers.removeIf(h -> h.startsWith(name + ":"));
        return headers;
    }

    private static List<String> replacing(String name, String value) {
        List<String> headers = without(name);
        headers.add(name + ": " + value);
        return headers;
    }

    @Test
    @DisplayName("§1.3/§4.2.2: the RFC's own example — key dGhlIHNhbXBsZSBub25jZQ== gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    void acceptKeyOfTheRfcExample() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.acceptKey(KEY));
    }

    @Test
    @DisplayName("§4.2.2: a valid handshake gets 101 with Upgrade, Connection and Sec-WebSocket-Accept, and the connection is taken over")
    void validHandshake() throws Exception {
        FakeExchange exchange = exchange(validHeaders());
        assertTrue(WebSocketUpgrade.upgrade(exchange, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertEquals(101, exchange.response.status());
        assertEquals("websocket", exchange.response.headers().get("Upgrade"));
        assertEquals("Upgrade", exchange.response.headers().get("Connection"));
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", exchange.response.headers().get("Sec-WebSocket-Accept"));
        assertNull(exchange.response.headers().get("Sec-WebSocket-Extensions"), "nothing offered, nothing agreed");
        assertNull(exchange.response.headers().get("Sec-WebSocket-Protocol"));
        assertTrue(exchange.response.isComplete());
        assertNotNull(exchange.upgrade);
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("POST", HttpVersion.HTTP_1_1, validHeaders()),
                Arguments.of("GET", HttpVersion.HTTP_1_0, validHeaders()),
                Arguments.of("GET", HttpVersion.HTTP_1_1, without("Host")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, without("Upgrade")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Upgrade", "h2c")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, without("Connection")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Connection", "keep-alive")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Connection", "upgrades")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, without("Sec-WebSocket-Key")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA")),       // 15 bytes
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAA=")),   // 17 bytes
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAAA")),   // 18 bytes
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ*=")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, replacing("Sec-WebSocket-Key", "dGhlIHNhbX BsZSBub25jZQ=")),
                Arguments.of("GET", HttpVersion.HTTP_1_1, withTwoKeys()));
    }

    private static List<String> withTwoKeys() {
        List<String> headers = validHeaders();
        headers.add("Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==");
        return headers;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badRequests")
    @DisplayName("§4.2.1: a request that is not a valid handshake gets 400 Bad Request and no upgrade")
    void badRequestsGet400(String method, HttpVersion version, List<String> headers) throws Exception {
        FakeExchange exchange = FakeExchange.request(method, version, headers.toArray(String[]::new));
        assertFalse(WebSocketUpgrade.upgrade(exchange, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertEquals(400, exchange.response.status());
        assertNull(exchange.upgrade);
        assertNull(exchange.response.headers().get("Sec-WebSocket-Accept"));
        assertTrue(exchange.response.isComplete());
        assertFalse(exchange.response.bodyText().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"8", "12", "14", "13, 8", "thirteen", ""})
    @DisplayName("§4.2.2: 'If this version does not match a version understood by the server ... 426 Upgrade Required and a Sec-WebSocket-Version header'")
    void unsupportedVersionGets426(String version) throws Exception {
        FakeExchange exchange = exchange(replacing("Sec-WebSocket-Version", version));
        assertFalse(WebSocketUpgrade.upgrade(exchange, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertEquals(426, exchange.response.status());
        assertEquals("13", exchange.response.headers().get("Sec-WebSocket-Version"));
        assertEquals("websocket", exchange.response.headers().get("Upgrade"));
        assertNull(exchange.upgrade);
    }

    @Test
    @DisplayName("§4.2.1: a missing Sec-WebSocket-Version also gets 426 naming version 13")
    void missingVersionGets426() throws Exception {
        FakeExchange exchange = exchange(without("Sec-WebSocket-Version"));
        assertFalse(WebSocketUpgrade.upgrade(exchange, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertEquals(426, exchange.response.status());
        assertEquals("13", exchange.response.headers().get("Sec-WebSocket-Version"));
    }

    @Test
    @DisplayName("§4.2.1: Upgrade and Connection are token lists compared without case; whitespace around values is optional")
    void tokensIgnoreCase() {
        List<String> headers = replacing("Upgrade", "WebSocket");
        headers.removeIf(h -> h.startsWith("Connection:"));
        headers.add("Connection: keep-alive,  UPGRADE");
        headers.removeIf(h -> h.startsWith("Sec-WebSocket-Version:"));
        headers.add("Sec-WebSocket-Version:  13 ");
        HandshakeResult result = WebSocketHandshake.evaluate(exchange(headers).request(), WebSocketConfig.DEFAULTS);
        assertInstanceOf(HandshakeResult.Accepted.class, result);
    }

    @Test
    @DisplayName("§4.2.2 /subprotocol/: the first protocol the client offers that the server speaks, from one or several headers")
    void subprotocolSelection() throws Exception {
        List<String> headers = validHeaders();
        headers.add("Sec-WebSocket-Protocol: chat.v1, superchat");
        headers.add("Sec-WebSocket-Protocol: mqtt");
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withSubprotocols(List.of("mqtt", "superchat"));
        FakeExchange exchange = exchange(headers);
        assertTrue(WebSocketUpgrade.upgrade(exchange, RecordingHandler.recording(), config));
        assertEquals("superchat", exchange.response.headers().get("Sec-WebSocket-Protocol"), "client order wins");

        FakeExchange none = exchange(headers);
        assertTrue(WebSocketUpgrade.upgrade(none, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertNull(none.response.headers().get("Sec-WebSocket-Protocol"), "no common protocol: none in the answer");

        FakeExchange custom = exchange(headers);
        assertTrue(WebSocketUpgrade.upgrade(custom, RecordingHandler.recording(), WebSocketConfig.DEFAULTS,
                offered -> offered.get(offered.size() - 1)));
        assertEquals("mqtt", custom.response.headers().get("Sec-WebSocket-Protocol"));

        assertThrows(IllegalStateException.class, () -> WebSocketUpgrade.upgrade(exchange(headers),
                RecordingHandler.recording(), WebSocketConfig.DEFAULTS, offered -> "not-offered"));
    }

    @Test
    @DisplayName("§4.2.2 /extensions/: permessage-deflate is answered when offered and enabled, and not when disabled")
    void extensionsInTheAnswer() throws Exception {
        List<String> headers = validHeaders();
        headers.add("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
        FakeExchange on = exchange(headers);
        assertTrue(WebSocketUpgrade.upgrade(on, RecordingHandler.recording(), WebSocketConfig.DEFAULTS));
        assertEquals("permessage-deflate", on.response.headers().get("Sec-WebSocket-Extensions"));
        FakeExchange off = exchange(headers);
        assertTrue(WebSocketUpgrade.upgrade(off, RecordingHandler.recording(), WebSocketConfig.DEFAULTS.withPermessageDeflate(false)));
        assertNull(off.response.headers().get("Sec-WebSocket-Extensions"));
    }

    @Test
    @DisplayName("§4.2.2: after the 101 the upgrade runs the WebSocket on the connection, starting with the pipelined bytes")
    void upgradeRunsTheConnection() throws Exception {
        FakeExchange exchange = exchange(validHeaders());
        RecordingHandler handler = RecordingHandler.echoing();
        assertTrue(WebSocketUpgrade.upgrade(exchange, handler, WebSocketConfig.DEFAULTS));
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listening.setSoTimeout(10_000);
            try (Socket clientSocket = new Socket()) {
                clientSocket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listening.getLocalPort()), 10_000);
                SocketConnection serverSide = new SocketConnection(listening.accept());
                byte[] pipelined = TestClient.maskedFrame(true, 0, Opcode.TEXT, "pipelined".getBytes(StandardCharsets.UTF_8));
                Thread.ofVirtual().start(() -> {
                    try {
                        exchange.upgrade.takeOver(serverSide, ByteBuffer.wrap(pipelined));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                try (TestClient client = new TestClient(clientSocket)) {
                    assertEquals("pipelined", client.expectText());
                    client.sendClose(CloseStatus.NORMAL, "");
                    assertEquals(CloseStatus.NORMAL, client.expectClose().code());
                }
                assertEquals(CloseStatus.NORMAL, handler.awaitClosed().code());
            }
        }
    }
}
