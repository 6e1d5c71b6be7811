package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.listener.Protocol;
import io.corral.connector.transport.TransportConnection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cowboy's {@code cowboy_http} as a {@link Protocol}: for every accepted connection, its virtual thread
 * reads, parses and dispatches each request to a new virtual thread running the {@link HttpHandler},
 * keeping responses whole and in order. Limits and timeouts come from {@link Http1Config}; I/O buffers
 * are borrowed from a pool shared by every connection of this protocol instance.
 */
public final class Http1Protocol implements Protocol {

    /** Input and output buffers: large enough for a typical head plus a small body in one syscall. */
    private static final int BUFFER_SIZE = 16 * 1024;
    private static final int MAX_POOLED_BUFFERS = 4096;

    private final Http1Config config;
    private final HttpHandler handler;
    private final ByteArrayPool pool = new ByteArrayPool(BUFFER_SIZE, MAX_POOLED_BUFFERS);
    private final AtomicLong connectionIds = new AtomicLong();
    private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
    private final BadRequestCounter badRequests = new BadRequestCounter();
    private volatile boolean draining;

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
        Http1Connection.Takeover takeover = serveHttp(connection, connectionHandler);
        // Run after serveHttp's frame is gone: nothing of HTTP (parser, writer, request, handler) stays
        // reachable while the upgraded protocol runs, which matters for an idle WebSocket's footprint.
        if (takeover != null) {
            takeover.upgrade().takeOver(connection, takeover.leftover());
        }
    }

    private Http1Connection.Takeover serveHttp(TransportConnection connection, HttpHandler connectionHandler)
            throws Exception {
        Http1Connection http = new Http1Connection(this, connection, connectionHandler,
                connectionIds.incrementAndGet(), pool);
        connections.add(http);
        try {
            return http.run();
        } finally {
            connections.remove(http);
        }
    }

    /**
     * Starts a graceful shutdown: connections waiting for their next request close now, and every
     * request in flight gets {@code Connection: close} on its response, so that the connection ends once
     * it is answered. New connections still served (the listener stops accepting) end the same way.
     */
    @Override
    public void drain() {
        draining = true;
        for (Http1Connection connection : connections) {
            connection.closeIfIdle();
        }
    }

    /** Serves normally again after a {@link #drain()}: a restarted listener keeps connections alive. */
    @Override
    public void start() {
        draining = false;
    }

    public boolean isDraining() {
        return draining;
    }

    /** Requests the engine refused itself (malformed, too large, too slow…), by status. */
    public BadRequestCounter badRequests() {
        return badRequests;
    }

    /** Connections this protocol serves now. */
    public int activeConnections() {
        return connections.size();
    }

    public Http1Config config() {
        return config;
    }
}
