package io.corral.connector.http1;

import io.corral.connector.listener.Admission;
import java.util.concurrent.TimeUnit;

/**
 * The minimum rate a request body must keep up with (Jetty's {@code HttpConfiguration.minRequestDataRate}),
 * measured as Jetty measures it: from the body's first byte, the bytes that arrived so far against the rate times
 * the time since, checked whenever bytes arrive. A client trickling its body (10 B/s holds a connection for hours
 * while every read makes "progress") falls behind and loses its slot; one that stops altogether meets the idle
 * timeout instead. When no minimum is configured, a floor ({@link Http1Config#minRequestDataRateNearFull()}) applies
 * while the listener is near its connection limit, checked as each byte arrives, so the bodies that held the house
 * full give way once it is. One per request body; used under the body's lock.
 */
final class BodyDataRate {

    private final long minBytesPerSecond;
    private final long nearFullBytesPerSecond;
    private final Admission admission;
    private long firstByteNanos;
    private boolean started;
    private long arrived;

    /** @param minBytesPerSecond 0 for no minimum */
    BodyDataRate(long minBytesPerSecond) {
        this(minBytesPerSecond, 0, Admission.ROOMY);
    }

    /**
     * @param minBytesPerSecond      0 for no minimum
     * @param nearFullBytesPerSecond the minimum while {@code minBytesPerSecond} is 0 and the listener is near full;
     *                               0 for none
     */
    BodyDataRate(long minBytesPerSecond, long nearFullBytesPerSecond, Admission admission) {
        this.minBytesPerSecond = minBytesPerSecond;
        this.nearFullBytesPerSecond = minBytesPerSecond == 0 ? nearFullBytesPerSecond : 0;
        this.admission = admission;
    }

    /**
     * Counts {@code bytes} that arrived at {@code now} ({@link System#nanoTime()}).
     *
     * @return whether the body is now behind the minimum rate
     */
    boolean arrived(long bytes, long now) {
        if (bytes <= 0 || minBytesPerSecond == 0 && nearFullBytesPerSecond == 0) {
            return false;
        }
        if (!started) {
            started = true;
            firstByteNanos = now;
        }
        arrived += bytes;
        long millis = TimeUnit.NANOSECONDS.toMillis(now - firstByteNanos);
        long rate = minBytesPerSecond();
        // Jetty's arithmetic: what the rate asks for by now, in whole milliseconds.
        return rate > 0 && arrived < rate * millis / 1000;
    }

    /** The minimum that applies now: the configured one, else the near-full floor while the listener is near full. */
    long minBytesPerSecond() {
        if (minBytesPerSecond > 0) {
            return minBytesPerSecond;
        }
        return nearFullBytesPerSecond > 0 && admission.nearFull() ? nearFullBytesPerSecond : 0;
    }
}
