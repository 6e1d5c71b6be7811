package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §6.8 GOAWAY as graceful shutdown: {@code Listener.drain()} sends GOAWAY NO_ERROR with the last stream
 * taken, streams in flight finish, new ones are refused, and the connection ends once none is left.
 */
class Http2GracefulShutdownTest {

    @Test
    void aStreamInFlightFinishesAfterGoAwayAndTheConnectionThenEnds() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            started.countDown();
            assertTrue(release.await(10, TimeUnit.SECONDS));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            server.listener().drain();
            Http2Frame.GoAway goAway = (Http2Frame.GoAway) client.nextMatching(f -> f instanceof Http2Frame.GoAway);
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
            client.request(3, get("/"), true);
            assertEquals(Http2ErrorCode.REFUSED_STREAM.code(), client.reset(3).errorCode(), "no new stream after GOAWAY");
            release.countDown();
            assertEquals(200, client.response(1).status());
            client.assertClosed();
        }
    }

    @Test
    void anIdleConnectionGetsGoAwayAndEnds() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> exchange.response().end());
                H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            server.listener().drain();
            Http2Frame.GoAway goAway = client.goAway();
            assertEquals(Http2ErrorCode.NO_ERROR.code(), goAway.errorCode());
            assertEquals(1, goAway.lastStreamId());
        }
    }
}
