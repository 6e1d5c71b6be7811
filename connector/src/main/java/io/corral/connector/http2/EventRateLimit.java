package io.corral.connector.http2;

/**
 * Counts events in fixed windows of time and says when a window has seen more than allowed: how a connection
 * notices a peer that resets streams as fast as it opens them, or sends SETTINGS and PING frames only to make
 * the server answer. A fixed window lets a burst of up to twice the limit through across a window boundary,
 * which is fine for telling an attack (thousands a second) from a browser (a few). Not thread-safe: the
 * connection's reader counts.
 */
final class EventRateLimit {

    private final int max;
    private final long windowNanos;
    private long windowStart;
    private int count;

    EventRateLimit(int max, java.time.Duration window) {
        this.max = max;
        this.windowNanos = window.toNanos();
        this.windowStart = System.nanoTime();
    }

    /** Counts one event; false when it is one too many for the current window. */
    boolean allow(long nowNanos) {
        if (nowNanos - windowStart >= windowNanos) {
            windowStart = nowNanos;
            count = 0;
        }
        return ++count <= max;
    }
}
