package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18's leftovers: after an idle-connection flood over a lowered limit (connections evicted to admit new
 * clients, attackers reconnecting), every attacker gone must mean every connection gone — its slot, its thread,
 * and everything it held (socket, protocol state) garbage. The bench saw hundreds of connections' objects a
 * minute after the attackers died.
 *
 * <p>The flood mixes what a real one does: clients that ask once and go quiet (they hibernate), clients that
 * never say a word, clients that stop in the middle of a request head, clients that connect and leave at once
 * (accepted, perhaps not even wrapped yet), and it ends half of them with a reset (SO_LINGER 0) and half with a
 * FIN. Bounded: a few hundred connections for about two seconds.
 */
class FloodAftermathTest {

    private static final int LIMIT = 60;
    private static final int ATTACKERS = 240;
    private static final Duration FLOOD_TIME = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private Listener listener;
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.stop();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    /** What one attacker does on each connection it opens. */
    private enum Kind {
        ASKS_ONCE, SILENT, HALF_HEAD, LEAVES_AT_ONCE, ASKS_AND_LEAVES
    }

    @Test
    @DisplayName("once every attacker of a flood over the limit is gone, no connection is left: slots, threads and objects")
    void nothingOutlivesTheFlood() throws Exception {
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, exchange -> {
            exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0).withName("flood-aftermath")
                .withMaxConnections(LIMIT), protocol);
        listener.start();

        // Every connection the server wrapped during the flood, held weakly: once all have ended, nothing may keep
        // one reachable (a held connection keeps its socket, its protocol's state and its last thread).
        Set<TransportConnection> seen = Collections.newSetFromMap(new WeakHashMap<>());
        AtomicBoolean reconnecting = new AtomicBoolean(true);
        AtomicBoolean holding = new AtomicBoolean(true);
        AtomicLong opened = new AtomicLong();
        List<Thread> attackers = new ArrayList<>();
        for (int i = 0; i < ATTACKERS; i++) {
            Kind kind = Kind.values()[i % Kind.values().length];
            boolean reset = (i / Kind.values().length) % 2 == 0;
            attackers.add(Thread.ofVirtual().start(() -> attack(kind, reset, reconnecting, holding, opened)));
        }
        long floodEnds = System.nanoTime() + FLOOD_TIME.toNanos();
        while (System.nanoTime() - floodEnds < 0) {
            collect(seen);
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        reconnecting.set(false);
        ListenerStats during = listener.stats();
        assertTrue(during.evictedIdle() > 0, "the flood went over the limit and evicted: " + during);

        // The last admission at the limit, as at the very end of a flood: a full house, idle long enough to give way,
        // and one more client. What its scan keeps for later admissions that never come must not keep connections.
        awaitNoMoreAccepts();
        collect(seen);
        long evictedBefore = listener.stats().evictedIdle();
        List<Socket> newcomers = new ArrayList<>();
        for (int i = 0; i <= LIMIT && listener.stats().evictedIdle() == evictedBefore; i++) {
            long acceptedBefore = listener.stats().totalAccepted();
            Socket newcomer = new Socket("127.0.0.1", listener.localPort());
            newcomers.add(newcomer);
            sockets.add(newcomer);
            Await.until(WAIT, () -> listener.stats().totalAccepted() > acceptedBefore,
                    () -> "a newcomer to be admitted: " + listener.stats());
        }
        assertTrue(listener.stats().evictedIdle() > evictedBefore, "the newcomers filled the house and made one give way: "
                + listener.stats());
        for (Socket newcomer : newcomers) {
            newcomer.close();
        }

        // Every client goes.
        holding.set(false);
        for (Thread attacker : attackers) {
            assertTrue(attacker.join(WAIT), "an attacker ended");
        }

        Await.until(WAIT, () -> listener.stats().active() == 0,
                () -> "every connection to end once its client is gone: " + listener.stats() + "; left: "
                        + describe(listener.connections()));
        Await.until(WAIT, () -> {
            System.gc();
            synchronized (seen) {
                return seen.isEmpty();
            }
        }, () -> "every ended connection to be garbage; still reachable: " + seen.size() + " of those the flood made ("
                + opened.get() + " opened)");
    }

    /** Waits until the listener has accepted nobody for half a second: the flood's last clients are in. */
    private void awaitNoMoreAccepts() {
        long[] accepted = {-1};
        long[] since = {0};
        Await.until(WAIT, () -> {
            long now = System.nanoTime();
            long count = listener.stats().totalAccepted();
            if (count != accepted[0]) {
                accepted[0] = count;
                since[0] = now;
            }
            return now - since[0] > Duration.ofMillis(500).toNanos();
        }, () -> "the flood's last clients to be accepted: " + listener.stats());
    }

    private void collect(Set<TransportConnection> seen) {
        synchronized (seen) {
            seen.addAll(listener.connections());
        }
    }

    private static String describe(List<TransportConnection> left) {
        StringBuilder text = new StringBuilder();
        for (TransportConnection connection : left) {
            text.append(connection).append(" evictableSince=").append(connection.evictableSince()).append("; ");
        }
        return text.toString();
    }

    /**
     * One attacker: connects, behaves as its kind, holds the connection until the server closes it or the test lets
     * go, and connects again while the flood goes on.
     */
    private void attack(Kind kind, boolean reset, AtomicBoolean reconnecting, AtomicBoolean holding, AtomicLong opened) {
        while (reconnecting.get()) {
            Socket socket = new Socket();
            sockets.add(socket);
            try {
                socket.connect(new java.net.InetSocketAddress("127.0.0.1", listener.localPort()), 10_000);
                opened.incrementAndGet();
                if (reset) {
                    socket.setSoLinger(true, 0);
                }
                InputStream in = socket.getInputStream();
                switch (kind) {
                    case ASKS_ONCE -> {
                        socket.getOutputStream().write(
                                "GET /once HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        holdUntilClosed(socket, in, holding);
                    }
                    case SILENT -> holdUntilClosed(socket, in, holding);
                    case HALF_HEAD -> {
                        socket.getOutputStream().write("GET /half HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                        holdUntilClosed(socket, in, holding);
                    }
                    case LEAVES_AT_ONCE -> {
                        // nothing: closed below, perhaps before the server has even wrapped it
                    }
                    case ASKS_AND_LEAVES -> socket.getOutputStream().write(
                            "GET /gone HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // cut by the server, or refused while it was full: go on as an attacker would
            } finally {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // gone either way
                }
                sockets.remove(socket);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    /** Reads (and drops) until the server closes the connection or the test lets go. */
    private static void holdUntilClosed(Socket socket, InputStream in, AtomicBoolean holding) throws IOException {
        socket.setSoTimeout(50);
        byte[] sink = new byte[512];
        while (holding.get()) {
            try {
                if (in.read(sink) < 0) {
                    return;
                }
            } catch (SocketTimeoutException stillOpen) {
                // hold on
            }
        }
    }
}
