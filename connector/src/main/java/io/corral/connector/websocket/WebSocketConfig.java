package io.corral.connector.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Limits and timeouts of Corral's WebSocket engine, fixed per upgrade. Size defaults match Jetty's
 * WebSocket defaults, so that swapping connectors changes nothing for a well-behaved client.
 *
 * @param maxFrameSize               largest frame payload accepted, in bytes; a larger frame fails the
 *                                   connection with 1009 as soon as its header is read. At least 125 (every
 *                                   control frame must fit). Default 65536.
 * @param maxMessageSize             largest message accepted, in bytes, summed across fragments and
 *                                   counted after decompression; larger fails with 1009 before the excess
 *                                   is buffered. Default 65536 (Jetty's text and binary default).
 * @param idleTimeout                how long the connection may go without receiving a byte before the
 *                                   server closes it with 1001; {@link Duration#ZERO} for never. Any
 *                                   frame counts, pongs included, so with pings on a live client is never
 *                                   idle. Default 30 s (Jetty's).
 * @param pingInterval               when no byte has arrived for this long the server sends a ping; if
 *                                   no pong comes within another interval it closes with 1001 on the wire
 *                                   and reports 1006 (abnormal: the peer is presumed gone) to the handler.
 *                                   {@link Duration#ZERO} turns pings off. Default off.
 * @param hibernateAfter             when no byte has arrived for this long, the connection drops its read
 *                                   buffer, as Cowboy's {@code hibernate} does, and makes a new one when the
 *                                   next bytes arrive (one extra small read); a connection that is busy never
 *                                   notices. A connection starts hibernated. Without an idle timeout and
 *                                   pings, an awake connection's reads become timed ones (a JDK timer
 *                                   each) so that it notices the silence. {@link Duration#ZERO} never
 *                                   hibernates. Default 1 s.
 * @param sendTimeout                how long a send may block on a client that does not read, including
 *                                   the wait behind other senders; past it the send fails with a
 *                                   {@link java.net.SocketTimeoutException}, the TCP connection is closed
 *                                   (a close frame could not get through) and the handler gets
 *                                   {@code onClose} with 1008. {@link Duration#ZERO} waits forever.
 *                                   Default 30 s.
 * @param closeTimeout               after sending a close frame, how long the server waits for the peer's
 *                                   close frame (or, after a protocol error, for the peer to close TCP)
 *                                   before closing TCP itself. Positive. Default 5 s.
 * @param permessageDeflate          whether to accept a client's permessage-deflate offer (RFC 7692).
 *                                   Default true, as Jetty.
 * @param compressionContextTakeover whether compression contexts are kept between messages (better
 *                                   ratios, about 300 KB of native zlib memory per compressing connection
 *                                   for as long as it lives); false asks for no context takeover both ways,
 *                                   and zlib state is then ended after each message. Default true.
 * @param subprotocols               the subprotocols this endpoint speaks, for the default selection:
 *                                   the first the client offers that is in this list. Default none.
 * @param maxControlFramesPerSecond  pings and pongs a client may send in each one-second window; one more
 *                                   closes the connection with 1008 ({@link ControlFrameRate}). 0 for no
 *                                   limit. Default 100.
 */
public record WebSocketConfig(
        int maxFrameSize,
        int maxMessageSize,
        Duration idleTimeout,
        Duration pingInterval,
        Duration hibernateAfter,
        Duration sendTimeout,
        Duration closeTimeout,
        boolean permessageDeflate,
        boolean compressionContextTakeover,
        List<String> subprotocols,
        int maxControlFramesPerSecond) {

    public static final WebSocketConfig DEFAULTS = new WebSocketConfig(65536, 65536, Duration.ofSeconds(30),
            Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5), true, true,
            List.of(), ControlFrameRate.DEFAULT_MAX_PER_SECOND);

    public WebSocketConfig {
        if (maxFrameSize < 125 || maxMessageSize < 0) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize + " (at least 125), maxMessageSize " + maxMessageSize);
        }
        requireNotNegative(idleTimeout, "idleTimeout");
        requireNotNegative(pingInterval, "pingInterval");
        requireNotNegative(hibernateAfter, "hibernateAfter");
        requireNotNegative(sendTimeout, "sendTimeout");
        requireNotNegative(closeTimeout, "closeTimeout");
        if (closeTimeout.isZero()) {
            throw new IllegalArgumentException("closeTimeout must be positive");
        }
        subprotocols = List.copyOf(subprotocols);
        if (maxControlFramesPerSecond < 0) {
            throw new IllegalArgumentException("maxControlFramesPerSecond is negative: " + maxControlFramesPerSecond);
        }
    }

    /** With the default control-frame rate ({@link ControlFrameRate#DEFAULT_MAX_PER_SECOND}). */
    public WebSocketConfig(int maxFrameSize, int maxMessageSize, Duration idleTimeout, Duration pingInterval,
                           Duration hibernateAfter, Duration sendTimeout, Duration closeTimeout,
                           boolean permessageDeflate, boolean compressionContextTakeover, List<String> subprotocols) {
        this(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter, sendTimeout, closeTimeout,
                permessageDeflate, compressionContextTakeover, subprotocols, ControlFrameRate.DEFAULT_MAX_PER_SECOND);
    }

    private static void requireNotNegative(Duration duration, String name) {
        if (Objects.requireNonNull(duration, name).isNegative()) {
            throw new IllegalArgumentException(name + " is negative: " + duration);
        }
    }

    public WebSocketConfig withMaxFrameSize(int value) {
        return new WebSocketConfig(value, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withMaxMessageSize(int value) {
        return new WebSocketConfig(maxFrameSize, value, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withIdleTimeout(Duration value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, value, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withPingInterval(Duration value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, value, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withHibernateAfter(Duration value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, value,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withSendTimeout(Duration value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                value, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withCloseTimeout(Duration value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, value, permessageDeflate, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withPermessageDeflate(boolean value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, value, compressionContextTakeover, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withCompressionContextTakeover(boolean value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, value, subprotocols, maxControlFramesPerSecond);
    }

    public WebSocketConfig withSubprotocols(List<String> value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, value, maxControlFramesPerSecond);
    }

    public WebSocketConfig withMaxControlFramesPerSecond(int value) {
        return new WebSocketConfig(maxFrameSize, maxMessageSize, idleTimeout, pingInterval, hibernateAfter,
                sendTimeout, closeTimeout, permessageDeflate, compressionContextTakeover, subprotocols, value);
    }
}
