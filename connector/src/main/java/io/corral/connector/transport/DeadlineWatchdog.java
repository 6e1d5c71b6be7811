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
    /** Only ever shrinks: a tenth of the shortest timeout seen, so a deadline is enforced at most 10% late. */
    private volatile long tickNanos = MAX_TICK;
    private Thread thread;

    public void watch(Watched sender) {
        long shortest = sender.shortestTimeoutNanos();
        if (shortest == 0) {
            return;
        }
        long tick = Math.max(MIN_TICK, Math.min(MAX_TICK, shortest / 10));
        if (tick < tickNanos) {
            tickNanos = tick;
        }
        watched.add(sender);
        synchronized (this) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("corral-deadlines").start(this::run);
            } else {
                notifyAll();
            }
        }
    }

    public void unwatch(Watched sender) {
        watched.remove(sender);
    }

    private void run() {
        while (true) {
            synchronized (this) {
                while (watched.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            LockSupport.parkNanos(tickNanos);
            long now = System.nanoTime();
            for (Watched sender : watched) {
                try {
                    sender.checkDeadlines(now);
                } catch (RuntimeException e) {
                    LOG.warn("deadline check failed for {}", sender, e);
                }
            }
        }
    }
}
