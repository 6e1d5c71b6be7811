package io.corral.connector.http1;

import io.corral.connector.listener.Protocol;
import io.corral.connector.transport.TransportConnection;

/**
 * Cowboy's {@code cowboy_http} as a {@link Protocol}: the connection's virtual thread reads, parses and
 * dispatches each request to a new virtual thread running the {@link HttpHandler}, keeping responses
 * whole and in order. (Implementation in progress.)
 */
public final class Http1Protocol implements Protocol {

    private final Http1Config config;
    private final HttpHandler handler;

    public Http1Protocol(Http1Config config, HttpHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    @Override
    public void serve(TransportConnection connection) throws Exception {
        serve(connection, handler);
    }

    /**
     * Serves one connection with a handler of its own: lets an embedder keep per-connection state (the
     * Jetty adapter's {@code Connection}/{@code EndPoint}) in the handler it passes.
     */
    public void serve(TransportConnection connection, HttpHandler connectionHandler) throws Exception {
        throw new UnsupportedOperationException("not yet");
    }

    public Http1Config config() {
        return config;
    }
}
