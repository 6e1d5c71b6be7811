package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Graceful shutdown at the protocol level: idle connections close, in-flight ones finish with close. */
class Http1DrainTest {

    @Test
    @DisplayName("drain(): the request in flight completes with Connection: close; idle keep-alive connections close")
    void drainFinishesInFlightAndClosesIdle() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, ex -> {
            if (ex.request().target().equals("/slow")) {
                inHandler.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            ex.response().write(ByteBuffer.wrap(new byte[] {'k'}), true);
        });
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), protocol);
        listener.start();
        try (RawClient busy = new RawClient(listener.localPort());
                RawClient idle = new RawClient(listener.localPort())) {
            assertEquals(200, idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(inHandler.await(5, TimeUnit.SECONDS));

            protocol.drain();

            assertTrue(idle.isClosedByServer(), "the idle keep-alive connection is closed by the drain");
            release.countDown();
            RawClient.Response response = busy.read();
            assertEquals("k", response.text(), "the in-flight request completes");
            assertEquals("close", response.header("Connection"));
            assertTrue(busy.isClosedByServer());
        } finally {
            listener.stop();
        }
    }
}
