package io.corral.connector.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where idle connections wait without a thread: Cowboy's {@code hibernate}, for Java. A connection with nothing
 * to read gives up its virtual thread (and with it the stack) and parks its channel here, in non-blocking mode,
 * on one {@link Selector}; when bytes or the end of stream arrive, when its deadline passes, or when another
 * thread asks (a close, a write that the socket buffer cannot take), this hibernator wakes it: the channel's
 * key is cancelled and flushed from the selector, and the connection carries on in a new virtual thread
 * ({@link HibernatingChannel#wake}). One platform thread serves every hibernating connection of the process;
 * it only registers, selects and starts threads, never reads, writes or runs protocol code, so a slow
 * connection cannot hold up the wake-up of another. The thread starts with the first hibernation and sleeps
 * in {@code select} while nothing happens.
 */
public final class Hibernator {

    /** A channel that can hibernate here; {@link TcpConnection} is the one there is. */
    interface HibernatingChannel {
        java.nio.channels.SelectableChannel channel();

        /** When to wake even if nothing arrives, as {@link System#nanoTime()}; {@link Long#MAX_VALUE} for never. */
        long wakeAtNanos();

        /** Claims the wake-up; false when another thread already did (then it is, or was, handled elsewhere). */
        boolean claimWake();

        /** Moves from registered to parked; false when a wake was claimed before the registration came. */
        boolean settle();

        /** Starts the thread that carries the connection on; called once per claimed wake, after the flush. */
        void wake();

        /** The key while registered here; only this hibernator's thread touches it. */
        SelectionKey key();

        void key(SelectionKey key);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Hibernator.class);
    private static final long NEVER = Long.MAX_VALUE;
    /**
     * How late a deadline may be honoured: after a scan for due deadlines the next one runs at least this much
     * later. A scan looks at every registered connection, and deadlines of connections that arrived together come
     * due one after another: 15,000 idle connections timing out over six seconds made one scan of 15,000 keys per
     * connection timed out (JFR of the full-scale idle flood: the hibernator busy in this scan for six seconds, every
     * wake-up meanwhile, a keep-alive control's next request included, ~4 s late). With the slack a scan runs at most
     * 20 times a second, and a timeout fires at most 50 ms late.
     */
    static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How long a wake that could not start its thread waits before it is tried again. */
    static final long RETRY_WAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** The process-wide hibernator every {@link TcpTransport} uses unless given its own. */
    public static final Hibernator SHARED = new Hibernator("corral-hibernator");

    private final String name;
    private final Queue<HibernatingChannel> arriving = new ConcurrentLinkedQueue<>();
    /** Connections whose wake another thread claimed: they leave the selector now. */
    private final Queue<HibernatingChannel> leaving = new ConcurrentLinkedQueue<>();
    private volatile Selector selector;
    /** Scans for due deadlines so far: what {@link #DEADLINE_SLACK_NANOS} bounds (written by the hibernator thread). */
    private volatile long deadlineScans;
    /** Earliest deadline among the registered connections (hibernator thread only). */
    private long nextDeadline = NEVER;
    /**
     * Claimed wakes that could not start their thread (out of memory for one more), tried again every
     * {@link #RETRY_WAKE_NANOS} (hibernator thread only). Never dropped: a connection whose protocol never carries on
     * never ends either, and would hold its slot in the listener's limit, and its adapter's objects, for good.
     */
    private final List<HibernatingChannel> retrying = new ArrayList<>();
    private long retryAt;
    /** Wakes have been failing since the last one logged: one line per spell, not per connection nor per retry. */
    private boolean wakesFailing;

    public Hibernator(String name) {
        this.name = name;
    }

    /** Parks {@code connection}, whose channel is already in non-blocking mode. */
    /** How many times this hibernator has scanned its connections for due deadlines (diagnostics, tests). */
    long deadlineScans() {
        return deadlineScans;
    }

    void park(HibernatingChannel connection) {
        arriving.add(connection);
        ensureRunning().wakeup();
    }

    /** Wakes {@code connection} early; the caller has claimed its wake. */
    void release(HibernatingChannel connection) {
        leaving.add(connection);
        ensureRunning().wakeup();
    }

    /** Connections parked here now (registered with the selector); for tests and stats. */
    public int parked() {
        Selector current = selector;
        if (current == null) {
            return 0;
        }
        try {
            return current.keys().size();
        } catch (RuntimeException concurrentlyChanged) {
            return -1;
        }
    }

    private Selector ensureRunning() {
        Selector running = selector;
        return running != null ? running : start();
    }

    private synchronized Selector start() {
        if (selector == null) {
            Selector opened;
            try {
                opened = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the selector idle connections hibernate on", e);
            }
            Thread.ofPlatform().daemon().name(name).start(() -> run(opened));
            selector = opened;
        }
        return selector;
    }

    private void run(Selector selector) {
        List<HibernatingChannel> waking = new ArrayList<>();
        while (true) {
            try {
                registerArrivals(selector, waking);
                // A selectNow() below clears any wakeup() that came meanwhile: whatever is queued must not
                // wait for an event that may never come, so select without blocking while anything is.
                boolean queued = !waking.isEmpty() || !leaving.isEmpty() || !arriving.isEmpty();
                long wakeAt = nextDeadline;
                if (!retrying.isEmpty() && (wakeAt == NEVER || retryAt - wakeAt < 0)) {
                    wakeAt = retryAt;
                }
                long timeoutMillis = queued ? -1 : millisUntil(wakeAt);
                if (timeoutMillis < 0) {
                    selector.selectNow();
                } else {
                    selector.select(timeoutMillis);
                }
                collectReady(selector, waking);
                collectLeaving(waking);
                if (System.nanoTime() - nextDeadline >= 0) {
                    collectDue(selector, waking);
                }
                if (!waking.isEmpty()) {
                    // configureBlocking(true) fails while a channel is still registered: the cancelled keys must
                    // leave the selector, which happens at its next selection, before anyone may use them.
                    selector.selectNow();
                    collectReady(selector, waking);
                    for (HibernatingChannel connection : waking) {
                        startWake(connection);
                    }
                    waking.clear();
                }
                if (!retrying.isEmpty() && System.nanoTime() - retryAt >= 0) {
                    retryWakes();
                }
            } catch (IOException | RuntimeException e) {
                // Never let one failure strand every hibernating connection: log, and go round again.
                LOG.warn("{}: selection failed, carrying on: {}", name, e.toString(), e);
            }
        }
    }

    private void registerArrivals(Selector selector, List<HibernatingChannel> waking) {
        HibernatingChannel connection;
        while ((connection = arriving.poll()) != null) {
            if (!connection.settle()) {
                continue;                         // woken before it got here: the waker queued it in leaving
            }
            try {
                connection.key(connection.channel().register(selector, SelectionKey.OP_READ, connection));
                long deadline = connection.wakeAtNanos();
                if (deadline != NEVER && (nextDeadline == NEVER || deadline - nextDeadline < 0)) {
                    nextDeadline = deadline;
                }
            } catch (ClosedChannelException | RuntimeException closed) {
                if (connection.claimWake()) {
                    waking.add(connection);     // closed meanwhile: wake it so that its protocol sees the end
                }
            }
        }
    }

    private static void collectReady(Selector selector, List<HibernatingChannel> waking) {
        Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
        while (ready.hasNext()) {
            SelectionKey key = ready.next();
            ready.remove();
            HibernatingChannel connection = (HibernatingChannel) key.attachment();
            key.cancel();
            connection.key(null);
            if (connection.claimWake()) {
                waking.add(connection);
            }
        }
    }

    private void collectLeaving(List<HibernatingChannel> waking) {
        HibernatingChannel connection;
        while ((connection = leaving.poll()) != null) {
            SelectionKey key = connection.key();
            if (key != null) {
                key.cancel();
                connection.key(null);
            }
            waking.add(connection);
        }
    }

    /** Wakes every connection whose deadline has passed and finds the next deadline. */
    private void collectDue(Selector selector, List<HibernatingChannel> waking) {
        deadlineScans++;
        long now = System.nanoTime();
        long next = NEVER;
        for (SelectionKey key : selector.keys()) {
            if (!key.isValid()) {
                continue;
            }
            HibernatingChannel connection = (HibernatingChannel) key.attachment();
            long deadline = connection.wakeAtNanos();
            if (deadline == NEVER) {
                continue;
            }
            if (now - deadline >= 0) {
                key.cancel();
                connection.key(null);
                if (connection.claimWake()) {
                    waking.add(connection);
                }
            } else if (next == NEVER || deadline - next < 0) {
                next = deadline;
            }
        }
        long earliestNextScan = now + DEADLINE_SLACK_NANOS;
        nextDeadline = next == NEVER || next - earliestNextScan >= 0 ? next : earliestNextScan;
    }

    private void startWake(HibernatingChannel connection) {
        try {
            connection.wake();
        } catch (RuntimeException | Error e) {
            // Out of memory for one more thread: this client is lost, but its connection must still end through its
            // protocol (slot, adapter, counters), so its wake is tried again; the others carry on meanwhile.
            if (!wakesFailing) {
                wakesFailing = true;
                LOG.warn("{}: could not wake {}, closing it and trying again every {} ms: {}", name, connection,
                        TimeUnit.NANOSECONDS.toMillis(RETRY_WAKE_NANOS), e.toString());
            }
            if (retrying.isEmpty()) {
                retryAt = System.nanoTime() + RETRY_WAKE_NANOS;
            }
            retrying.add(connection);
            try {
                connection.channel().close();
            } catch (IOException ignored) {
                // released whatever the kernel says
            }
        }
    }

    private void retryWakes() {
        List<HibernatingChannel> again = new ArrayList<>(retrying);
        retrying.clear();
        for (HibernatingChannel connection : again) {
            startWake(connection);
        }
        if (retrying.isEmpty()) {
            wakesFailing = false; // every wake started: a later failure is news again
        }
    }

    /** Milliseconds to select for: 0 = until something happens, -1 = not at all. */
    private static long millisUntil(long deadline) {
        if (deadline == NEVER) {
            return 0;
        }
        long nanos = deadline - System.nanoTime();
        if (nanos <= 0) {
            return -1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    @Override
    public String toString() {
        return name;
    }
}
