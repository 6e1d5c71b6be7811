package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The opening handshake on the bridged path is as strict as Corral's own engine where RFC 6455 and RFC
 * 7692 say MUST, even where Jetty's handshaker is lax: the same raw bytes go to both connectors, Corral's
 * answer is asserted, and Jetty's is recorded beside it (the {@code serverConnector} column) so the
 * difference is documented and a Jetty release that changes it is noticed.
 */
class BridgedHandshakeStrictnessTest {

    @ServerEndpoint("/strict/echo")
    public static class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> builder.jakartaEndpoints(Echo.class));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static RawWebSocket.Response handshake(ConnectorKind kind, String key, String version, String... extra)
            throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.send(RawWebSocket.handshakeWith("/strict/echo", key, version, extra));
            return client.readResponse();
        }
    }

    @ParameterizedTest(name = "{0}: Corral {2}, ServerConnector {3}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        16 random bytes in base64 (the RFC's own example)  | dGhlIHNhbXBsZSBub25jZQ==    | 101 | 101
        not base64                                          | !!!!!!!!!!!!!!!!!!!!!!==    | 400 | 101
        15 bytes                                            | dGhlIHNhbXBsZSBub25j        | 400 | 101
        17 bytes                                            | dGhlIHNhbXBsZSBub25jZTE=    | 400 | 101
        padding missing                                     | dGhlIHNhbXBsZSBub25jZQ      | 400 | 101
        not base64 at all                                   | hello                       | 400 | 101
        no key                                              | NONE                        | 400 | 400
        """)
    @DisplayName("§4.2.1 item 5: Sec-WebSocket-Key \"when decoded, is 16 bytes in length\"; otherwise §4.2.1: 400 Bad Request")
    void malformedKeyIsRefusedWith400(String name, String key, int corral, int serverConnector) throws IOException {
        RawWebSocket.Response onCorral = handshake(ConnectorKind.CORRAL, key, "13");
        assertEquals(corral, onCorral.status(), onCorral.toString());
        RawWebSocket.Response onJetty = handshake(ConnectorKind.JETTY, key, "13");
        assertEquals(serverConnector, onJetty.status(), "Jetty's own answer changed: " + onJetty);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        Upgrade token in another case       | Upgrade: WebSocket          | Connection: Upgrade
        Connection listing several options  | Upgrade: websocket          | Connection: keep-alive, Upgrade
        Connection option in lower case     | Upgrade: websocket          | connection: upgrade
        """)
    @DisplayName("§4.2.1 items 3-4: tokens are matched ignoring case and found in lists — the guard refuses no valid handshake")
    void validHandshakeVariantsAreAcceptedOnBoth(String name, String upgrade, String connection) throws IOException {
        for (ConnectorKind kind : ConnectorKind.values()) {
            try (RawWebSocket client = servers.on(kind).connect()) {
                client.send(("GET /strict/echo HTTP/1.1\r\nHost: 127.0.0.1\r\n" + upgrade + "\r\n" + connection + "\r\n"
                        + "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                RawWebSocket.Response response = client.readResponse();
                assertEquals(101, response.status(), kind + ": " + response);
                client.sendText("still talking");
                assertEquals("still talking", client.expectText());
            }
        }
    }

    /**
     * A request that asks for {@code Upgrade: websocket} but breaks another §4.1 MUST is not a handshake
     * the server may complete; §4.2.1 has it answered 400 and Corral does, whatever the path. Jetty does
     * not see an upgrade in the POST and the HTTP/1.0 request and serves them as ordinary requests (no
     * servlet there: 405, 404); it refuses the one without {@code Connection: Upgrade} with 400 too.
     */
    @ParameterizedTest(name = "{0}: Corral 400, ServerConnector {3}")
    @CsvSource(delimiter = '|', textBlock = """
        method POST (§4.1 item 2: MUST be GET)     | POST /strict/echo HTTP/1.1 | Connection: Upgrade    | 405
        HTTP/1.0 (§4.1 item 2: at least HTTP/1.1)  | GET /strict/echo HTTP/1.0  | Connection: Upgrade    | 404
        no Connection: Upgrade (§4.1 item 6)       | GET /strict/echo HTTP/1.1  | Connection: keep-alive | 400
        """)
    @DisplayName("§4.1/§4.2.1: a request naming websocket that is not a valid handshake gets 400")
    void invalidHandshakeRequestGets400(String name, String requestLine, String connection, int serverConnector)
            throws IOException {
        byte[] request = (requestLine + "\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nUpgrade: websocket\r\n" + connection
                + "\r\nSec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        try (RawWebSocket client = servers.on(ConnectorKind.CORRAL).connect()) {
            RawWebSocket.Response response = client.send(request).readResponse();
            assertEquals(400, response.status(), response.toString());
        }
        try (RawWebSocket client = servers.on(ConnectorKind.JETTY).connect()) {
            RawWebSocket.Response response = client.send(request).readResponse();
            assertEquals(serverConnector, response.status(), "Jetty's own answer changed: " + response);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§4.2.1: two Sec-WebSocket-Key fields are not one key of 16 bytes — Corral refuses with 400")
    void twoKeysAreRefused(ConnectorKind kind) throws IOException {
        RawWebSocket.Response response = handshake(kind, RawWebSocket.KEY, "13", "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==");
        assertEquals(kind == ConnectorKind.CORRAL ? 400 : 101, response.status(), response.toString());
    }

    @ParameterizedTest(name = "version {0}: Corral {1}, ServerConnector {2}")
    @CsvSource(delimiter = '|', nullValues = "NONE", textBlock = """
        13    | 101 | 101
        12    | 426 | 404
        8     | 426 | 404
        14    | 426 | 404
        13, 8 | 426 | 404
        NONE  | 426 | 404
        """)
    @DisplayName("§4.2.2/§4.4: an unsupported version is answered 426 with \"Sec-WebSocket-Version\" naming 13")
    void unsupportedVersionIsAnswered426(String version, int corral, int serverConnector) throws IOException {
        RawWebSocket.Response onCorral = handshake(ConnectorKind.CORRAL, RawWebSocket.KEY, version);
        assertEquals(corral, onCorral.status(), onCorral.toString());
        if (corral == 426) {
            assertEquals("13", onCorral.header("Sec-WebSocket-Version"), onCorral.toString());
            assertEquals("websocket", onCorral.header("Upgrade"), "RFC 9110 §15.5.22: a 426 names the protocol to upgrade to");
        }
        RawWebSocket.Response onJetty = handshake(ConnectorKind.JETTY, RawWebSocket.KEY, version);
        assertEquals(serverConnector, onJetty.status(), "Jetty's own answer changed: " + onJetty);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        plain offer                                   | permessage-deflate                                                   | permessage-deflate
        server_max_window_bits=15 (what the JDK does) | permessage-deflate; server_max_window_bits=15                        | permessage-deflate
        client_max_window_bits without a value        | permessage-deflate; client_max_window_bits                           | permessage-deflate
        client_max_window_bits quoted (§7.1)          | permessage-deflate; client_max_window_bits="10"                      | permessage-deflate
        server_no_context_takeover                    | permessage-deflate; server_no_context_takeover                       | permessage-deflate
        server_max_window_bits=10, then a valid offer | permessage-deflate; server_max_window_bits=10, permessage-deflate    | permessage-deflate
        unknown extension, then permessage-deflate    | x-webkit-deflate-frame, permessage-deflate                           | permessage-deflate
        """)
    @DisplayName("RFC 7692 §5/§7.1: an offer the server can honour is accepted — after any it declines")
    void acceptableOfferIsAccepted(String name, String offer, String accepted) throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            try (RawWebSocket client = servers.on(kind).connect()) {
                RawWebSocket.Response response = client.open("/strict/echo", "Sec-WebSocket-Extensions: " + offer);
                String extensions = RawWebSocket.extensions(response);
                assertEquals(accepted, extensions == null ? null : extensions.split(";")[0], kind + ": " + response);
                // And it is used: a compressed message is understood, and the answer comes compressed.
                client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT,
                        PermessageDeflate.compress(RawWebSocket.utf8("squeeze me"))));
                RawWebSocket.Message reply = client.expectMessage();
                assertEquals(RawWebSocket.RSV1, reply.rsv(), kind.toString());
                assertEquals("squeeze me", new String(new PermessageDeflate().decompress(reply.payload()), StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * Jetty's handshaker accepts most of these offers and ignores the parameter it cannot honour (so with
     * {@code server_max_window_bits=10} it would compress with a 32 KiB window the client did not agree
     * to), and refuses the whole handshake with 400 over an unknown or empty parameter, where §5 says to
     * decline the offer. Corral declines each offer and completes the handshake without the extension.
     */
    @ParameterizedTest(name = "{0}: ServerConnector {2}")
    @CsvSource(delimiter = '|', textBlock = """
        server_max_window_bits=10 (the JDK's Deflater cannot) | permessage-deflate; server_max_window_bits=10                              | accepts
        server_max_window_bits=8                               | permessage-deflate; server_max_window_bits=8                               | accepts
        duplicate parameter                                    | permessage-deflate; client_no_context_takeover; client_no_context_takeover | accepts
        unknown parameter                                      | permessage-deflate; foo=bar                                                | refuses the handshake: 400
        window bits out of range                               | permessage-deflate; client_max_window_bits=16                              | accepts
        window bits with a leading zero                        | permessage-deflate; server_max_window_bits=09                              | accepts
        window bits not a number                               | permessage-deflate; client_max_window_bits=ten                             | accepts
        value on a flag parameter                              | permessage-deflate; server_no_context_takeover=1                           | accepts
        malformed: empty parameter                             | permessage-deflate; ; client_no_context_takeover                           | refuses the handshake: 400
        """)
    @DisplayName("RFC 7692 §5/§7.1: an invalid, duplicated or unhonourable offer is declined — the 101 names no extension")
    void unacceptableOfferIsDeclined(String name, String offer, String serverConnector) throws Exception {
        try (RawWebSocket client = servers.on(ConnectorKind.CORRAL).connect()) {
            RawWebSocket.Response response = client.open("/strict/echo", "Sec-WebSocket-Extensions: " + offer);
            assertNull(response.header("Sec-WebSocket-Extensions"), response.toString());
            // Declined means not in use: a frame with RSV1 is now a protocol error (RFC 6455 §5.2)...
            client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT, PermessageDeflate.compress(RawWebSocket.utf8("x"))));
            assertEquals(1002, client.expectClose().closeCode());
        }
        try (RawWebSocket client = servers.on(ConnectorKind.CORRAL).connect()) {
            // ...and plain messages flow as ever.
            client.open("/strict/echo", "Sec-WebSocket-Extensions: " + offer);
            client.sendText("uncompressed");
            assertEquals("uncompressed", client.expectText());
        }
        try (RawWebSocket client = servers.on(ConnectorKind.JETTY).connect()) {
            RawWebSocket.Response response = client.upgrade("/strict/echo", "Sec-WebSocket-Extensions: " + offer);
            String jetty = response.status() != 101 ? "refuses the handshake: " + response.status()
                    : response.header("Sec-WebSocket-Extensions") == null ? "declines" : "accepts";
            assertEquals(serverConnector, jetty, "Jetty's own answer changed: " + response);
        }
    }
}
