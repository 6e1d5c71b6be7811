package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 8441 §3–§4 on the wire, below WebSocket: the setting that offers extended CONNECT, the {@code :protocol}
 * pseudo-header's rules, and the stream that becomes a two-way byte tunnel for whatever the handler runs on it
 * (here a plain echo), with END_STREAM and RST_STREAM as its FIN and RST and flow control in both directions.
 */
class Rfc8441ExtendedConnectTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;
    private static final long WAIT_SECONDS = 10;

    /**
     * Upgrades every extended CONNECT to a tunnel that echoes its bytes until the client ends its side, and answers
     * other requests with an empty 200.
     */
    private static final HttpHandler ECHO_TUNNEL = exchange -> {
        if (!exchange.request().isExtendedConnect()) {
            exchange.response().end();
            return;
        }
        exchange.upgrade((connection, leftover) -> {
            byte[] buffer = new byte[4096];
            int n;
            while ((n = connection.read(buffer, 0, buffer.length)) >= 0) {
                connection.write(buffer, 0, n);
            }
            connection.shutdownOutput();
            return null;
        });
        exchange.response().end();
    };

    private static List<HeaderField> extendedConnect(String protocol) {
        return List.of(new HeaderField(":method", "CONNECT"), new HeaderField(":protocol", protocol),
                new HeaderField(":scheme", "http"), new HeaderField(":path", "/tunnel"),
                new HeaderField(":authority", "localhost"));
    }

    @Test
    void theServerOffersExtendedConnectInItsSettings() throws Exception {
        // §3: "SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8): ... a client MAY use the Extended CONNECT".
        try (H2TestServer server = new H2TestServer(CONFIG, ECHO_TUNNEL); H2Client client = server.connect()) {
            assertTrue(client.handshake().settings().contains(
                    new Http2Frame.Setting(Http2Frame.Settings.ENABLE_CONNECT_PROTOCOL, 1)));
        }
    }

    @Test
    void turnedOffTheSettingIsNotSentAndProtocolIsMalformed() throws Exception {
        // §3: a client sends :protocol only to a server that sent the setting; a request carrying it is malformed.
        try (H2TestServer server = new H2TestServer(CONFIG.withConnectProtocol(false), ECHO_TUNNEL);
                H2Client client = server.connect()) {
            assertTrue(client.handshake().settings().stream()
                    .noneMatch(s -> s.id() == Http2Frame.Settings.ENABLE_CONNECT_PROTOCOL));
            client.request(1, extendedConnect("websocket"), false);
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode());
            client.request(3, get("/after"), true);
            assertEquals(200, client.response(3).status(), "a stream error: the connection serves on");
        }
    }

    static Stream<Arguments> malformedExtendedConnects() {
        List<HeaderField> onGet = List.of(new HeaderField(":method", "GET"), new HeaderField(":protocol", "websocket"),
                new HeaderField(":scheme", "http"), new HeaderField(":path", "/"),
                new HeaderField(":authority", "localhost"));
        return Stream.of(
                Arguments.of("§4: :protocol on a GET", onGet),
                Arguments.of("§4: no :scheme", without(extendedConnect("websocket"), ":scheme")),
                Arguments.of("§4: no :path", without(extendedConnect("websocket"), ":path")),
                Arguments.of("§4/§5: no :authority", without(extendedConnect("websocket"), ":authority")),
                Arguments.of("two :protocol", plus(extendedConnect("websocket"), ":protocol", "websocket")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedExtendedConnects")
    void aMalformedExtendedConnectIsAStreamError(String why, List<HeaderField> fields) throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, ECHO_TUNNEL); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, fields, false);
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode(), why);
            client.request(3, get("/after"), true);
            assertEquals(200, client.response(3).status());
        }
    }

    @Test
    void aPlainConnectIsStillRefusedWhenExtendedConnectIsOffered() throws Exception {
        // Corral is no proxy: RFC 9113 §8.5's CONNECT (no :protocol, no :scheme or :path) is not implemented.
        try (H2TestServer server = new H2TestServer(CONFIG, ECHO_TUNNEL); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, List.of(new HeaderField(":method", "CONNECT"),
                    new HeaderField(":authority", "example.com:443")), false);
            assertEquals(501, client.response(1).status());
        }
    }

    @Test
    void theHandlerSeesTheProtocolAndAnAcceptedStreamBecomesATwoWayTunnel() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        HttpHandler handler = exchange -> {
            seen.add(exchange.request().method() + " " + exchange.request().target() + " "
                    + exchange.request().protocol() + " " + exchange.request().headers().get("host"));
            ECHO_TUNNEL.handle(exchange);
        };
        try (H2TestServer server = new H2TestServer(CONFIG, handler); H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket.Opened opened = H2WebSocket.open(client, 1, extendedConnect("echo"));
            assertEquals(200, opened.status());
            // RFC 9110 §9.3.6: "A server MUST NOT send any ... Content-Length header fields in a 2xx (Successful)
            // response to CONNECT."
            assertNull(opened.header("content-length"));
            assertEquals("CONNECT /tunnel echo localhost", seen.poll(WAIT_SECONDS, TimeUnit.SECONDS));

            client.send(new Http2Frame.Data(1, "hello ".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Data(1, "tunnel".getBytes(StandardCharsets.US_ASCII), false));
            assertEquals("hello tunnel", readTunnel(client, 1, 12, false));
            // §4: END_STREAM is the tunnel's FIN, in both directions.
            client.send(new Http2Frame.Data(1, new byte[0], true));
            assertEquals("", readTunnel(client, 1, 0, true));

            client.request(3, get("/after"), true);
            assertEquals(200, client.response(3).status(), "the connection carries on");
        }
    }

    @Test
    void theTunnelHeldBeforeTheAnswerIsTheOneTheUpgradeGets() throws Exception {
        // The Jetty bridge builds its endpoint during the request, before the 200: it must be the tunnel itself.
        BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
        HttpHandler handler = exchange -> {
            TransportConnection early = exchange.tunnel();
            if (early == null) {
                seen.add("no tunnel on " + exchange.request().method());
                exchange.response().end();
                return;
            }
            exchange.upgrade((connection, leftover) -> {
                seen.add(connection == early);
                connection.shutdownOutput();
                return null;
            });
            exchange.response().end();
        };
        try (H2TestServer server = new H2TestServer(CONFIG, handler); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/plain"), true);
            assertEquals(200, client.response(1).status());
            assertEquals("no tunnel on GET", seen.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(200, H2WebSocket.open(client, 3, extendedConnect("bytes")).status());
            assertEquals(true, seen.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals("", readTunnel(client, 3, 0, true));
        }
    }

    @Test
    void aHandlerThatDoesNotUpgradeAnswersAsForAnyRequest() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().status(404).end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, extendedConnect("websocket"), false);
            assertEquals(404, client.response(1).status());
        }
    }

    @Test
    void a2xxWithoutAnUpgradeOpensATunnelThatEndsAtOnce() throws Exception {
        // RFC 9110 §9.3.6: a 2xx to CONNECT has no content and makes the tunnel; with nothing to run on it, the
        // server's side ends (END_STREAM) as soon as the handler returns.
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            H2WebSocket.Opened opened = H2WebSocket.open(client, 1, extendedConnect("bytes"));
            assertEquals(200, opened.status());
            assertNull(opened.header("content-length"));
            assertEquals("", readTunnel(client, 1, 0, true));
            client.send(new Http2Frame.Data(1, new byte[0], true));
            client.request(3, get("/after"), true);
            assertEquals(200, client.response(3).status());
        }
    }

    @Test
    void aTunnelSendsNoMoreThanTheClientsWindowAllows() throws Exception {
        // RFC 9113 §6.9 applies to the tunnel's DATA as to any: 16 octets of window, 16 octets sent.
        byte[] payload = new byte[100];
        java.util.Arrays.fill(payload, (byte) 'x');
        HttpHandler handler = exchange -> {
            exchange.upgrade((connection, leftover) -> {
                connection.write(payload, 0, payload.length);
                connection.shutdownOutput();
                while (connection.read(new byte[16], 0, 16) >= 0) {
                    // until the client ends its side
                }
                return null;
            });
            exchange.response().end();
        };
        try (H2TestServer server = new H2TestServer(CONFIG, handler); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 16));
            assertEquals(200, H2WebSocket.open(client, 1, extendedConnect("bytes")).status());
            Http2Frame.Data first = (Http2Frame.Data) client.nextMatching(f -> f instanceof Http2Frame.Data);
            assertEquals(16, first.data().length);
            assertFalse(first.endStream());
            client.send(new Http2Frame.WindowUpdate(1, 1000));
            assertEquals(84, readTunnel(client, 1, 84, true).length());
            client.send(new Http2Frame.Data(1, new byte[0], true));
        }
    }

    @Test
    void aClientResetFailsTheTunnelsReadsAndOnlyThatStream() throws Exception {
        BlockingQueue<Object> outcome = new LinkedBlockingQueue<>();
        HttpHandler handler = exchange -> {
            if (!exchange.request().isExtendedConnect()) {
                exchange.response().end();
                return;
            }
            exchange.upgrade((connection, leftover) -> {
                outcome.add("running");
                outcome.add(readUntilFailure(connection));
                return null;
            });
            exchange.response().end();
        };
        try (H2TestServer server = new H2TestServer(CONFIG, handler); H2Client client = server.connect()) {
            client.handshake();
            assertEquals(200, H2WebSocket.open(client, 1, extendedConnect("bytes")).status());
            // A reset before the handler returned would cut the exchange before its tunnel ran: wait for the tunnel.
            assertEquals("running", outcome.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            // §4: "RST_STREAM ... is the equivalent of the TCP RST".
            client.send(new Http2Frame.RstStream(1, Http2ErrorCode.CANCEL.code()));
            assertInstanceOf(IOException.class, outcome.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            client.request(3, get("/after"), true);
            assertEquals(200, client.response(3).status());
        }
    }

    private static Object readUntilFailure(TransportConnection connection) {
        try {
            byte[] buffer = new byte[64];
            while (connection.read(buffer, 0, buffer.length) >= 0) {
                // keep reading
            }
            return "end of stream";
        } catch (IOException e) {
            return e;
        }
    }

    /** Reads the tunnel's DATA on a stream: {@code length} octets, then END_STREAM if {@code untilEnd}. */
    private static String readTunnel(H2Client client, int streamId, int length, boolean untilEnd) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (bytes.size() < length || untilEnd) {
            Http2Frame frame = client.nextMatching(f -> f.streamId() == streamId
                    && (f instanceof Http2Frame.Data || f instanceof Http2Frame.RstStream));
            if (frame instanceof Http2Frame.RstStream reset) {
                throw new AssertionError("reset: " + Http2ErrorCode.nameOf(reset.errorCode()));
            }
            Http2Frame.Data data = (Http2Frame.Data) frame;
            bytes.writeBytes(data.data());
            if (data.endStream()) {
                break;
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }

    private static List<HeaderField> without(List<HeaderField> fields, String name) {
        return fields.stream().filter(f -> !f.name().equals(name)).toList();
    }

    private static List<HeaderField> plus(List<HeaderField> fields, String name, String value) {
        List<HeaderField> more = new ArrayList<>(fields);
        more.add(1, new HeaderField(name, value));
        return more;
    }
}
