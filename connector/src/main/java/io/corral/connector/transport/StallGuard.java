package io.corral.connector.transport;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a connection's writes are timed, and timed as Jetty's idle timeout means it: "no
 * progress for that long", not "done within that long". A write goes out in slices of at most
 * {@link #SLICE} bytes; every slice the peer takes pushes the deadline forward and is reported to the
 * progress listener. So a response or frame of many MiB to a slow but live client is never cut while
 * bytes keep moving, and a client that stops reading is cut one timeout after the last slice it took.
 *
 * <p>A blocked socket write cannot time itself out: the {@link DeadlineWatchdog} looks at the deadline and
 * closes the connection, which ends the write with an exception ({@link #stalled()} then says why). With
 * a timeout of zero nothing is enforced here and the listener decides, as Jetty's idle timer does for a
 * WebSocket session on the bridge (the listener is its {@code notIdle()}).
 */
public final class StallGuard implements ByteSink, DeadlineWatchdog.Watched {

    /**
     * The most one socket write is given: small enough that a slow reader shows progress many times per
     * timeout, large enough that the per-slice bookkeeping (two volatile stores) is lost in the copy.
     */
    public static final int SLICE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StallGuard.class);

    private final TransportConnection connection;
    private final Runnable onProgress;
    private volatile long timeoutNanos;
    /** When the slice being written must have gone, by {@link System#nanoTime()}; 0 when none is enforced. */
    private volatile long deadline;
    /** When the last slice went (or the write in progress started). */
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean writing;
    private volatile boolean stalled;

    /**
     * @param timeout    how long one slice may take before the connection is closed; zero enforces nothing
     * @param onProgress told when a write starts and after every slice written (on the writing thread), or null
     */
    public StallGuard(TransportConnection connection, Duration timeout, Runnable onProgress) {
        this.connection = connection;
        this.onProgress = onProgress;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Writes every byte given, slice by slice; a stall past the timeout closes the connection. */
    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        writing = true;
        if (onProgress != null) {
            onProgress.run(); // a write starting is activity: the peer gets a whole timeout for its first slice
        }
        try {
            do {
                int slice = Math.min(SLICE, length);
                long now = System.nanoTime();
                lastProgress = now;
                long timeout = timeoutNanos; // read per slice: a changed idle timeout applies at once
                deadline = timeout == 0 ? 0 : nonZero(now + timeout);
                connection.write(buffer, offset, slice);
                offset += slice;
                length -= slice;
                if (onProgress != null) {
                    onProgress.run();
                }
            } while (length > 0);
        } catch (IOException e) {
            if (stalled) {
                SocketTimeoutException timeout = new SocketTimeoutException(
                        "no write progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms: the peer is not reading");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            deadline = 0;
            lastProgress = System.nanoTime();
            writing = false;
        }
    }

    /**
     * Changes the timeout, for the write in progress too (from its next slice). A caller that relies on the
     * watchdog registers this guard again afterwards, so that a shorter timeout is checked often enough.
     */
    public void setTimeout(Duration timeout) {
        timeoutNanos = timeout.toNanos();
    }

    public Duration timeout() {
        return Duration.ofNanos(timeoutNanos);
    }

    /** Whether a write is in progress. */
    public boolean isWriting() {
        return writing;
    }

    /** When the last slice was taken by the peer, or a write started or ended ({@link System#nanoTime()}). */
    public long lastProgress() {
        return lastProgress;
    }

    /** Whether a write stalled past the timeout, which closed the connection. */
    public boolean stalled() {
        return stalled;
    }

    @Override
    public void checkDeadlines(long now) {
        long due = deadline;
        if (due != 0 && now - due >= 0 && !stalled) {
            stalled = true;
            LOG.debug("no write progress to {} for {} ms: closing", connection.remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            connection.close();
        }
    }

    @Override
    public long shortestTimeoutNanos() {
        return timeoutNanos;
    }

    /** 0 means "no deadline"; a real one that lands on 0 moves a nanosecond. */
    private static long nonZero(long deadline) {
        return deadline == 0 ? 1 : deadline;
    }

    @Override
    public String toString() {
        return "write guard for " + connection.remoteAddress();
    }
}
