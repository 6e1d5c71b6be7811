package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 §5.1 stream states, one transition at a time on the wire: what each state accepts, what it refuses and
 * with which kind of error, and that a stream's end (by END_STREAM both ways or by a reset from either side) frees
 * its handler and its concurrency slot. A server never reserves streams (no push), so the reserved states do not
 * occur.
 */
class Rfc9113StreamStatesTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;
    private static final long WAIT_SECONDS = 10;

    static Stream<Arguments> framesOnAnIdleStream() {
        return Stream.of(
                Arguments.of("DATA", new Http2Frame.Data(5, "x".getBytes(StandardCharsets.US_ASCII), false)),
                Arguments.of("RST_STREAM", new Http2Frame.RstStream(5, Http2ErrorCode.CANCEL.code())),
                Arguments.of("WINDOW_UPDATE", new Http2Frame.WindowUpdate(5, 1)),
                Arguments.of("CONTINUATION", new Http2Frame.Continuation(5, new byte[] {(byte) 0x82}, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framesOnAnIdleStream")
    void anythingButHeadersOrPriorityOnAnIdleStreamIsAConnectionError(String type, Http2Frame frame) throws Exception {
        // §5.1 idle: "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as
        // a connection error (Section 5.4.1) of type PROTOCOL_ERROR."
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            client.send(frame);
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), goAway.errorCode(), type);
            assertEquals(1, goAway.lastStreamId(), "stream 5 was never processed");
        }
    }

    @Test
    void aHalfClosedRemoteStreamTakesWindowUpdatePriorityAndGoesOnToItsResponse() throws Exception {
        // §5.1 half-closed (remote): "a stream that is in the "half-closed (remote)" state ... can be used by the
        // endpoint to send frames of any type"; WINDOW_UPDATE, PRIORITY and RST_STREAM may still arrive.
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            started.countDown();
            assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            exchange.response().write(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
            client.send(new Http2Frame.WindowUpdate(1, 1000));
            client.send(new Http2Frame.PriorityFrame(1, new Http2Frame.Priority(0, false, 200)));
            assertEquals(List.of(), client.framesBeforePingAck(1), "no reset, no GOAWAY");
            release.countDown();
            assertEquals("late", client.response(1).body());
        }
    }

    static Stream<Arguments> framesAfterEndStream() {
        return Stream.of(
                Arguments.of("DATA", new Http2Frame.Data(1, "x".getBytes(StandardCharsets.US_ASCII), true)),
                Arguments.of("a second HEADERS", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framesAfterEndStream")
    void dataOrHeadersAfterEndStreamAreAStreamClosedErrorOnThatStreamOnly(String type, Http2Frame frame)
            throws Exception {
        // §5.1 half-closed (remote): "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY,
        // or RST_STREAM, for a stream that is in this state, it MUST respond with a stream error (Section 5.4.2) of
        // type STREAM_CLOSED."
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> writeOutcome = new CompletableFuture<>();
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> {
            if (exchange.request().target().equals("/held")) {
                started.countDown();
                assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
                try {
                    exchange.response().end();
                    writeOutcome.complete("written");
                } catch (IOException e) {
                    writeOutcome.complete("refused: " + e.getMessage());
                    throw e;
                }
                return;
            }
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/held"), true);
            assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
            client.send(frame != null ? frame : new Http2Frame.Headers(1, client.encode(List.of(
                    new HeaderField("x-trailer", "1"))), true, true));
            assertEquals(Http2ErrorCode.STREAM_CLOSED.code(), client.reset(1).errorCode(), type);
            release.countDown();
            assertTrue(writeOutcome.get(WAIT_SECONDS, TimeUnit.SECONDS).startsWith("refused"),
                    "the handler's response to a reset stream goes nowhere");
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status(), "the connection serves on");
            assertTrue(client.framesBeforePingAck(2).stream().noneMatch(f -> f.streamId() == 1),
                    "nothing more on the reset stream");
        }
    }

    @Test
    void aClientResetFailsTheHandlersReadAndFreesTheStreamsSlot() throws Exception {
        // §5.1 open: "Either endpoint can send a RST_STREAM frame from this state, causing it to transition
        // immediately to "closed"." §5.1.2: only open and half-closed streams count toward the concurrency limit.
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Throwable> readFailure = new CompletableFuture<>();
        try (H2TestServer server = new H2TestServer(CONFIG.withMaxConcurrentStreams(1), exchange -> {
            if (exchange.request().target().equals("/upload")) {
                reading.countDown();
                try {
                    exchange.body().asInputStream().readAllBytes();
                    readFailure.complete(null);
                } catch (IOException e) {
                    readFailure.complete(e);
                    throw e;
                }
            }
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/upload"), false);
            client.send(new Http2Frame.Data(1, "part".getBytes(StandardCharsets.US_ASCII), false));
            assertTrue(reading.await(WAIT_SECONDS, TimeUnit.SECONDS));
            client.send(new Http2Frame.RstStream(1, Http2ErrorCode.CANCEL.code()));
            assertInstanceOf(IOException.class, readFailure.get(WAIT_SECONDS, TimeUnit.SECONDS),
                    "the handler's read ends with an I/O error");
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status(), "the one slot is free again, not REFUSED_STREAM");
            assertTrue(client.framesBeforePingAck(3).stream().noneMatch(f -> f.streamId() == 1),
                    "the server sends nothing on a stream the client reset");
        }
    }

    @Test
    void onAClosedStreamWindowUpdateResetAndPriorityAreIgnoredAndDataIsStreamClosed() throws Exception {
        // §5.1 closed: "An endpoint that sends a frame with the END_STREAM flag set or a RST_STREAM frame might
        // receive a WINDOW_UPDATE or RST_STREAM frame from its peer in the time before the peer receives and
        // processes the frame that closes the stream"; PRIORITY may be sent on a closed stream (§6.3); "An endpoint
        // MAY treat receipt of any other type of frame on a closed stream as a connection error (Section 5.4.1) of
        // type STREAM_CLOSED" — Corral makes DATA a stream error of that type and keeps the connection.
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            client.send(new Http2Frame.WindowUpdate(1, 100));
            client.send(new Http2Frame.RstStream(1, Http2ErrorCode.CANCEL.code()));
            client.send(new Http2Frame.PriorityFrame(1, new Http2Frame.Priority(0, false, 16)));
            assertEquals(List.of(), client.framesBeforePingAck(4), "all three ignored");
            client.send(new Http2Frame.Data(1, "x".getBytes(StandardCharsets.US_ASCII), true));
            assertEquals(Http2ErrorCode.STREAM_CLOSED.code(), client.reset(1).errorCode());
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status());
        }
    }

    @Test
    void openingAStreamBelowOneAlreadyOpenedIsAProtocolError() throws Exception {
        // §5.1.1: "The first use of a new stream identifier implicitly closes all streams in the "idle" state that
        // might have been initiated by that peer with a lower-valued stream identifier." and "An endpoint that
        // receives an unexpected stream identifier MUST respond with a connection error (Section 5.4.1) of type
        // PROTOCOL_ERROR." Jetty answers STREAM_CLOSED here (README: what differs).
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            client.request(7, get("/"), true);
            assertEquals(200, client.response(7).status(), "skipping 3 and 5 is allowed");
            client.request(3, get("/"), true);
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), goAway.errorCode());
            assertEquals(7, goAway.lastStreamId());
        }
    }

    @Test
    void headersOnAStreamThatOpenedAndClosedIsStreamClosed() throws Exception {
        // §5.1 closed: "An endpoint MAY treat receipt of any other type of frame on a closed stream as a connection
        // error (Section 5.4.1) of type STREAM_CLOSED": stream 1 did open, unlike an id jumped over.
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            client.request(5, get("/"), true);
            assertEquals(200, client.response(5).status());
            client.request(1, get("/"), true);
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.STREAM_CLOSED.code(), goAway.errorCode());
            assertEquals(5, goAway.lastStreamId());
        }
    }

    @Test
    void evenStreamIdsFromAClientAreAProtocolError() throws Exception {
        // §5.1.1: "Streams initiated by a client MUST use odd-numbered stream identifiers".
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(2, get("/"), true);
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }

    @Test
    void headersOnAnIdLowerThanTheFirstStreamJumpedToIsAProtocolError() throws Exception {
        // The first stream may skip ids too: 1 and 3 are closed once 5 opens.
        try (H2TestServer server = new H2TestServer(CONFIG, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(5, get("/"), true);
            assertEquals(200, client.response(5).status());
            client.request(1, get("/"), true);
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), goAway.errorCode());
            assertEquals(5, goAway.lastStreamId());
        }
    }
}
