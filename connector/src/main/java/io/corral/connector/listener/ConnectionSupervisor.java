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
 * <p>One lock guards everything; it is taken twice per connection (admit and release), never per byte.
 */
final class ConnectionSupervisor {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionSupervisor.class);
    private static final long LIMIT_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

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

    ConnectionSupervisor(String name, int maxConnections) {
        ListenerConfig.requireValidMaxConnections(maxConnections);
        this.name = name;
        this.maxConnections = maxConnections;
    }

    /** The counters as one consistent snapshot. */
    record Counts(int active, int peak, long totalAccepted, long totalClosed, long failed,
                  int maxConnections, int waitingAcceptors, long acceptErrors) {
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
            while (!shutDown && live.size() + reserved >= maxConnections) {
                logLimitReached();
                awaitChange();
            }
            if (shutDown) {
                return false;
            }
            reserved++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns the caller's reservation into a live connection. Returns at once unless the limit was lowered
     * while the caller was in {@code accept()}; then it waits until the count is below the new limit.
     *
     * @return false when the supervisor has shut down: the caller must close the socket
     * @throws InterruptedException when the acceptor is being stopped: the caller must close the socket
     */
    boolean admit(SupervisedConnection connection) throws InterruptedException {
        lock.lock();
        try {
            try {
                // Our own reservation is in "reserved", hence ">" where reserveSlot has ">=".
                while (!shutDown && live.size() + reserved > maxConnections) {
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
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a reservation whose {@code accept()} failed; {@code acceptError} counts it as an error. */
    void cancelReservation(boolean acceptError) {
        lock.lock();
        try {
            reserved--;
            if (acceptError) {
                acceptErrors++;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a connection that has ended and frees its slot; {@code failed} counts it as a failure. */
    void release(SupervisedConnection connection, boolean failed) {
        lock.lock();
        try {
            if (live.remove(connection)) {
                totalClosed++;
                if (failed) {
                    this.failed++;
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
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
                    waitingAcceptors, acceptErrors);
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
        waitingAcceptors++;
        try {
            changed.await();
        } finally {
            waitingAcceptors--;
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
