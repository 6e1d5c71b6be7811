package io.corral.connector.http2;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.TransportConnection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/2 by prior knowledge (RFC 9113 §3.3, "h2c" on a plain port, or a TLS port whose clients all speak h2):
 * every connection starts with the client preface, and each request runs the native {@link HttpHandler} on a new
 * virtual thread, the same handler API as {@code Http1Protocol}'s. Beside HTTP/1.1 on one port it is chosen by
 * {@link AlpnProtocol} (TLS, {@code h2} by ALPN), {@link CleartextProtocol} (the preface sniffed) or
 * {@link H2cUpgrade} ({@code Upgrade: h2c}). A connection with nothing to do hibernates after
 * {@link Http2Config#hibernateAfter()}, without a thread or an input buffer. A graceful shutdown
 * ({@link #drain()}) sends each connection GOAWAY in two steps (RFC 9113 §6.8: first with the largest stream id and a
 * PING, then with the last stream it took), lets those streams finish, and closes the connection once they have.
 */
public final class Http2Protocol implements Protocol {

    /**
     * The name of the {@code host} field a request head gets from {@code :authority} when the client sent no
     * {@code host} (handlers always find one). Capitalised, which no HTTP/2 field name can be (RFC 9113 §8.2.1), so
     * that a consumer that must tell the two apart can: Jetty's servlets see no {@code Host} header on HTTP/2 unless
     * the client sent one.
     */
    public static final String HOST_FROM_AUTHORITY = "Host";

    private final Http2Config config;
    private final HttpHandler handler;
    private final AtomicLong connectionIds = new AtomicLong();
    private final Set<Http2Connection> connections = ConcurrentHashMap.newKeySet();
    private final ByteArrayPool inputBuffers;
    private volatile boolean draining;
    /** Streams turned tunnels (WebSocket over extended CONNECT) hear of a drain here, as HTTP/1.1's upgrades do. */
    private final GoingAway goingAway = new GoingAway();

    public Http2Protocol(Http2Config config, HttpHandler handler) {
        this.config = config;
        this.handler = handler;
        this.inputBuffers = inputBuffers(config);
    }

    /**
     * A pool of input buffers (one frame's worth) for one protocol's connections: borrowed for a burst, given back
     * when the connection hibernates; at most 512 kept, as HTTP/1.1's pool.
     */
    static ByteArrayPool inputBuffers(Http2Config config) {
        return new ByteArrayPool(Http2Frame.HEADER_LENGTH + config.maxFrameSize(), 512);
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        return serve(connection, handler);
    }

    /**
     * Serves one connection with a handler of its own, as {@code Http1Protocol.serve(connection, handler)} does:
     * lets an embedder keep per-connection state (the Jetty adapter's {@code Connection}/{@code EndPoint}) in the
     * handler it passes. Every stream of the connection runs that handler, each on its own virtual thread.
     */
    public Hibernation serve(TransportConnection connection, HttpHandler connectionHandler) throws Exception {
        Http2Connection http2 = new Http2Connection(connection, config, connectionHandler,
                connectionIds.incrementAndGet(), inputBuffers, goingAway);
        connections.add(http2);
        if (draining) {
            http2.drain(); // accepted just before the listener stopped accepting
        }
        // Listed while it hibernates too: a drain's GOAWAY reaches it there.
        return Hibernation.ensuring(http2::serve, () -> connections.remove(http2));
    }

    /** Input buffers connections have borrowed and not given back: zero when every connection hibernates. */
    public int borrowedBuffers() {
        return inputBuffers.borrowedCount();
    }

    /** Connections this protocol serves now, awake or hibernating. */
    public int activeConnections() {
        return connections.size();
    }

    /** How long tunnelled streams (WebSocket over extended CONNECT) carry on after a drain begins. */
    public Duration upgradedDrainGrace() {
        return goingAway.grace();
    }

    /**
     * Changes how long tunnelled streams (WebSocket over extended CONNECT, RFC 8441) carry on after a drain begins
     * before they are told to go away (1001), as {@code Http1Protocol.setUpgradedDrainGrace} does for upgraded
     * HTTP/1.1 connections; default {@link Http1Protocol#DEFAULT_UPGRADED_DRAIN_GRACE}. Live: the next drain uses it.
     * Beside HTTP/1.1 on one port ({@link CleartextProtocol}, {@link AlpnProtocol}) the HTTP/1.1 protocol's grace is
     * the port's, and a drain applies it here.
     */
    public void setUpgradedDrainGrace(Duration grace) {
        goingAway.setGrace(grace);
    }

    @Override
    public void drain() {
        boolean begins = !draining;
        draining = true;
        if (begins) {
            // GOAWAY lets streams in flight finish, and a WebSocket never does by itself: after the same grace as
            // HTTP/1.1's upgraded connections it is told to close (1001), which ends its stream.
            goingAway.tellAfterGrace();
        }
        for (Http2Connection connection : connections) {
            // GOAWAY waits for the connection's writer, which a client that does not read can hold: drain()
            // must not block.
            Thread.ofVirtual().start(connection::drain);
        }
    }

    @Override
    public void start() {
        draining = false;
        goingAway.withdraw();
    }
}
