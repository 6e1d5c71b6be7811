package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;
import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * Chooses which connection gives way when a listener is full and a new client waits: the one that has waited
 * longest for a request to begin (idle between requests, or a request head still arriving), by the mark its
 * protocol keeps on the transport ({@link TransportConnection#evictableSince()}). A request in progress or a
 * WebSocket is never marked, so never chosen. nginx reuses idle keep-alive connections the same way; Ranch's
 * plain backpressure would leave new clients in the backlog while connections that do nothing hold every slot.
 *
 * <p>Looking at every live connection for each admission would cost a scan of the whole house per new client
 * at the limit; one scan instead keeps the longest-waiting ({@link #BATCH}, or more in a big house), and later
 * admissions take from those,
 * skipping any whose mark changed since (it got busy, or busy and idle again, so it is younger now) or that
 * ended. Guarded by the supervisor's lock.
 *
 * <p>Not every idle connection is as idle as another. One that has never served an exchange (a client that
 * connected and said nothing, or whose first head is still arriving) or whose next head stalls half-sent gives way
 * first, after {@link #MIN_WAIT_NANOS}; one idle between requests after serving at least one exchange — a
 * keep-alive client, whose next request may be on its way — only once none of the first kind may, and only after
 * {@link #MIN_WAIT_AFTER_EXCHANGE_NANOS}. Within each kind, the longest waiting first. The protocol says which kind
 * with its mark ({@link TransportConnection#evictableMarkAfterExchange}).
 *
 * <p>The mark alone lags: a keep-alive client's next request may sit in the socket's receive buffer while the
 * connection still looks idle (it hibernates until the hibernator wakes it and its new thread runs, or its thread
 * has not been scheduled yet on a loaded machine). Closing it then loses a request that has already arrived —
 * what the full-scale trickle flood showed as a control client's error. So the choice also peeks at the raw socket
 * ({@link SupervisedConnection#hasUnreadBytes()}) and passes over a connection with bytes waiting. A request that
 * arrives after that peek races the close, as it would on any server that closes idle connections (HTTP clients
 * retry an idempotent request on a connection closed under it); one that arrived before it is never lost.
 */
final class IdleEviction {

    /**
     * Candidates one scan keeps at least, of each kind: the scan's cost spread over this many admissions. A big house
     * keeps one per {@value #HOUSE_PER_CANDIDATE} live connections, so a scan costs about that many looks per
     * admission whatever its size: with 64 for 10,000 live, scans were the busiest code under a reconnecting flood,
     * all of it under the supervisor's lock.
     */
    static final int BATCH = 64;
    static final int HOUSE_PER_CANDIDATE = 16;
    /**
     * How long a connection must have waited before it may give way: one just accepted, whose request is on its
     * way, is not idle. Without it a full house of busy connections (bodies in progress) made every new client
     * close the one before it, a control client included, before its request was even read.
     */
    static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    /**
     * How long a connection idle between requests after serving an exchange must have waited before it may give
     * way. A keep-alive client pausing between requests has its next request on the way when the pause ends; with
     * 250 ms for all, a client pausing 400 ms was soon the longest idle of a flooded house that turned over every
     * 250 ms, and was closed (FullHouseTest), and on the loaded machine even a 20 ms pause sometimes reached 250 ms.
     * Four times the first kind's wait, over twice such a pause; a flood of clients that each ask once and go
     * quiet is then admitted at {@code maxConnections} per second at least (one per slot per second), more while
     * some of the house never asked.
     */
    static final long MIN_WAIT_AFTER_EXCHANGE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How often, at most, a choice that found nothing ready, or only a connection that has served an exchange, scans
     * the house again while candidates of an earlier scan are left: a connection that went idle since may be of the
     * kind that gives way first. Bounded so that a house at the limit where nothing may give way yet costs ten scans
     * a second at most, not one per admission attempt.
     */
    static final long RESCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * A connection that may give way, with the mark it had when a scan saw it; held weakly. The candidates of the
     * last scan wait here until an admission at the limit needs them, which after a flood may be never: held
     * strongly, each kept the connection it named reachable long after it ended — its socket, its protocol's state,
     * its adapter's objects and its last thread — which the bench counted as hundreds of connections outliving
     * their clients (issue 18). A connection that has not ended is reachable from the supervisor anyway.
     */
    private static final class Candidate extends WeakReference<SupervisedConnection> {

        private final long since;

        Candidate(SupervisedConnection connection, long since) {
            super(connection);
            this.since = since;
        }

        /** The connection, or null once it has ended and been collected. */
        SupervisedConnection connection() {
            return get();
        }

        long since() {
            return since;
        }
    }

    /** Candidates that have not served an exchange (or whose next head stalls), longest waiting first. */
    private final ArrayDeque<Candidate> unserved = new ArrayDeque<>(BATCH);
    /** Candidates idle between requests after serving an exchange, longest waiting first. */
    private final ArrayDeque<Candidate> served = new ArrayDeque<>(BATCH);
    private long lastScanNanos;

    /**
     * The connection to close to admit a new one, or null when none may be closed; {@code live} is what the
     * supervisor tracks now. The caller closes it.
     */
    SupervisedConnection pick(Collection<SupervisedConnection> live) {
        Candidate chosen = first(live);
        if (chosen == null) {
            return null;
        }
        lineOf(chosen.since()).poll();
        return chosen.connection();
    }

    /** Whether some connection in {@code live} could give way now. */
    boolean hasCandidate(Collection<SupervisedConnection> live) {
        return first(live) != null;
    }

    /** Forgets every candidate (the supervisor shut down, or eviction was turned off). */
    void clear() {
        unserved.clear();
        served.clear();
    }

    /**
     * The candidate to give way now, still valid, first of its line; null when none may yet. Scans the house again
     * when no candidate is left, and at most every {@link #RESCAN_NANOS} when none left is ready or only one that has
     * served an exchange is: a connection that never has may have become ready since, and goes first.
     */
    private Candidate first(Collection<SupervisedConnection> live) {
        Candidate ready = firstReady();
        boolean rescanDue = unserved.isEmpty() && served.isEmpty()
                || System.nanoTime() - lastScanNanos >= RESCAN_NANOS;
        if ((ready == null || TransportConnection.isAfterExchange(ready.since())) && rescanDue) {
            scan(live);
            ready = firstReady();
        }
        return ready;
    }

    private Candidate firstReady() {
        Candidate ready = firstValid(unserved, MIN_WAIT_NANOS);
        return ready != null ? ready : firstValid(served, MIN_WAIT_AFTER_EXCHANGE_NANOS);
    }

    private ArrayDeque<Candidate> lineOf(long mark) {
        return TransportConnection.isAfterExchange(mark) ? served : unserved;
    }

    /** The first valid candidate of {@code line} if it has waited {@code minWaitNanos}; drops invalid ones. */
    private static Candidate firstValid(ArrayDeque<Candidate> line, long minWaitNanos) {
        Candidate candidate;
        while ((candidate = line.peek()) != null) {
            SupervisedConnection connection = candidate.connection();
            if (connection == null) {
                line.poll(); // ended and collected
                continue;
            }
            // The peek before the mark: a woken connection clears its mark before it reads, so bytes are either
            // still in the socket when we peek or its mark has changed by the time we look at it.
            boolean unread = connection.hasUnreadBytes();
            if (!unread && !connection.isEvicted() && connection.evictableSince() == candidate.since()
                    && connection.channel().isOpen()) {
                // The oldest is first: if it has not waited long enough, none of its line has yet.
                return System.nanoTime() - candidate.since() >= minWaitNanos ? candidate : null;
            }
            line.poll();
        }
        return null;
    }

    /** Replaces both lines with the longest-waiting connections of each kind in {@code live}. */
    private void scan(Collection<SupervisedConnection> live) {
        lastScanNanos = System.nanoTime();
        int batch = Math.max(BATCH, live.size() / HOUSE_PER_CANDIDATE);
        // The batch oldest marks of each kind: heaps with the youngest kept on top, so it is the one a still older
        // one evicts.
        PriorityQueue<Candidate> oldestUnserved = new PriorityQueue<>(batch + 1, IdleEviction::youngestFirst);
        PriorityQueue<Candidate> oldestServed = new PriorityQueue<>(batch + 1, IdleEviction::youngestFirst);
        for (SupervisedConnection connection : live) {
            long since = connection.evictableSince();
            if (since == TransportConnection.NOT_EVICTABLE || connection.isEvicted()) {
                continue;
            }
            PriorityQueue<Candidate> oldest = TransportConnection.isAfterExchange(since) ? oldestServed : oldestUnserved;
            if (oldest.size() < batch) {
                oldest.add(new Candidate(connection, since));
            } else if (since - oldest.peek().since() < 0) {
                oldest.poll();
                oldest.add(new Candidate(connection, since));
            }
        }
        refill(unserved, oldestUnserved);
        refill(served, oldestServed);
    }

    private static int youngestFirst(Candidate a, Candidate b) {
        return Long.compare(b.since() - a.since(), 0);
    }

    private static void refill(ArrayDeque<Candidate> line, PriorityQueue<Candidate> oldest) {
        Candidate[] sorted = oldest.toArray(new Candidate[0]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a.since() - b.since(), 0));
        line.clear();
        for (Candidate candidate : sorted) {
            line.add(candidate);
        }
    }
}
