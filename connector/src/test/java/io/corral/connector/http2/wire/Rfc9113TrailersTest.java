package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 §8.1 trailers, both ways: "A trailer section, if present, is carried in a HEADERS frame with the
 * END_STREAM flag set"; "Trailers MUST NOT include pseudo-header fields"; and the field rules of §8.2 hold for a
 * trailer section as for a head. {@code Rfc9113StreamsTest} shows trailers that are well formed reaching the handler
 * and a handler's trailers after a body written in pieces.
 */
class Rfc9113TrailersTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;

    static Stream<Arguments> malformedTrailers() {
        return Stream.of(
                Arguments.of("§8.1 a pseudo-header", List.of(new HeaderField(":path", "/other")), true),
                Arguments.of("§8.1 no END_STREAM", List.of(new HeaderField("x-sum", "1")), false),
                Arguments.of("§8.2.1 an uppercase name", List.of(new HeaderField("X-Sum", "1")), true),
                Arguments.of("§8.2.1 a value with a line feed", List.of(new HeaderField("x-sum", "1\nx-b: 2")), true),
                Arguments.of("§8.2.1 a value with surrounding space", List.of(new HeaderField("x-sum", " 1")), true),
                Arguments.of("§8.2.2 a connection-specific field", List.of(new HeaderField("connection", "close")),
                        true),
                Arguments.of("§8.2.2 transfer-encoding", List.of(new HeaderField("transfer-encoding", "chunked")),
                        true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedTrailers")
    void malformedRequestTrailersAreAStreamError(String rule, List<HeaderField> trailers, boolean endStream)
            throws Exception {
        AtomicReference<String> seen = new AtomicReference<>("nothing");
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            if (!exchange.request().method().equals("POST")) {
                exchange.response().end();
                return;
            }
            try {
                exchange.body().asInputStream().readAllBytes();
                seen.set("trailers " + exchange.body().trailers());
            } catch (java.io.IOException e) {
                seen.set("a failed read");
                throw e;
            }
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.Data(1, "abc".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Headers(1, client.encode(trailers), endStream, true));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode(), rule);
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status(), "the connection serves on");
            assertEquals("a failed read", seen.get(), "the handler never took the trailers for good ones");
        }
    }

    @Test
    void responseTrailersAfterAnEmptyBodyFollowTheHeadersAndEndTheStream() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            exchange.response().trailers(() -> new HttpHeaders().add("grpc-status", "0"));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            Http2Frame.Headers head = (Http2Frame.Headers) client.nextMatching(f -> f.streamId() == 1);
            assertEquals(false, head.endStream(), "the head does not end the stream: trailers follow");
            Http2Frame.Headers trailers = (Http2Frame.Headers) client.nextMatching(f -> f.streamId() == 1);
            assertEquals(true, trailers.endStream());
        }
    }

    @Test
    void responseTrailersAreSentLowercaseWithoutConnectionSpecificFields() throws Exception {
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            exchange.response().trailers(() -> new HttpHeaders().add("X-Checksum", "abc").add("Connection", "close"));
            exchange.response().write(ByteBuffer.wrap("body".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            H2Client.Response response = client.response(1);
            assertEquals("body", response.body());
            assertEquals(List.of(new HeaderField("x-checksum", "abc")), response.trailers());
        }
    }
}
