package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §6.8 GOAWAY beyond what {@code Http2GracefulShutdownTest} shows: the last stream identifier when no
 * stream was taken, a stream in flight that still receives its request body after the server's GOAWAY, and the
 * client's own GOAWAY, after which the server finishes what it took and ends the connection instead of waiting
 * for the idle timeout.
 */
class Rfc9113GoawayTest {

    private static final long WAIT_SECONDS = 10;

    @Test
    void aDrainBeforeAnyStreamNamesStreamZero() throws Exception {
        // §6.8: "If a connection terminates without a GOAWAY frame, the last stream identifier is effectively the
        // highest possible stream identifier"; with none processed it is 0: "the last stream identifier can be set
        // to 0 if no streams were processed".
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            server.listener().drain();
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(0, goAway.lastStreamId());
        }
    }

    @Test
    void aStreamTakenBeforeGoAwayStillReceivesItsBody() throws Exception {
        // §6.8: "Activity on streams numbered lower than or equal to the last stream identifier might still complete
        // successfully."
        CountDownLatch started = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            started.countDown();
            exchange.response().write(ByteBuffer.wrap(exchange.body().asInputStream().readAllBytes()), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/echo"), false);
            client.send(new Http2Frame.Data(1, "before ".getBytes(StandardCharsets.US_ASCII), false));
            assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
            server.listener().drain();
            Http2Frame.GoAway goAway = client.finalGoAway();
            assertEquals(1, goAway.lastStreamId());
            client.send(new Http2Frame.Data(1, "and after GOAWAY".getBytes(StandardCharsets.US_ASCII), true));
            assertEquals("before and after GOAWAY", client.response(1).body());
            client.assertClosed();
        }
    }

    @Test
    void afterTheClientsGoAwayTheStreamsInFlightFinishAndTheServerEndsTheConnection() throws Exception {
        // §6.8: "Receivers of a GOAWAY frame MUST NOT open additional streams on the connection"; "Endpoints SHOULD
        // always send a GOAWAY frame before closing a connection". With no stream to come, the server closes once
        // the streams it took are done, well before its idle timeout.
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The idle timeout (30 s by default) is longer than the client waits for the close (10 s).
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            started.countDown();
            assertTrue(release.await(WAIT_SECONDS, TimeUnit.SECONDS));
            exchange.response().write(ByteBuffer.wrap("done".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(WAIT_SECONDS, TimeUnit.SECONDS));
            client.send(new Http2Frame.GoAway(0, Http2ErrorCode.NO_ERROR.code(), new byte[0]));
            release.countDown();
            assertEquals("done", client.response(1).body(), "the stream in flight finishes");
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
        }
    }
}
