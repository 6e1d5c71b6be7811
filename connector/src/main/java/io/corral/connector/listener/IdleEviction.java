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
     * Candidates one scan keeps at least: the scan's cost spread over this many admissions. A big house keeps one
     * per {@value #HOUSE_PER_CANDIDATE} live connections, so a scan costs about that many looks per admission
     * whatever its size: with 64 for 10,000 live, scans were the busiest code under a reconnecting flood, all of it
     * under the supervisor's lock.
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

    private final ArrayDeque<Candidate> candidates = new ArrayDeque<>(BATCH);

    /**
     * The connection to close to admit a new one, or null when none may be closed; {@code live} is what the
     * supervisor tracks now. The caller closes it.
     */
    SupervisedConnection pick(Collection<SupervisedConnection> live) {
        Candidate chosen = first(live);
        if (chosen == null) {
            return null;
        }
        candidates.poll();
        return chosen.connection();
    }

    /** Whether some connection in {@code live} could give way now. */
    boolean hasCandidate(Collection<SupervisedConnection> live) {
        return first(live) != null;
    }

    /** Forgets every candidate (the supervisor shut down, or eviction was turned off). */
    void clear() {
        candidates.clear();
    }

    /** The longest-waiting candidate still valid, scanning again when none is left; it stays first in line. */
    private Candidate first(Collection<SupervisedConnection> live) {
        Candidate valid = firstValid();
        if (valid == null && candidates.isEmpty()) {
            scan(live);
            valid = firstValid();
        }
        return valid;
    }

    private Candidate firstValid() {
        Candidate candidate;
        while ((candidate = candidates.peek()) != null) {
            SupervisedConnection connection = candidate.connection();
            if (connection == null) {
                candidates.poll(); // ended and collected
                continue;
            }
            // The peek before the mark: a woken connection clears its mark before it reads, so bytes are either
            // still in the socket when we peek or its mark has changed by the time we look at it.
            boolean unread = connection.hasUnreadBytes();
            if (!unread && !connection.isEvicted() && connection.evictableSince() == candidate.since()
                    && connection.channel().isOpen()) {
                // The oldest is first: if it has not waited long enough, none has yet (the acceptor asks again).
                return System.nanoTime() - candidate.since() >= MIN_WAIT_NANOS ? candidate : null;
            }
            candidates.poll();
        }
        return null;
    }

    private void scan(Collection<SupervisedConnection> live) {
        int batch = Math.max(BATCH, live.size() / HOUSE_PER_CANDIDATE);
        // The batch oldest marks: a heap with the youngest kept on top, so it is the one a still older one evicts.
        PriorityQueue<Candidate> oldest = new PriorityQueue<>(batch + 1,
                (a, b) -> Long.compare(b.since() - a.since(), 0));
        for (SupervisedConnection connection : live) {
            long since = connection.evictableSince();
            if (since == TransportConnection.NOT_EVICTABLE || connection.isEvicted()) {
                continue;
            }
            if (oldest.size() < batch) {
                oldest.add(new Candidate(connection, since));
            } else if (since - oldest.peek().since() < 0) {
                oldest.poll();
                oldest.add(new Candidate(connection, since));
            }
        }
        Candidate[] sorted = oldest.toArray(new Candidate[0]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a.since() - b.since(), 0));
        for (Candidate candidate : sorted) {
            candidates.add(candidate);
        }
    }
}
