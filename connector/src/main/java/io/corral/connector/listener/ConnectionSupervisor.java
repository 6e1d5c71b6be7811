package io.corral.connector.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks every live connection of a listener and enforces its connection limit: Ranch's
 * {@code ranch_conns_sup}. Acceptors ask for a slot <em>before</em> they call {@code accept()}, so at the
 * limit new clients wait in the kernel's backlog instead of being accepted and closed.
 *
 * <p>An acceptor holds a <em>reservation</em> while it sits in {@code accept()}, and the limit counts
 * reservations as well as live connections. Without that, two acceptors could both see "one slot left",
 * both accept, and go one over the limit. The limit may change at any time: raising it wakes waiting
 * acceptors at once; lowering it never closes a connection, and an acceptor that accepted under the old
 * limit holds its client (unserved, as if still in the backlog) until the count drops below the new one.
 *
 * <p>At the limit, unlike Ranch, a full house does not lock new clients out while connections that do nothing
 * hold the slots: when eviction is on (the default), an acceptor closes the connection that has waited longest
 * for a request to begin ({@link IdleEviction}) and takes its slot once it has ended. Only when no connection
 * may give way (every one is in the middle of a request, or a WebSocket) do new clients wait in the backlog.
 * Eviction only ever makes room for one new client per connection closed, so a lowered limit still closes
 * nothing. Nor is anyone closed while a slot is free: at the edge of a full house one acceptor may hold the last
 * slot in {@code accept()} while another waits there beyond the limit, and a client that reaches the latter takes
 * the former's slot, the former being beyond the limit from then on (see {@link #admit}).
 *
 * <p>A connection closed to make room hands its slot on at once: the acceptor closes its socket and admits the new
 * client without waiting for the closed one's thread to end. That thread may be slow to come (a hibernating
 * connection first needs the hibernator's wake-up, then a virtual thread scheduled on a busy machine): under a
 * reconnecting flood, JFR showed two acceptors waiting there 270 times for 10–292 ms, 8 s in 46, while new clients
 * piled up in the kernel's accept queue until it dropped their handshakes. Only the bookkeeping of the closed
 * connection lags (it stays tracked, so a stop still waits for it): at most {@link #closingMargin} such connections
 * may be ending beyond the limit at any time, each with its socket closed already; past that, admissions wait for
 * them as before. The live count ({@link Counts#active()}) includes them; the limit and the high-water mark do not.
 *
 * <p>One lock guards everything; it is taken twice per connection (admit and release), never per byte.
 */
final class ConnectionSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSupervisor.class);
    private static final long LIMIT_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How often an acceptor that found nothing to evict looks again: a connection may have gone idle meanwhile. */
    private static final long EVICTION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The least {@link #closingMargin}: enough for a burst of admissions on a small limit. */
    static final int MIN_CLOSING_MARGIN = 64;

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a slot may have opened, the limit changed, or the supervisor shut down. */
    private final Condition changed = lock.newCondition();
    private final Set<SupervisedConnection> live = new HashSet<>();
    private int maxConnections;
    private int reserved;
    private int waitingAcceptors;
    private int peak;
    private long totalAccepted;
    private long totalClosed;
    private long failed;
    private long acceptErrors;
    private boolean shutDown;
    private long lastLimitLogNanos;
    private boolean limitLogged;
    private final IdleEviction eviction = new IdleEviction();
    private boolean evictIdle = true;
    /** Acceptors whose reservation is beyond the limit (at most one each), to be paid for by an eviction. */
    private final Set<Thread> overbooked = new HashSet<>();
    /**
     * Acceptors holding a slot within the limit ({@link #reserved}) that have no client for it yet: still in
     * {@code accept()}. A client that reaches an overbooked acceptor takes one of these slots before anyone is closed.
     */
    private final Set<Thread> reservedInAccept = new HashSet<>();
    /** Clients accepted beyond the limit, waiting in {@link #admitByEviction} for a connection to give way. */
    private int admitting;
    /** Connections closed to admit new clients that have not ended yet: their slots were handed on already. */
    private int evicting;
    private long evicted;
    private long lastEvictionLogNanos;
    private boolean evictionLogged;
    /** Live connections at the high-water mark (see {@link Admission}); written under the lock, read without. */
    private volatile boolean nearFull;

    ConnectionSupervisor(String name, int maxConnections) {
        ListenerConfig.requireValidMaxConnections(maxConnections);
        this.name = name;
        this.maxConnections = maxConnections;
    }

    /** The counters as one consistent snapshot. */
    record Counts(int active, int peak, long totalAccepted, long totalClosed, long failed,
                  int maxConnections, int waitingAcceptors, long acceptErrors, long evictedIdle) {
    }

    /**
     * Waits until the listener is below its limit, then reserves a slot for the connection the caller is
     * about to accept. Every reservation ends in {@link #admit} or {@link #cancelReservation}.
     *
     * @return false when the supervisor has shut down (nothing reserved)
     * @throws InterruptedException when the acceptor is being stopped (nothing reserved)
     */
    boolean reserveSlot() throws InterruptedException {
        lock.lock();
        try {
            // A slot freed by an eviction belongs to the client accepted beyond the limit that paid for it.
            while (!shutDown && occupied() + reserved + admitting >= maxConnections) {
                if (mayOverbook()) {
                    // Full, but a connection can give way: accept, and make room once a client is really there
                    // (admit), so that no idle connection is closed for a client that never comes.
                    overbooked.add(Thread.currentThread());
                    return true;
                }
                logLimitReached();
                // A connection may become idle without anything signalling: with eviction on, look again soon.
                awaitChange(evictIdle ? EVICTION_RETRY_NANOS : 0);
            }
            if (shutDown) {
                return false;
            }
            reserved++;
            reservedInAccept.add(Thread.currentThread());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns the caller's reservation into a live connection. Returns at once unless the limit was lowered
     * while the caller was in {@code accept()}; then it waits until the count is below the new limit. A caller
     * that accepted beyond the limit takes the slot of an acceptor still waiting for a client if there is one,
     * and otherwise closes an idle connection to make room ({@link #admitByEviction}).
     *
     * @return false when the supervisor has shut down: the caller must close the socket
     * @throws InterruptedException when the acceptor is being stopped: the caller must close the socket
     */
    boolean admit(SupervisedConnection connection) throws InterruptedException {
        lock.lock();
        try {
            Thread acceptor = Thread.currentThread();
            if (overbooked.remove(acceptor) && !takeUnusedReservation()) {
                return admitByEviction(connection);
            }
            reservedInAccept.remove(acceptor);
            try {
                // Our own reservation is in "reserved", hence ">" where reserveSlot has ">=".
                while (!shutDown && occupied() + reserved > maxConnections) {
                    awaitChange();
                }
            } finally {
                reserved--;
            }
            if (shutDown) {
                return false;
            }
            live.add(connection);
            totalAccepted++;
            peak = Math.max(peak, live.size());
            updateNearFull();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lets the client of an overbooked acceptor have the slot another acceptor reserved and has no client for yet;
     * that acceptor is overbooked in its place, so an eviction pays for its client if one comes. Without this, the
     * client reaching the overbooked acceptor closed an idle connection while a slot stayed free: one eviction more
     * than clients beyond the limit (FullHouseTest's two acceptors did so at the edge of a full house, and a client
     * whose request was on its way could be the one closed).
     *
     * @return whether the caller now holds a reservation within the limit
     */
    private boolean takeUnusedReservation() {
        if (reservedInAccept.isEmpty()) {
            return false;
        }
        Thread holder = reservedInAccept.iterator().next();
        reservedInAccept.remove(holder);
        overbooked.add(holder);
        return true;
    }

    /** Gives back a reservation whose {@code accept()} failed; {@code acceptError} counts it as an error. */
    void cancelReservation(boolean acceptError) {
        lock.lock();
        try {
            Thread acceptor = Thread.currentThread();
            if (!overbooked.remove(acceptor)) {
                reservedInAccept.remove(acceptor);
                reserved--;
            }
            if (acceptError) {
                acceptErrors++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets a connection that has ended and frees its slot; {@code failed} counts it as a failure unless the
     * connection was closed to make room: its protocol meets the close as an error (a read on a closed socket), but
     * nothing went wrong with it, and it is counted as evicted already.
     */
    void release(SupervisedConnection connection, boolean failed) {
        lock.lock();
        try {
            if (live.remove(connection)) {
                boolean evictedOne = connection.isEvicted();
                if (evictedOne) {
                    evicting--;
                }
                totalClosed++;
                if (failed && !evictedOne) {
                    this.failed++;
                }
                updateNearFull();
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Live connections that hold a slot: not those closed to make room, whose slots went to new clients. */
    private int occupied() {
        return live.size() - evicting;
    }

    /**
     * How many connections closed to make room may still be ending beyond {@code maxConnections}: one per 64 slots,
     * at least {@value #MIN_CLOSING_MARGIN}. Each holds a descriptor until its thread ends, well within the headroom
     * {@link ConnectionBudget} leaves (a tenth of the descriptors): 277 for the 17,769 sized from 20,000 descriptors.
     */
    static int closingMargin(int maxConnections) {
        return Math.max(MIN_CLOSING_MARGIN, maxConnections / 64);
    }

    /** Whether the high-water mark is reached; see {@link Admission#nearFull()}. */
    boolean nearFull() {
        return nearFull;
    }

    /** The high-water mark for {@code maxConnections}: 9/10 of it, all of it under 10. */
    static int highWaterMark(int maxConnections) {
        return maxConnections - maxConnections / 10;
    }

    private void updateNearFull() {
        boolean now = maxConnections != Integer.MAX_VALUE && occupied() >= highWaterMark(maxConnections);
        if (now != nearFull) {
            nearFull = now;
        }
    }

    /** Changes the limit at once; returns the previous one. */
    int setMaxConnections(int maxConnections) {
        ListenerConfig.requireValidMaxConnections(maxConnections);
        lock.lock();
        try {
            int previous = this.maxConnections;
            this.maxConnections = maxConnections;
            limitLogged = false;
            updateNearFull();
            changed.signalAll();
            return previous;
        } finally {
            lock.unlock();
        }
    }

    int maxConnections() {
        lock.lock();
        try {
            return maxConnections;
        } finally {
            lock.unlock();
        }
    }

    int active() {
        lock.lock();
        try {
            return live.size();
        } finally {
            lock.unlock();
        }
    }

    Counts counts() {
        lock.lock();
        try {
            return new Counts(live.size(), peak, totalAccepted, totalClosed, failed, maxConnections,
                    waitingAcceptors, acceptErrors, evicted);
        } finally {
            lock.unlock();
        }
    }

    /** The live connections at this instant. */
    List<SupervisedConnection> snapshot() {
        lock.lock();
        try {
            return new ArrayList<>(live);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no connection is live, at most {@code timeout}.
     *
     * @return whether none is live
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        return awaitIdle(timeout, null);
    }

    /**
     * Waits until no connection is live but, if any, the one {@code caller} serves (a protocol stopping its own
     * listener), at most {@code timeout}.
     *
     * @return whether none other is live
     */
    boolean awaitIdle(Duration timeout, Thread caller) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!onlyServedBy(caller)) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean onlyServedBy(Thread caller) {
        for (SupervisedConnection connection : live) {
            if (caller == null || connection.thread() != caller) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses every further reservation and admission, wakes whoever waits for one, and returns the
     * connections still live so the caller can close them. They stay tracked until they {@link #release}.
     */
    List<SupervisedConnection> shutDown() {
        lock.lock();
        try {
            shutDown = true;
            eviction.clear();
            changed.signalAll();
            return new ArrayList<>(live);
        } finally {
            lock.unlock();
        }
    }

    /** Accepts connections again after {@link #shutDown}, for a listener that starts anew. */
    void reopen() {
        lock.lock();
        try {
            shutDown = false;
        } finally {
            lock.unlock();
        }
    }

    private void awaitChange() throws InterruptedException {
        awaitChange(0);
    }

    /** Waits for a change, at most {@code timeoutNanos} unless 0. */
    private void awaitChange(long timeoutNanos) throws InterruptedException {
        waitingAcceptors++;
        try {
            if (timeoutNanos == 0) {
                changed.await();
            } else {
                changed.awaitNanos(timeoutNanos);
            }
        } finally {
            waitingAcceptors--;
        }
    }

    /**
     * Whether an acceptor at the limit may go on to {@code accept()}: eviction is on, the limit admits anyone at
     * all and was not lowered below the count (a lowered limit closes nothing), and some connection could give
     * way now.
     */
    private boolean mayOverbook() {
        return mayEvict() && eviction.hasCandidate(live);
    }

    /**
     * Whether closing one idle connection would make room for one new client: eviction is on, the limit admits
     * anyone at all and was not lowered below the count (a lowered limit closes nothing), and the closing margin
     * is not used up.
     */
    private boolean mayEvict() {
        return evictIdle && maxConnections > 0 && occupied() + reserved <= maxConnections
                && evicting < closingMargin(maxConnections);
    }

    /**
     * Admits a client accepted beyond the limit: closes the connection that waited longest for a request to begin
     * and takes its slot at once (see the class comment). Every acceptor doing so closes one connection for its own
     * client; when none may give way (they all got busy meanwhile), or the closing margin is used up, the client
     * waits, accepted but unserved, as in the backlog.
     */
    private boolean admitByEviction(SupervisedConnection connection) throws InterruptedException {
        admitting++;
        try {
            while (!shutDown && occupied() + reserved >= maxConnections) {
                // Each pass closes one connection and frees its slot at once, so no room is ever made twice.
                if (mayEvict()) {
                    SupervisedConnection victim = eviction.pick(live);
                    if (victim != null) {
                        evict(victim);
                        continue;
                    }
                }
                awaitChange(evictIdle ? EVICTION_RETRY_NANOS : 0);
            }
        } finally {
            admitting--;
        }
        if (shutDown) {
            return false;
        }
        live.add(connection);
        totalAccepted++;
        peak = Math.max(peak, live.size());
        updateNearFull();
        return true;
    }

    /** Whether a full listener closes its longest-idle connection to admit a new client; see the class comment. */
    void setEvictIdle(boolean evictIdle) {
        lock.lock();
        try {
            this.evictIdle = evictIdle;
            eviction.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean evictsIdle() {
        lock.lock();
        try {
            return evictIdle;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes {@code victim} to make room; called and returns with the lock held, which it lets go of while it
     * closes (closing wakes a hibernating connection, which is the hibernator's work, not ours to wait on). The
     * victim's slot is free from here; {@link #release} forgets the victim when its thread has ended.
     */
    private void evict(SupervisedConnection victim) {
        victim.markEvicted();
        evicting++;
        evicted++;
        updateNearFull();
        logEviction();
        lock.unlock();
        try {
            victim.close();
        } finally {
            lock.lock();
        }
    }

    // Like the limit line: once a minute while it goes on, with the count so far, never once per connection.
    private void logEviction() {
        long now = System.nanoTime();
        if (!evictionLogged || now - lastEvictionLogNanos >= LIMIT_LOG_INTERVAL_NANOS) {
            evictionLogged = true;
            lastEvictionLogNanos = now;
            LOG.warn("{}: connection limit of {} reached; closing the longest-idle connections to admit new clients "
                    + "({} so far)", name, maxConnections, evicted);
        }
    }

    // Reaching the limit is worth one line to an operator (raise it, or add capacity), but not one line per
    // waiting acceptor nor per connection while the listener hovers at the limit.
    private void logLimitReached() {
        long now = System.nanoTime();
        if (!limitLogged || now - lastLimitLogNanos >= LIMIT_LOG_INTERVAL_NANOS) {
            limitLogged = true;
            lastLimitLogNanos = now;
            LOG.warn("{}: connection limit of {} reached; new clients wait in the accept backlog",
                    name, maxConnections);
        }
    }
}
