package io.corral.connector.transport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines a blocked thread cannot enforce itself: a socket write has no timeout, so one
 * daemon thread for the whole process looks at every watched connection a few times per timeout and lets
 * it close itself under a write (HTTP idle timeout, WebSocket send timeout) or a close handshake that ran
 * over; closing unblocks the stuck thread with an exception. A connection costs one set entry and, per
 * write, two volatile stores — far cheaper than a timer task per write. The thread sleeps while nothing
 * is watched.
 *
 * <p>The tick follows what is watched now: a tenth of the shortest timeout among the watched (between 10 ms and
 * 1 s), so a deadline is enforced at most 10% late, and recomputed on every round, so a short deadline that has
 * gone (a TLS close_notify bounded to a second, say) does not leave the whole process ticking fast after it.
 */
public final class DeadlineWatchdog {

    /** A connection with deadlines: HTTP's response writer, a WebSocket's sender. */
    public interface Watched {
        /** Closes whatever ran past its deadline at {@code now} ({@link System#nanoTime()}). */
        void checkDeadlines(long now);

        /** The shortest timeout it enforces, in nanoseconds; 0 when it has none (not watched then). */
        long shortestTimeoutNanos();
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineWatchdog.class);
    private static final long MIN_TICK = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK = TimeUnit.SECONDS.toNanos(1);

    public static final DeadlineWatchdog SHARED = new DeadlineWatchdog();

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    /** A tenth of the shortest timeout watched: lowered at once by {@link #watch}, recomputed every round. */
    private volatile long tickNanos = MAX_TICK;
    /** Counts {@link #watch} calls, so that a round knows whether one came while it looked; under this. */
    private long watches;
    private Thread thread;

    public void watch(Watched sender) {
        if (sender.shortestTimeoutNanos() == 0) {
            return;
        }
        long tick = tickFor(sender);
        watched.add(sender);
        synchronized (this) {
            watches++;
            boolean finer = tick < tickNanos;
            if (finer) {
                tickNanos = tick;
            }
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("corral-deadlines").start(this::run);
            } else {
                notifyAll();
                if (finer) {
                    LockSupport.unpark(thread); // not a whole coarse tick late for the first check
                }
            }
        }
    }

    public void unwatch(Watched sender) {
        watched.remove(sender);
    }

    /** How often the watchdog must look for {@code sender}'s deadlines to be at most 10% late. */
    private static long tickFor(Watched sender) {
        long shortest = sender.shortestTimeoutNanos();
        return shortest == 0 ? MAX_TICK : Math.max(MIN_TICK, Math.min(MAX_TICK, shortest / 10));
    }

    /** The current tick in nanoseconds (a test hook). */
    long tickNanos() {
        return tickNanos;
    }

    private void run() {
        while (true) {
            long round;
            synchronized (this) {
                while (watched.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                round = watches;
            }
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            long tick = MAX_TICK;
            for (Watched sender : watched) {
                try {
                    sender.checkDeadlines(now);
                    tick = Math.min(tick, tickFor(sender));
                } catch (RuntimeException e) {
                    LOG.warn("deadline check failed for {}", sender, e);
                }
            }
            synchronized (this) {
                // What is watched now sets the next tick; a watch() since the round began may have come after the
                // loop passed it, so its lowering stands until a round has seen it.
                tickNanos = watches == round ? tick : Math.min(tick, tickNanos);
            }
        }
    }
}
