package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;

/**
 * What runs on an accepted connection: Ranch's {@code ranch_protocol}. The listener starts
 * {@link #serve} once per connection, on that connection's own virtual thread, and closes the
 * connection when it is done or throws. An exception ends that connection only.
 */
@FunctionalInterface
public interface Protocol {

    /**
     * Serves one connection until it is done, or until it has nothing to read and hibernates; blocking calls
     * are expected and cheap here.
     *
     * @return null when the connection is done; otherwise where it carries on after hibernating (see
     *         {@link Hibernation}), which the listener hands to the transport
     */
    Hibernation serve(TransportConnection connection) throws Exception;

    /**
     * A graceful shutdown begins ({@link Listener#drain()}, {@link Listener#stop(java.time.Duration)}, and so
     * Jetty's graceful shutdown of the connector): finish the work in flight, close connections that are
     * idle, and end the others once their work is done. Must not block. Nothing to do by default.
     */
    default void drain() {
    }

    /**
     * The listener starts, the first time or again after a stop: serve normally, forgetting an earlier
     * {@link #drain()}. Nothing to do by default.
     */
    default void start() {
    }

    /**
     * Tells the protocol how to ask whether its listener is near its connection limit (the high-water mark, 9/10 of
     * {@code maxConnections}), so that it can be stricter with connections that hold slots doing little (see
     * {@code Http1Config.minRequestDataRateNearFull}). Called once, when the listener is created. Ignored by
     * default.
     */
    default void watchAdmission(Admission admission) {
    }
}
