package io.corral.connector.http1;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections whose writes stall past the idle timeout. A blocking socket write has no timeout in
 * the JDK, so a client that stops reading would otherwise hold its request thread forever. Writers
 * register once per connection and publish a deadline only while a write is in progress; one shared
 * virtual thread sweeps the registered writers twice a second, and only while some are registered.
 */
final class WriteWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(WriteWatchdog.class);
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** What the watchdog watches: a deadline to compare, and how to give up on it. */
    interface Guarded {
        /** {@link System#nanoTime()} by which the current write must end, or 0 when not writing. */
        long writeDeadline();

        void writeTimedOut();
    }

    static final WriteWatchdog SHARED = new WriteWatchdog();

    private final Set<Guarded> guarded = ConcurrentHashMap.newKeySet();
    private final Object sweeperLock = new Object();
    private Thread sweeper;

    void register(Guarded writer) {
        guarded.add(writer);
        synchronized (sweeperLock) {
            if (sweeper == null) {
                sweeper = Thread.ofVirtual().name("corral-write-watchdog").start(this::sweepWhileNeeded);
            }
        }
    }

    void unregister(Guarded writer) {
        guarded.remove(writer);
    }

    private void sweepWhileNeeded() {
        while (true) {
            LockSupport.parkNanos(SWEEP_NANOS);
            long now = System.nanoTime();
            for (Guarded writer : guarded) {
                long deadline = writer.writeDeadline();
                if (deadline != 0 && now - deadline > 0) {
                    LOG.debug("write stalled past the idle timeout: closing {}", writer);
                    writer.writeTimedOut();
                }
            }
            synchronized (sweeperLock) {
                if (guarded.isEmpty()) {
                    sweeper = null;
                    return;
                }
            }
        }
    }

    static long deadlineAfter(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        return deadline == 0 ? 1 : deadline;
    }
}
