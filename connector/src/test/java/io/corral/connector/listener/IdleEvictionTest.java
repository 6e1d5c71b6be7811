package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which connection {@link IdleEviction} picks, on real loopback sockets with the marks set by hand: the one that
 * has waited longest for a request to begin — unless bytes already wait unread on its socket (its next request has
 * arrived, its thread has not read it yet), and never one that has waited less than the minimum.
 */
class IdleEvictionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private IdleConnections connections;
    /** What the supervisor tracks: the connections made and not yet ended. */
    private final List<SupervisedConnection> live = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        connections = new IdleConnections();
    }

    @AfterEach
    void close() throws IOException {
        connections.close();
    }

    /** A connection accepted from a new client, marked as waiting for a request since {@code agoMillis} ago. */
    private SupervisedConnection idleFor(long agoMillis) throws IOException {
        SupervisedConnection connection = connections.idleFor(agoMillis);
        live.add(connection);
        return connection;
    }

    /** As {@link #idleFor}, idle between requests after serving an exchange. */
    private SupervisedConnection servedThenIdleFor(long agoMillis) throws IOException {
        SupervisedConnection connection = connections.servedThenIdleFor(agoMillis);
        live.add(connection);
        return connection;
    }

    private void clientOf(SupervisedConnection connection, String sends) throws IOException {
        Socket client = connections.clientOf(connection);
        client.getOutputStream().write(sends.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        Await.until(WAIT, connection::hasUnreadBytes, "the bytes sent to reach the server's receive buffer");
    }

    @Test
    @DisplayName("the connection that has waited longest gives way")
    void theLongestWaitingGivesWay() throws IOException {
        SupervisedConnection younger = idleFor(1_000);
        SupervisedConnection oldest = idleFor(3_000);
        idleFor(2_000);
        assertSame(oldest, new IdleEviction().pick(live));
        assertSame(younger, new IdleEviction().pick(List.of(younger)));
    }

    @Test
    @DisplayName("a connection whose next request waits unread on its socket is passed over, however long it was idle")
    void aConnectionWithUnreadBytesIsPassedOver() throws IOException {
        SupervisedConnection oldest = idleFor(3_000);
        SupervisedConnection next = idleFor(2_000);
        clientOf(oldest, "GET /next HTTP/1.1\r\nHost: a\r\n\r\n");

        IdleEviction eviction = new IdleEviction();
        assertSame(next, eviction.pick(live), "its request has arrived: closing it now would lose that request");
        next.markEvicted(); // as the supervisor does with what it picks
        assertNull(eviction.pick(live), "nothing else may give way");
    }

    @Test
    @DisplayName("one byte of a head waiting is enough to be passed over")
    void oneUnreadByteIsEnough() throws IOException {
        SupervisedConnection only = idleFor(3_000);
        clientOf(only, "G");
        assertNull(new IdleEviction().pick(live));
    }

    @Test
    @DisplayName("bytes the transport read ahead (past a PROXY header) and has not handed out count as unread: passed over")
    void bytesReadAheadCountAsUnread() throws IOException {
        SupervisedConnection readAhead = connections.idleWithReadAheadFor(3_000, "GET /next HT");
        live.add(readAhead);
        SupervisedConnection next = idleFor(2_000);
        assertTrue(readAhead.hasUnreadBytes(), "the transport's peek, not only the socket's");
        assertSame(next, new IdleEviction().pick(live));
    }

    @Test
    @DisplayName("a connection idle for less than the minimum wait is not idle yet")
    void tooYoungToGiveWay() throws IOException {
        idleFor(0);
        assertNull(new IdleEviction().pick(live));
    }

    @Test
    @DisplayName("a connection that has never served an exchange gives way before one idle after an exchange, however much longer that one has waited")
    void theNeverServedGiveWayFirst() throws IOException {
        SupervisedConnection keepAlive = servedThenIdleFor(5_000);
        SupervisedConnection silent = idleFor(300);
        IdleEviction eviction = new IdleEviction();
        assertSame(silent, eviction.pick(live));
        silent.markEvicted();
        assertSame(keepAlive, eviction.pick(live), "then the longest idle of the others");
    }

    @Test
    @DisplayName("a connection idle after an exchange gives way only once it has waited 1 s, not 250 ms; the longest idle first")
    void aConnectionThatHasServedWaitsLongerBeforeItMayGiveWay() throws IOException {
        assertEquals(TimeUnit.SECONDS.toNanos(1), IdleEviction.MIN_WAIT_AFTER_EXCHANGE_NANOS, "the documented default");
        servedThenIdleFor(700); // well over the 250 ms for the never-served, under 1 s by a loaded machine's stall
        assertNull(new IdleEviction().pick(live), "a keep-alive client pausing 700 ms is left alone");

        SupervisedConnection younger = servedThenIdleFor(1_100);
        SupervisedConnection oldest = servedThenIdleFor(1_500);
        IdleEviction eviction = new IdleEviction();
        assertSame(oldest, eviction.pick(live));
        oldest.markEvicted();
        assertSame(younger, eviction.pick(live));
        younger.markEvicted();
        assertNull(eviction.pick(live));
    }

    @Test
    @DisplayName("a never-served connection that went idle after a scan found only keep-alive ones goes before them once the next scan is due")
    void aLaterScanFindsTheNeverServedThatCameSince() throws IOException {
        SupervisedConnection keepAlive = servedThenIdleFor(1_500);
        IdleEviction eviction = new IdleEviction();
        long beforeScan = System.nanoTime();
        assertTrue(eviction.hasCandidate(live), "the scan keeps the keep-alive one, ready to give way");
        SupervisedConnection silent = idleFor(300);
        Await.until(WAIT, () -> System.nanoTime() - beforeScan > IdleEviction.RESCAN_NANOS, "the next scan to be due");
        assertSame(silent, eviction.pick(live), "found by the scan now due, ahead of the candidate left");
        silent.markEvicted();
        assertSame(keepAlive, eviction.pick(live));
    }

    @Test
    @DisplayName("candidates left from a scan never keep a connection that has ended reachable (issue 18's leftovers)")
    void candidatesDoNotOutliveTheirConnections() throws IOException {
        IdleEviction eviction = new IdleEviction();
        for (int i = 0; i < 10; i++) {
            idleFor(1_000 + i);
        }
        SupervisedConnection picked = eviction.pick(live);
        assertTrue(picked != null, "one gives way; the scan keeps the other nine as candidates");
        // The flood is over: every connection ends (the supervisor forgets it), and no admission at the limit
        // comes to look at the candidates again.
        List<WeakReference<SupervisedConnection>> ended = new ArrayList<>();
        for (SupervisedConnection connection : live) {
            ended.add(new WeakReference<>(connection));
        }
        connections.close();
        live.clear();
        picked = null;
        Await.until(WAIT, () -> {
            System.gc();
            return ended.stream().allMatch(reference -> reference.get() == null);
        }, () -> "ended connections to be garbage; still reachable: "
                + ended.stream().filter(reference -> reference.get() != null).count() + " of " + ended.size());
        // The listener's eviction lives as long as the listener: it must not be collected first and hide the leak.
        Reference.reachabilityFence(eviction);
    }
}
