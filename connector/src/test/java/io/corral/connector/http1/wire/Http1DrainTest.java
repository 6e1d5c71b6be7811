package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.transport.ForwardingConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown at the protocol level: idle connections close, in-flight ones finish with close; the
 * listener drains its protocol through {@link Protocol#drain()} on {@code stop(grace)}, and a listener
 * started again serves normally.
 */
class Http1DrainTest {

    /** Answers {@code k}; {@code /slow} first says it is in the handler, then waits for {@code release}. */
    private static Http1Protocol answeringK(CountDownLatch inHandler, CountDownLatch release) {
        return new Http1Protocol(Http1Config.DEFAULTS, ex -> {
            if (ex.request().target().equals("/slow")) {
                inHandler.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            ex.response().write(ByteBuffer.wrap(new byte[] {'k'}), true);
        });
    }

    @Test
    @DisplayName("drain(): the request in flight completes with Connection: close; idle keep-alive connections close")
    void drainFinishesInFlightAndClosesIdle() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Http1Protocol protocol = answeringK(inHandler, release);
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

    @Test
    @DisplayName("Listener.stop(grace) drains the protocol: idle closes at once, in-flight ends with close, stop returns early")
    void stopWithGraceDrainsTheProtocol() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Http1Protocol protocol = answeringK(inHandler, release);
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), protocol);
        listener.start();
        Duration grace = Duration.ofSeconds(30);
        try (RawClient busy = new RawClient(listener.localPort());
                RawClient idle = new RawClient(listener.localPort())) {
            assertEquals(200, idle.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            busy.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(inHandler.await(5, TimeUnit.SECONDS));

            long started = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> listener.stop(grace));

            assertTrue(idle.isClosedByServer(), "the idle keep-alive connection is closed by the drain");
            release.countDown();
            RawClient.Response response = busy.read();
            assertEquals("k", response.text(), "the in-flight request completes");
            assertEquals("close", response.header("Connection"));
            assertTrue(busy.isClosedByServer());
            stopped.get(20, TimeUnit.SECONDS);
            assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(grace) < 0,
                    "stop returned once the last connection ended, not after the grace period");
        } finally {
            release.countDown();
            listener.stop();
        }
    }

    @Test
    @DisplayName("a listener stopped with a drain and started again keeps connections alive")
    void restartAfterDrainServesKeepAlive() throws Exception {
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS,
                ex -> ex.response().write(ByteBuffer.wrap(new byte[] {'k'}), true));
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), protocol);
        listener.start();
        try {
            listener.stop(Duration.ofSeconds(5));
            assertTrue(protocol.isDraining());
            listener.start();
            assertFalse(protocol.isDraining(), "start() ends the drain");
            try (RawClient client = new RawClient(listener.localPort())) {
                RawClient.Response first = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
                assertNull(first.header("Connection"), "no Connection: close after the restart");
                assertEquals("k", client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text(),
                        "the connection carries a second request");
            }
        } finally {
            listener.stop();
        }
    }

    @Test
    @DisplayName("any protocol is drained the same way: Listener.drain() and stop(grace) call it, start() resets it")
    void listenerDrivesAnyProtocolsDrainHook() throws Exception {
        AtomicInteger drains = new AtomicInteger();
        AtomicInteger starts = new AtomicInteger();
        Protocol recording = new Protocol() {
            @Override
            public Hibernation serve(TransportConnection connection) {
                return null;
            }

            @Override
            public void drain() {
                drains.incrementAndGet();
            }

            @Override
            public void start() {
                starts.incrementAndGet();
            }
        };
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), recording);
        listener.start();
        assertEquals(1, starts.get());
        listener.drain();
        assertEquals(1, drains.get());
        assertEquals(Listener.State.SUSPENDED, listener.state(), "a drain stops accepting");
        listener.stop(Duration.ofSeconds(1));
        assertEquals(2, drains.get());
        listener.start();
        assertEquals(2, starts.get());
        listener.stop();
    }

    /**
     * A connection whose reader, once {@code armed}, stops at the door of its next read until {@code open}: the
     * bytes the client sends meanwhile wait in the kernel, as a request does that arrived while the connection's
     * thread was not scheduled yet on a loaded machine.
     */
    private static final class HeldReads extends ForwardingConnection {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch readerAtTheDoor = new CountDownLatch(1);
        final CountDownLatch open = new CountDownLatch(1);

        HeldReads(TransportConnection connection) {
            super(connection);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (armed.compareAndSet(true, false)) {
                readerAtTheDoor.countDown();
                try {
                    open.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return connection.read(buffer, offset, length);
        }

        @Override
        public boolean canHibernate() {
            return false; // the reader waits in read(), where the door is
        }
    }

    @Test
    @DisplayName("drain(): a request that arrived on an idle keep-alive connection but is not read yet is served, not reset")
    void drainServesARequestWaitingUnreadInTheKernel() throws Exception {
        CompletableFuture<HeldReads> held = new CompletableFuture<>();
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, ex -> {
            held.getNow(null).armed.set(true); // the reader's next read is the wait for the next request
            ex.response().write(ByteBuffer.wrap(new byte[] {'k'}), true);
        });
        Listener listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), new Protocol() {
            @Override
            public Hibernation serve(TransportConnection connection) throws Exception {
                HeldReads wrapped = new HeldReads(connection);
                held.complete(wrapped);
                return protocol.serve(wrapped);
            }

            @Override
            public void drain() {
                protocol.drain();
            }

            @Override
            public void start() {
                protocol.start();
            }
        });
        listener.start();
        try (RawClient client = new RawClient(listener.localPort())) {
            assertEquals("k", client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            HeldReads connection = held.get(10, TimeUnit.SECONDS);
            assertTrue(connection.readerAtTheDoor.await(10, TimeUnit.SECONDS), "the reader waits for a request");
            client.send("GET /second HTTP/1.1\r\nHost: a\r\n\r\n");
            Await.until(Duration.ofSeconds(10), connection::hasUnreadBytes, "the request waits in the kernel");

            protocol.drain();
            connection.open.countDown();

            RawClient.Response response = client.read();
            assertEquals("k", response.text(), "the request already sent is served, not lost to a reset");
            assertEquals("close", response.header("Connection"));
            assertTrue(client.isClosedByServer());
        } finally {
            listener.stop();
        }
    }
}
