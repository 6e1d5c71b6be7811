package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;

/**
 * What runs on an accepted connection: Ranch's {@code ranch_protocol}. The listener starts
 * {@link #serve} once per connection, on that connection's own virtual thread, and closes the
 * connection when it returns or throws. An exception ends that connection only.
 */
@FunctionalInterface
public interface Protocol {

    /** Serves one connection until it is done; blocking calls are expected and cheap here. */
    void serve(TransportConnection connection) throws Exception;
}
