package io.corral.jetty;

import io.corral.connector.http2.Http2Config;
import java.time.Duration;
import org.eclipse.jetty.http2.RateControl;
import org.eclipse.jetty.http2.WindowRateControl;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code HTTP2CServerConnectionFactory} a Jetty user put on the connector (as on ServerConnector, or
 * through jetty-home's {@code http2c} module) into the {@link Http2Config} Corral's own HTTP/2 runs with: every
 * setting that has a counterpart keeps the value the user chose (the README's "Migrate from ServerConnector" table
 * lists each). The only class that links against Jetty's HTTP/2 jars, which are optional: the connector loads it
 * only when such a factory is there.
 */
final class Http2ConfigMapping {

    private static final Logger LOG = LoggerFactory.getLogger(Http2ConfigMapping.class);
    /** {@code AbstractHTTP2ServerConnectionFactory}'s own default: 128 "bad" events per second. */
    static final int JETTY_DEFAULT_EVENTS_PER_SECOND = 128;

    private Http2ConfigMapping() {
    }

    /** What the connector needs of the factory: the engine's configuration and the streams' idle timeout. */
    record Mapped(Http2Config config, long streamIdleTimeoutMs) {
    }

    /**
     * How long a drained HTTP/2 connection with no stream left waits for its client to close it: as long as Jetty's
     * graceful shutdown lets an idle connection live ({@code AbstractConnector.setShutdownIdleTimeout}, 1 s by
     * default), read when the connector starts. Turned off (negative), Corral keeps its 1 s where ServerConnector
     * waits for the client: a client that keeps a drained connection open must not hold a stop for its whole timeout.
     */
    static Duration drainedLinger(CorralConnector connector) {
        long shutdownIdleMs = connector.getShutdownIdleTimeout();
        return shutdownIdleMs >= 0 ? Duration.ofMillis(shutdownIdleMs) : Http2Config.DEFAULT_DRAINED_LINGER;
    }

    /**
     * @param factory   the connector's {@code h2c} factory
     * @param connector whose idle timeout bounds an idle HTTP/2 connection, as it bounds Jetty's
     * @throws IllegalStateException when the factory is not Jetty's HTTP/2 server factory
     */
    static Mapped from(ConnectionFactory factory, CorralConnector connector) {
        if (!(factory instanceof AbstractHTTP2ServerConnectionFactory h2)) {
            throw new IllegalStateException("CorralConnector serves h2c with Jetty's HTTP2CServerConnectionFactory "
                    + "settings, not " + factory + ": " + connector);
        }
        HttpConfiguration configuration = h2.getHttpConfiguration();
        Http2Config defaults = Http2Config.DEFAULTS;
        long idleMs = connector.getIdleTimeout();
        Duration idle = idleMs > 0 ? Duration.ofMillis(idleMs) : Duration.ZERO;
        long streamIdleMs = h2.getStreamIdleTimeout();
        // Jetty times out a stream that cannot write (no window) at its stream idle timeout, the connection's
        // by default; Corral's stall timeout is the same deadline. It stays finite even when Jetty's is off.
        Duration stall = streamIdleMs > 0 ? Duration.ofMillis(streamIdleMs)
                : idleMs > 0 ? idle : defaults.streamStallTimeout();
        // Jetty's frame size is what it accepts; RFC 9113 §4.2 bounds what may be advertised.
        int maxFrameSize = Math.clamp(h2.getMaxFrameSize(), 16_384, 16_777_215);
        Http2Config config = new Http2Config(
                Math.max(1, h2.getMaxConcurrentStreams()),
                Math.max(0, h2.getInitialStreamRecvWindow()),
                maxFrameSize,
                // Jetty bounds a decoded HTTP/2 request head by the same request header size as an HTTP/1.1 one.
                Math.max(1, configuration.getRequestHeaderSize()),
                Math.max(0, h2.getMaxDecoderTableCapacity()),
                defaults.maxContinuations(),
                idle,
                defaults.settingsTimeout(),
                stall,
                defaults.maxResetsPerWindow(),
                defaults.maxControlFramesPerWindow(),
                defaults.floodWindow())
                // An idle h2c connection hibernates after the same delay as an HTTP/1.1 one or a WebSocket.
                .withHibernateAfter(connector.hibernateAfterDuration())
                // RFC 8441: WebSocket over HTTP/2 offered as the user chose on Jetty's factory (on by default there).
                .withConnectProtocol(h2.isConnectProtocolEnabled())
                .withDrainedLinger(drainedLinger(connector));
        int eventsPerSecond = eventsPerSecond(h2.getRateControlFactory());
        if (eventsPerSecond > 0 && eventsPerSecond != JETTY_DEFAULT_EVENTS_PER_SECOND) {
            // A rate the user chose: Jetty counts resets, PINGs, SETTINGS and other costly frames as one kind of
            // event per second; Corral counts resets and control frames apart, each at that rate. Left at Jetty's
            // default (128/s), Corral keeps its own, stricter limits.
            config = config.withFloodLimits(eventsPerSecond, eventsPerSecond, Duration.ofSeconds(1));
        }
        return new Mapped(config, streamIdleMs);
    }

    /** The events per second of a {@link WindowRateControl}, else 0 (no limit, or a control of the user's own). */
    private static int eventsPerSecond(RateControl.Factory factory) {
        try {
            if (factory.newRateControl(null) instanceof WindowRateControl window) {
                return window.getEventsPerSecond();
            }
        } catch (RuntimeException needsAnEndPoint) {
            LOG.debug("cannot read the rate of {}: {}", factory, needsAnEndPoint.toString());
        }
        LOG.info("HTTP/2 rate control {} has no counterpart on Corral: its own flood limits apply", factory);
        return 0;
    }
}
