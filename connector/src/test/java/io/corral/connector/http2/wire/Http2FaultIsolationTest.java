package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.stream.HttpExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's faulty handlers on HTTP/2, native engine: a handler that throws after its response began, one that
 * hangs, and one that allocates past the heap. Each fails its own stream only — a 500 while nothing was sent,
 * RST_STREAM INTERNAL_ERROR once the response began (RFC 9113 §8.1: a response cannot be taken back; the reset
 * tells the client the body is cut) — while the other streams of the same connection, and other connections, are
 * served as if nothing happened. (A handler that throws before committing is in {@link Rfc9113StreamsTest}.)
 */
class Http2FaultIsolationTest {

    private static final int OTHER_STREAMS = 20;

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch hanging = new CountDownLatch(1);
    private H2TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = new H2TestServer(Http2Config.DEFAULTS, this::handle);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    private void handle(HttpExchange exchange) throws Exception {
        switch (exchange.request().target()) {
            case "/throws-after-commit" -> {
                exchange.response().write(ascii("the beginning of a body"), false);
                throw new IllegalStateException("boom, mid-body");
            }
            case "/hangs" -> {
                hanging.countDown();
                release.await();
                exchange.response().write(ascii("released"), true);
            }
            case "/allocates" -> allocateWithoutBound();
            default -> exchange.response().write(ascii("ok " + exchange.request().target()), true);
        }
    }

    @Test
    void aHandlerThatThrowsMidResponseResetsItsStreamWithInternalErrorAndNoOther() throws Exception {
        try (H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/throws-after-commit"), true);
            client.request(3, get("/ok"), true);
            // §5.4.2: the stream's response began, so only a RST_STREAM can say it is cut short.
            assertEquals(Http2ErrorCode.INTERNAL_ERROR.code(), client.reset(1).errorCode());
            assertEquals("ok /ok", client.response(3).body());
            servesOthers(client, 5);
        }
        servesANewConnection();
    }

    @Test
    void aHandlerThatHangsHoldsOnlyItsOwnStream() throws Exception {
        try (H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/hangs"), true);
            assertTrue(hanging.await(10, TimeUnit.SECONDS), "the handler hangs");
            servesOthers(client, 3);
            servesANewConnection();
            release.countDown();
            assertEquals("released", client.response(1).body(), "the hung stream still answers once released");
        }
    }

    @Test
    void aHandlerThatAllocatesPastTheHeapGetsA500AndNoOtherStreamNotices() throws Exception {
        try (H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/allocates"), true);
            client.request(3, get("/ok"), true);
            assertEquals(500, client.response(1).status(), "the OutOfMemoryError fails its own stream");
            assertEquals("ok /ok", client.response(3).body());
            servesOthers(client, 5);
        }
        servesANewConnection();
    }

    /** Streams from {@code firstStreamId} on, several at once, each answered whole, then a PING. */
    private static void servesOthers(H2Client client, int firstStreamId) throws IOException {
        int last = firstStreamId + 2 * (OTHER_STREAMS - 1);
        for (int id = firstStreamId; id <= last; id += 2) {
            client.request(id, get("/other/" + id), true);
        }
        for (int id = firstStreamId; id <= last; id += 2) {
            H2Client.Response response = client.response(id);
            assertEquals(200, response.status());
            assertEquals("ok /other/" + id, response.body());
        }
        client.send(new Http2Frame.Ping(false, 42));
        assertEquals(new Http2Frame.Ping(true, 42), assertInstanceOf(Http2Frame.Ping.class,
                client.nextMatching(f -> f instanceof Http2Frame.Ping || f instanceof Http2Frame.GoAway)));
    }

    private void servesANewConnection() throws IOException {
        try (H2Client other = server.connect()) {
            other.handshake();
            other.request(1, get("/other"), true);
            assertEquals("ok /other", other.response(1).body());
        }
    }

    /** Asks for twice the heap at once: what an unbounded allocation ends in, in the allocating thread. */
    private static void allocateWithoutBound() {
        long[] hog = new long[(int) Math.min(Integer.MAX_VALUE - 16, Runtime.getRuntime().maxMemory() / 4)];
        throw new AssertionError("allocated " + hog.length * 8L + " bytes in a heap of "
                + Runtime.getRuntime().maxMemory());
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
    }
}
