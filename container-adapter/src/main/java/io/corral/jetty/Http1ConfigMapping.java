package io.corral.jetty;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Limits;
import java.time.Duration;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * Turns the {@link HttpConfiguration} a Jetty user configured, plus the connector's idle timeout, into the
 * {@link Http1Config} Corral's engine runs with, so that swapping {@code ServerConnector} for
 * {@code CorralConnector} keeps the limits and timeouts the user chose; the connector's own engine
 * settings (header timeout, header count, body size…) come on top. Date and Server headers stay
 * Jetty's to add (from the same {@code HttpConfiguration}), so the engine adds neither.
 */
final class Http1ConfigMapping {

    private Http1ConfigMapping() {
    }

    /**
     * The engine configuration for {@code connector}: its idle timeout (zero or less waits forever, as on
     * Jetty) and engine settings, over the {@link HttpConfiguration} it carries.
     */
    static Http1Config from(HttpConfiguration configuration, CorralConnector connector) {
        // Jetty's requestHeaderSize bounds the request line and the header section together; a request
        // line over it is answered 414, the rest 431 — the same split Corral's two limits make.
        int headerSize = Math.max(16, configuration.getRequestHeaderSize());
        int targetLength = connector.getMaxRequestTargetLength();
        Http1Limits limits = Http1Limits.DEFAULTS
                .withMaxHeaderSectionSize(headerSize)
                .withMaxRequestTargetLength(targetLength > 0 ? targetLength : headerSize)
                .withMaxHeaderCount(connector.getMaxHeaderCount())
                .withMaxBodySize(connector.getMaxBodySize());
        long idleTimeoutMs = connector.getIdleTimeout();
        Duration idle = idleTimeoutMs > 0 ? Duration.ofMillis(idleTimeoutMs) : Duration.ZERO;
        // Jetty has no separate header timeout: unless one is set, a head is bounded by the idle timeout.
        long headerTimeoutMs = connector.getHeaderTimeout();
        Duration header = headerTimeoutMs > 0 ? Duration.ofMillis(headerTimeoutMs)
                : idleTimeoutMs > 0 ? idle : Http1Config.DEFAULTS.headerTimeout();
        return Http1Config.DEFAULTS
                .withLimits(limits)
                .withIdleTimeout(idle)
                .withHeaderTimeout(header)
                .withPersistentConnections(configuration.isPersistentConnectionsEnabled())
                .withMaxRequestsPerConnection(connector.getMaxRequestsPerConnection())
                .withMaxUnreadBodyToDiscard(connector.getMaxUnreadBodyToDiscard())
                .withOutputBufferSize(Math.max(1, configuration.getOutputBufferSize()))
                .withMinRequestDataRate(Math.max(0, configuration.getMinRequestDataRate()))
                .withMinRequestDataRateNearFull(connector.getMinRequestDataRateNearFull())
                .withSendDateHeader(false)
                .withServerHeader(null);
    }
}
