package io.corral.connector.websocket;

import java.util.concurrent.TimeUnit;

/**
 * How many pings and pongs one WebSocket connection may send: at most {@code maxPerSecond} in each one-second
 * window, the window starting at the first control frame after the previous one ended. Every ping costs the
 * server a pong written back and every pong a call into the application, so a client that floods them makes the
 * server work for nothing; past the rate the connection is closed with 1008 (policy violation). A client that
 * pings to keep a connection alive sends one every few seconds and never comes near it.
 *
 * <p>Jetty has no such limit (README, what differs). Owned by the connection's reading thread; not thread-safe.
 */
public final class ControlFrameRate {

    /** The default: 100 pings and pongs a second, far beyond any keep-alive and far below a flood. */
    public static final int DEFAULT_MAX_PER_SECOND = 100;
    /** No limit at all. */
    public static final int UNLIMITED = 0;
    /** The reason of the 1008 close frame. */
    public static final String CLOSE_REASON = "too many control frames";

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int maxPerSecond;
    private long windowStart;
    private int inWindow;

    /** @param maxPerSecond pings and pongs allowed in each one-second window; {@link #UNLIMITED} for no limit */
    public ControlFrameRate(int maxPerSecond) {
        if (maxPerSecond < 0) {
            throw new IllegalArgumentException("maxPerSecond must not be negative: " + maxPerSecond);
        }
        this.maxPerSecond = maxPerSecond;
    }

    /**
     * Counts one ping or pong that arrived at {@code nowNanos} ({@link System#nanoTime()}).
     *
     * @return false when it is one too many: the caller closes the connection with 1008
     */
    public boolean admit(long nowNanos) {
        if (maxPerSecond == UNLIMITED) {
            return true;
        }
        if (inWindow == 0 || nowNanos - windowStart >= WINDOW_NANOS) {
            windowStart = nowNanos;
            inWindow = 0;
        }
        return ++inWindow <= maxPerSecond;
    }

    /** The exception that closes a connection past the rate with 1008. */
    public static WebSocketException exceeded() {
        return new WebSocketException(CloseStatus.POLICY_VIOLATION, CLOSE_REASON);
    }
}
