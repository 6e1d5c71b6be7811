package io.corral.connector.http2;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections ended with GOAWAY ENHANCE_YOUR_CALM (a flood past one of {@link Http2Config}'s limits), logged at WARN
 * for the operator — at most one line per {@link #INTERVAL} for the whole process, each saying how many it left
 * out, so that clients cannot flood the log with their floods. Thread-safe.
 */
final class FloodWarnings {

    /** At most one line per this long. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(FloodWarnings.class);

    private final long intervalNanos;
    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
    private final AtomicLong leftOut = new AtomicLong();

    FloodWarnings() {
        this(INTERVAL);
    }

    FloodWarnings(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** A connection was ended for a flood: {@code what} says which limit it passed. */
    void ended(Object connection, Object peer, String what) {
        long now = System.nanoTime();
        long next = nextLineAt.get();
        if (now - next >= 0 && nextLineAt.compareAndSet(next, now + intervalNanos)) {
            LOG.warn("{} from {}: {}; GOAWAY ENHANCE_YOUR_CALM ({} more such connections since the last line)",
                    connection, peer, what, leftOut.getAndSet(0));
        } else {
            leftOut.incrementAndGet();
        }
    }
}
