package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine's idle and header timeouts changed while it runs ({@link Http1Protocol#setIdleTimeout},
 * {@link Http1Protocol#setHeaderTimeout}), on the wire: a live keep-alive connection takes the new idle timeout at
 * its next wait for a request, a handler's own choice stays, and the next request head gets the new header timeout.
 */
class Http1LiveTimeoutsTest {

    private static Http1Protocol answeringK() {
        return new Http1Protocol(Http1Config.DEFAULTS.withHibernateAfter(Duration.ofDays(1)), exchange -> {
            if (exchange.request().target().equals("/own")) {
                exchange.setIdleTimeout(Duration.ofSeconds(30)); // this connection's, from now on
            }
            exchange.response().write(ByteBuffer.wrap(new byte[] {'k'}), true);
        });
    }

    private static Listener start(Http1Protocol protocol) throws Exception {
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), protocol);
        listener.start();
        return listener;
    }

    @Test
    @DisplayName("idle timeout lowered live: a live connection closes after its next request; one whose handler chose its own keeps it")
    void idleTimeoutChangesLive() throws Exception {
        Http1Protocol protocol = answeringK();
        Listener listener = start(protocol);
        try (RawClient follows = new RawClient(listener.localPort());
             RawClient ownChoice = new RawClient(listener.localPort())) {
            assertEquals("k", follows.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            assertEquals("k", ownChoice.send("GET /own HTTP/1.1\r\nHost: a\r\n\r\n").read().text());

            protocol.setIdleTimeout(Duration.ofMillis(300));
            assertEquals(Duration.ofMillis(300), protocol.config().idleTimeout());
            long started = System.nanoTime();
            assertEquals("k", follows.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            assertEquals("k", ownChoice.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            assertTrue(follows.isClosedByServer(), "the live connection kept the 30 s idle timeout");
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(250), "closed before its timeout");
            ownChoice.setTimeout(1500);
            assertFalse(ownChoice.isClosedByServer(), "the handler's own idle timeout was overridden");
        } finally {
            listener.stop();
        }
    }

    @Test
    @DisplayName("header timeout changed live: the next head that does not finish in time gets 408")
    void headerTimeoutChangesLive() throws Exception {
        Http1Protocol protocol = answeringK();
        Listener listener = start(protocol);
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("k", client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            protocol.setHeaderTimeout(Duration.ofMillis(300));
            long started = System.nanoTime();
            client.send("GET / HTTP/1.1\r\nHost: a"); // never finished
            assertEquals(408, client.read().status());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "the old 30 s header timeout applied");
        } finally {
            listener.stop();
        }
    }
}
