package io.corral.connector.http1;

import java.time.Duration;

/**
 * Everything an operator can tune on the HTTP/1.1 engine, with defaults chosen to behave like Jetty's
 * {@code HttpConfiguration} + {@code ServerConnector} so that swapping connectors changes nothing for
 * well-behaved clients. Immutable; a listener takes a new one on restart.
 *
 * @param limits                 parser limits (target, header section, header count, body size)
 * @param headerTimeout          how long a request head may take from its first byte to its last; past it
 *                               the client gets 408 and the connection closes (slowloris). Default 30 s.
 * @param idleTimeout            how long a connection may wait for the first byte of its next request, or
 *                               for any byte while a body or response is in flight. Default 30 s (Jetty's).
 * @param persistentConnections  whether keep-alive is allowed at all. Default true.
 * @param maxRequestsPerConnection after this many requests the connection is closed (Connection: close on
 *                               the last response); 0 = unlimited. Default 0.
 * @param outputBufferSize       bytes a response buffers before it commits and streams (chunked when the
 *                               length is unknown). Default 32768 (Jetty's).
 * @param maxUnreadBodyToDiscard at the end of an exchange whose handler left request body unread, up to this
 *                               many bytes are read and dropped to keep the connection; more closes it.
 *                               Default 65536.
 * @param sendDateHeader         whether the engine adds {@code Date} itself (the Jetty adapter turns this off:
 *                               Jetty adds its own). Default true.
 * @param serverHeader           a {@code Server} header value the engine adds, or null for none. Default null.
 * @param hibernateAfter         how long a connection waits for its next request on its own thread before it
 *                               hibernates (gives the thread, the input buffer and the parser up, and waits on the
 *                               transport's {@code Hibernator} until bytes arrive); zero hibernates as soon as a read
 *                               would wait. Set it to the idle timeout or more to never hibernate. Default
 *                               1 s: a busy connection (its next request within a second) keeps its thread and
 *                               pays nothing for hibernation, as in {@code cowboy}'s and erlang_quic's
 *                               {@code hibernate_after}; one that is really idle gives everything back.
 * @param minRequestDataRate     bytes per second a request body must keep up with, from its first byte (Jetty's
 *                               {@code HttpConfiguration.minRequestDataRate}): a body that falls behind ends with
 *                               408, the handler's read fails, and the connection closes, so a client trickling
 *                               a body cannot hold its connection slot and thread for ever. 0 = no minimum
 *                               (only the idle timeout ends a body that stops). Default 0, as Jetty's.
 * @param minRequestDataRateNearFull the minimum body rate that applies instead, while {@code minRequestDataRate}
 *                               is 0, when the listener is near its connection limit (its high-water mark, 9/10 of
 *                               {@code maxConnections}): then a body trickled to hold a slot (10 B/s) ends with 408 at
 *                               its next byte, as bodies measured from their first byte, and its slot goes to a new
 *                               client, while a server with room to spare keeps Jetty's behaviour. 0 = never. Default
 *                               1024 B/s: far below any real upload, far above a trickle.
 */
public record Http1Config(
        Http1Limits limits,
        Duration headerTimeout,
        Duration idleTimeout,
        boolean persistentConnections,
        int maxRequestsPerConnection,
        int outputBufferSize,
        long maxUnreadBodyToDiscard,
        boolean sendDateHeader,
        String serverHeader,
        Duration hibernateAfter,
        long minRequestDataRate,
        long minRequestDataRateNearFull) {

    /** {@code minRequestDataRateNearFull} by default: 1 KiB a second. */
    public static final long DEFAULT_MIN_REQUEST_DATA_RATE_NEAR_FULL = 1024;

    public static final Http1Config DEFAULTS = new Http1Config(
            Http1Limits.DEFAULTS, Duration.ofSeconds(30), Duration.ofSeconds(30), true, 0, 32768, 65536, true, null,
            Duration.ofSeconds(1), 0, DEFAULT_MIN_REQUEST_DATA_RATE_NEAR_FULL);

    public Http1Config {
        if (limits == null || headerTimeout == null || idleTimeout == null || hibernateAfter == null) {
            throw new IllegalArgumentException("limits and timeouts are required");
        }
        if (headerTimeout.isNegative() || idleTimeout.isNegative() || hibernateAfter.isNegative() || maxRequestsPerConnection < 0
                || outputBufferSize < 1 || maxUnreadBodyToDiscard < 0 || minRequestDataRate < 0
                || minRequestDataRateNearFull < 0) {
            throw new IllegalArgumentException("negative setting in " + this);
        }
    }

    public Http1Config withLimits(Http1Limits value) {
        return new Http1Config(value, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withHeaderTimeout(Duration value) {
        return new Http1Config(limits, value, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withIdleTimeout(Duration value) {
        return new Http1Config(limits, headerTimeout, value, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withPersistentConnections(boolean value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, value, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withMaxRequestsPerConnection(int value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, value,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withOutputBufferSize(int value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                value, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withMaxUnreadBodyToDiscard(long value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, value, sendDateHeader, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withSendDateHeader(boolean value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, value, serverHeader, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withServerHeader(String value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, value, hibernateAfter, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withHibernateAfter(Duration value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, value, minRequestDataRate,
                minRequestDataRateNearFull);
    }

    public Http1Config withMinRequestDataRate(long value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter, value,
                minRequestDataRateNearFull);
    }

    public Http1Config withMinRequestDataRateNearFull(long value) {
        return new Http1Config(limits, headerTimeout, idleTimeout, persistentConnections, maxRequestsPerConnection,
                outputBufferSize, maxUnreadBodyToDiscard, sendDateHeader, serverHeader, hibernateAfter,
                minRequestDataRate, value);
    }
}
