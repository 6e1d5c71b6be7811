package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static io.corral.connector.http2.wire.H2Client.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.HttpVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 §5.1 streams and §8 HTTP semantics on the wire, with the native handler API: requests and responses,
 * bodies, trailers, malformed requests (stream errors that leave the connection serving), and the
 * one-new-virtual-thread-per-stream rule with streams that do not wait for each other.
 */
class Rfc9113StreamsTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;

    @Test
    void aGetIsAnsweredWithStatusHeadersAndBody() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            seen.put("version", exchange.request().version().name());
            seen.put("method", exchange.request().method());
            seen.put("target", exchange.request().target());
            seen.put("host", exchange.request().headers().get("Host"));
            exchange.response().headers().set("Content-Type", "text/plain");
            exchange.response().headers().set("Connection", "close"); // connection-specific: dropped
            exchange.response().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/plaintext?x=1"), true);
            H2Client.Response response = client.response(1);
            assertEquals(200, response.status());
            assertEquals("hello", response.body());
            assertEquals("5", response.header("content-length"));
            assertEquals("text/plain", response.header("content-type"));
            assertNotNull(response.header("date"));
            assertEquals(null, response.header("connection"));
            assertEquals(Map.of("version", HttpVersion.HTTP_2.name(), "method", "GET", "target", "/plaintext?x=1",
                    "host", "localhost"), seen);
        }
    }

    @Test
    void aBodyInSeveralDataFramesIsEchoedWithTrailers() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            exchange.response().trailers(() -> new io.corral.connector.stream.HttpHeaders().add("x-length",
                    Integer.toString(body.length)));
            exchange.response().write(ByteBuffer.wrap(body), false);
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, with(post("/echo"), "content-length", "11"), false);
            client.send(new Http2Frame.Data(1, "hello ".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Data(1, "world".getBytes(StandardCharsets.US_ASCII), true, 4));
            H2Client.Response response = client.response(1);
            assertEquals("hello world", response.body());
            assertEquals(List.of(new HeaderField("x-length", "11")), response.trailers());
        }
    }

    @Test
    void requestTrailersReachTheHandler() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap(exchange.body().trailers().get("x-sum")
                    .getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, post("/"), false);
            client.send(new Http2Frame.Data(1, "abc".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Headers(1, client.encode(List.of(new HeaderField("x-sum", "42"))), true, true));
            assertEquals("42", client.response(1).body());
        }
    }

    @Test
    void aContentLengthThatDoesNotMatchTheDataIsAStreamError() throws Exception {
        // §8.1.1: "A request or response is also malformed if the value of a content-length header field does not
        // equal the sum of the DATA frame payload lengths that form the content".
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            exchange.body().asInputStream().readAllBytes();
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, with(post("/"), "content-length", "4"), false);
            client.send(new Http2Frame.Data(1, "abc".getBytes(StandardCharsets.US_ASCII), true));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode());
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status(), "the connection serves on");
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("§8.2.1 uppercase field name", with(get("/"), "X-Upper", "1")),
                Arguments.of("§8.2.2 connection-specific field", with(get("/"), "connection", "keep-alive")),
                Arguments.of("§8.2.2 transfer-encoding", with(get("/"), "transfer-encoding", "chunked")),
                Arguments.of("§8.2.2 te other than trailers", with(get("/"), "te", "gzip")),
                Arguments.of("§8.2.1 value with a line feed", with(get("/"), "x-a", "a\nb")),
                Arguments.of("§8.3.1 missing :path", List.of(new HeaderField(":method", "GET"),
                        new HeaderField(":scheme", "http"), new HeaderField(":authority", "x"))),
                Arguments.of("§8.3.1 empty :path", List.of(new HeaderField(":method", "GET"),
                        new HeaderField(":scheme", "http"), new HeaderField(":path", ""))),
                Arguments.of("§8.3 pseudo-header after a regular field", List.of(new HeaderField(":method", "GET"),
                        new HeaderField(":scheme", "http"), new HeaderField("x-a", "1"), new HeaderField(":path", "/"))),
                Arguments.of("§8.3 response pseudo-header in a request", with(get("/"), ":status", "200")),
                Arguments.of("§8.3.1 repeated :method", with(get("/"), ":method", "POST")),
                Arguments.of("§8.3.1 host differing from :authority", with(get("/"), "host", "elsewhere")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedRequestIsAStreamErrorAndTheConnectionServesOn(String rule, List<HeaderField> fields)
            throws Exception {
        // §8.1.1: "Malformed requests or responses that are detected MUST be treated as a stream error of type
        // PROTOCOL_ERROR."
        CountDownLatch handled = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            if (!exchange.request().target().equals("/ok")) {
                handled.countDown();
            }
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Headers(1, client.encode(fields), true, true));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode(), rule);
            client.request(3, get("/ok"), true);
            assertEquals(200, client.response(3).status());
            assertEquals(1, handled.getCount(), "the handler never saw the malformed request");
        }
    }

    @Test
    void connectIsRefusedWithoutExtendedConnect() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, List.of(new HeaderField(":method", "CONNECT"), new HeaderField(":authority",
                    "example.com:443")), true);
            assertEquals(501, client.response(1).status());
        }
    }

    @Test
    void eachStreamRunsOnANewVirtualThreadAndASlowStreamDoesNotHoldTheOthers() throws Exception {
        CountDownLatch fastDone = new CountDownLatch(1);
        Map<String, Thread> threads = new ConcurrentHashMap<>();
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            threads.put(exchange.request().target(), Thread.currentThread());
            if (exchange.request().target().equals("/slow")) {
                assertTrue(fastDone.await(10, TimeUnit.SECONDS), "the fast stream finished first");
            }
            exchange.response().write(ByteBuffer.wrap(exchange.request().target().getBytes(StandardCharsets.US_ASCII)),
                    true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/slow"), true);
            client.request(3, get("/fast"), true);
            assertEquals("/fast", client.response(3).body());
            fastDone.countDown();
            assertEquals("/slow", client.response(1).body());
            assertTrue(threads.get("/slow").isVirtual());
            assertTrue(threads.get("/fast").isVirtual());
            assertNotEquals(threads.get("/slow"), threads.get("/fast"));
        }
    }

    @Test
    void framesTheClientSentBeforeSeeingOurResetAreIgnored() throws Exception {
        // §8.1: a server that answers before the request ends may send RST_STREAM NO_ERROR; §5.1: "An endpoint MUST
        // ignore frames that it receives on closed streams after it has sent a RST_STREAM frame".
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end()); H2Client client =
                server.connect()) {
            client.handshake();
            client.request(1, post("/"), false);
            assertEquals(200, client.response(1).status());
            assertEquals(Http2ErrorCode.NO_ERROR.code(), client.reset(1).errorCode());
            client.send(new Http2Frame.Data(1, "late".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Headers(1, client.encode(List.of(new HeaderField("x-late", "1"))), true, true));
            client.send(new Http2Frame.Ping(false, 3));
            assertEquals(new Http2Frame.Ping(true, 3), client.nextMatching(f -> f instanceof Http2Frame.Ping
                    || f instanceof Http2Frame.RstStream || f instanceof Http2Frame.GoAway), "no reset, no GOAWAY");
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status());
        }
    }

    @Test
    void aHandlerFailureBeforeCommittingIsA500() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            throw new IllegalStateException("boom");
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(500, client.response(1).status());
        }
    }

    @Test
    void headersOnAClosedStreamAreAConnectionError() throws Exception {
        // §5.1.1: "The identifier of a newly established stream MUST be numerically greater than all streams that
        // the initiating endpoint has opened".
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(5, get("/"), true);
            client.response(5);
            client.request(3, get("/"), true);
            // 3 was never opened: "an unexpected stream identifier", PROTOCOL_ERROR (Rfc9113StreamStatesTest).
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void anEvenStreamIdIsAProtocolError() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(2, get("/"), true);
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }

    static List<HeaderField> post(String path) {
        return List.of(new HeaderField(":method", "POST"), new HeaderField(":scheme", "http"),
                new HeaderField(":path", path), new HeaderField(":authority", "localhost"));
    }
}
