package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.transport.HibernatingConnections;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive connections hibernate between requests (Cowboy's {@code hibernate}): no thread, no input buffer,
 * no parser while they wait; a request arriving on a hibernated connection is served whole and in order;
 * timeouts, client closes, drains and stops still reach a hibernated connection.
 */
class Http1HibernationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Http1Config AT_ONCE = Http1Config.DEFAULTS.withHibernateAfter(Duration.ZERO);

    private final Set<Thread> requestThreads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger served = new AtomicInteger();
    private Listener listener;
    private Http1Protocol protocol;

    private void start(Http1Config config) throws IOException {
        protocol = new Http1Protocol(config, exchange -> {
            requestThreads.add(Thread.currentThread());
            served.incrementAndGet();
            byte[] body = exchange.request().target().getBytes(StandardCharsets.US_ASCII);
            exchange.response().write(ByteBuffer.wrap(body), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0).withName("hibernation"),
                protocol);
        listener.start();
    }

    @AfterEach
    void stop() {
        if (listener != null) {
            listener.stop();
        }
    }

    private int hibernating() {
        return HibernatingConnections.count(listener);
    }

    @Test
    @DisplayName("an idle keep-alive connection hibernates: no thread of its own, its input buffer back in the pool")
    void anIdleKeepAliveConnectionHibernates() throws Exception {
        start(AT_ONCE);
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/one", client.send("GET /one HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            assertEquals(1, listener.stats().active(), "hibernating is not closing");
            assertEquals(0, protocol.buffersInUse(), "an idle connection keeps no pooled buffer");
            assertEquals("/two", client.send("GET /two HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            assertEquals(2, requestThreads.size(), "each request still runs on a thread of its own");
        }
    }

    @Test
    @DisplayName("pipelined requests sent to a hibernated connection are all answered, in order")
    void pipelinedRequestsWakeAHibernatedConnection() throws Exception {
        start(AT_ONCE);
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/first", client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            client.send("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("/a", client.read().text());
            assertEquals("/b", client.read().text());
            assertEquals("/c", client.read().text());
        }
    }

    @Test
    @DisplayName("a head that arrives in pieces on a hibernated connection is parsed whole")
    void aHeadSplitAcrossTheWakeUp() throws Exception {
        start(AT_ONCE);
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/first", client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            client.send("GET /sp");
            // A partial head keeps the connection awake (its header timeout runs); the rest completes it.
            Await.until(WAIT, () -> hibernating() == 0, "the connection to wake");
            client.send("lit HTTP/1.1\r\nHo");
            client.send("st: a\r\n\r\n");
            assertEquals("/split", client.read().text());
        }
    }

    @Test
    @DisplayName("a client that closes a hibernated connection frees its slot")
    void aClientClosingAHibernatedConnectionEndsIt() throws Exception {
        start(AT_ONCE);
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/x", client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
        }
        Await.until(WAIT, () -> listener.stats().active() == 0, "the closed connection to end");
        assertEquals(1, listener.stats().totalClosed());
    }

    @Test
    @DisplayName("the idle timeout still closes a hibernated connection, not before it is due")
    void theIdleTimeoutReachesAHibernatedConnection() throws Exception {
        start(AT_ONCE.withIdleTimeout(Duration.ofMillis(400)));
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/x", client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            long answered = System.nanoTime();
            assertTrue(client.isClosedByServer(), "closed at the idle timeout");
            assertTrue(System.nanoTime() - answered >= Duration.ofMillis(300).toNanos(), "closed too early");
        }
        Await.until(WAIT, () -> listener.stats().active() == 0, "the connection to end");
    }

    @Test
    @DisplayName("hibernateAfter > 0: the connection waits on its thread first, then hibernates")
    void hibernateAfterDelaysHibernation() throws Exception {
        start(Http1Config.DEFAULTS.withHibernateAfter(Duration.ofMillis(300)));
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("/x", client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            long answered = System.nanoTime();
            Await.until(WAIT, () -> hibernating() == 1, "the connection to hibernate");
            assertTrue(System.nanoTime() - answered >= Duration.ofMillis(250).toNanos(), "hibernated too early");
            assertEquals("/y", client.send("GET /y HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
        }
    }

    @Test
    @DisplayName("a drain closes hibernated keep-alive connections; a stop closes the rest and frees every slot")
    void drainAndStopReachHibernatedConnections() throws Exception {
        start(AT_ONCE);
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawClient client = new RawClient(listener.localPort());
                clients.add(client);
                assertEquals("/x", client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            }
            Await.until(WAIT, () -> hibernating() == 5, "every connection to hibernate");
            protocol.drain();
            for (RawClient client : clients) {
                assertTrue(client.isClosedByServer(), "a drained hibernated connection closes");
            }
            Await.until(WAIT, () -> listener.stats().active() == 0, "every connection to end");
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    @DisplayName("a burst of requests on many hibernated connections: every one is served, none is lost")
    void manyHibernatedConnectionsWakeUnderABurst() throws Exception {
        start(AT_ONCE);
        int count = 1000;
        List<RawClient> clients = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                RawClient client = new RawClient(listener.localPort());
                clients.add(client);
                client.send("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n");
            }
            for (RawClient client : clients) {
                assertEquals("/warm", client.read().text());
            }
            Await.until(WAIT, () -> hibernating() == count, () -> hibernating() + " of " + count + " hibernating");
            for (RawClient client : clients) {
                client.send("GET /burst HTTP/1.1\r\nHost: a\r\n\r\n");
            }
            for (RawClient client : clients) {
                assertEquals("/burst", client.read().text());
            }
            assertEquals(2 * count, served.get());
            assertFalse(listener.stats().failed() > 0, "no connection failed");
        } finally {
            for (RawClient client : clients) {
                client.close();
            }
        }
    }
}
