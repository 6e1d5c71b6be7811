package io.corral.connector.proxy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * A WARN line that a stream of events cannot turn into a flood: the first event is logged, then at most one per
 * interval, each saying how many went unlogged in between. What a client can cause at will, but an operator must
 * hear of (a proxy that stopped sending headers, a port open to clients that should not reach it). Thread-safe.
 */
final class ThrottledWarning {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong nextAllowed = new AtomicLong(System.nanoTime());
    private final LongAdder suppressed = new LongAdder();

    ThrottledWarning(Logger log, long interval, TimeUnit unit) {
        this.log = log;
        this.intervalNanos = unit.toNanos(interval);
    }

    /** Logs {@code format} (SLF4J style, {@code args} filled in), unless one was logged less than an interval ago. */
    void warn(String format, Object... args) {
        long now = System.nanoTime();
        long allowed = nextAllowed.get();
        if (now - allowed < 0 || !nextAllowed.compareAndSet(allowed, now + intervalNanos)) {
            suppressed.increment();
            return;
        }
        long unlogged = suppressed.sumThenReset();
        if (unlogged > 0) {
            log.warn(format + " ({} more like it since the last such line, not logged)", append(args, unlogged));
        } else {
            log.warn(format, args);
        }
    }

    private static Object[] append(Object[] args, Object... more) {
        Object[] all = new Object[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
