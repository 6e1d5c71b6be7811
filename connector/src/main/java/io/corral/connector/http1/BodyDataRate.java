package io.corral.connector.http1;

import java.util.concurrent.TimeUnit;

/**
 * The minimum rate a request body must keep up with (Jetty's {@code HttpConfiguration.minRequestDataRate}),
 * measured as Jetty measures it: from the body's first byte, the bytes that arrived so far against the rate times
 * the time since, checked whenever bytes arrive. A client trickling its body (10 B/s holds a connection for hours
 * while every read makes "progress") falls behind and loses its slot; one that stops altogether meets the idle
 * timeout instead. One per request body; used under the body's lock.
 */
final class BodyDataRate {

    private final long minBytesPerSecond;
    private long firstByteNanos;
    private boolean started;
    private long arrived;

    /** @param minBytesPerSecond 0 for no minimum */
    BodyDataRate(long minBytesPerSecond) {
        this.minBytesPerSecond = minBytesPerSecond;
    }

    /**
     * Counts {@code bytes} that arrived at {@code now} ({@link System#nanoTime()}).
     *
     * @return whether the body is now behind the minimum rate
     */
    boolean arrived(long bytes, long now) {
        if (minBytesPerSecond == 0 || bytes <= 0) {
            return false;
        }
        if (!started) {
            started = true;
            firstByteNanos = now;
        }
        arrived += bytes;
        long millis = TimeUnit.NANOSECONDS.toMillis(now - firstByteNanos);
        // Jetty's arithmetic: what the rate asks for by now, in whole milliseconds.
        return arrived < minBytesPerSecond * millis / 1000;
    }

    long minBytesPerSecond() {
        return minBytesPerSecond;
    }
}
