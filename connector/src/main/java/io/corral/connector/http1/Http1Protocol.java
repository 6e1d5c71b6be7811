package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.listener.Admission;
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
 * Cowboy's {@code cowboy_http} as a {@link Protocol}: for every accepted connection, its virtual thread
 * reads, parses and dispatches each request to a new virtual thread running the {@link HttpHandler},
 * keeping responses whole and in order. Limits and timeouts come from {@link Http1Config}; I/O buffers
 * are borrowed from a pool shared by every connection of this protocol instance.
 */
public final class Http1Protocol implements Protocol {

    /** Input and output buffers: large enough for a typical head plus a small body in one syscall. */
    private static final int BUFFER_SIZE = 16 * 1024;
    /**
     * Buffers the pool keeps at most (8 MiB): enough for a few hundred connections busy at once to reuse them,
     * while a burst beyond it allocates and leaves the rest to the collector. Idle connections hibernate and
     * hold none, so a larger pool would only keep a flood's worth of buffers alive after it.
     */
    private static final int MAX_POOLED_BUFFERS = 512;

    /**
     * How long upgraded connections (WebSockets) carry on after a drain begins before they are told to go away
     * (1001): 1 s by default, long enough for a message in flight to arrive, short enough for a rolling restart.
     */
    public static final Duration DEFAULT_UPGRADED_DRAIN_GRACE = GoingAway.DEFAULT_GRACE;

    /** Replaced whole when a timeout changes live; connections read their timeouts from it at each wait. */
    private volatile Http1Config config;
    private final HttpHandler handler;
    private final ByteArrayPool pool = new ByteArrayPool(BUFFER_SIZE, MAX_POOLED_BUFFERS);
    private final AtomicLong connectionIds = new AtomicLong();
    private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
    private final BadRequestCounter badRequests = new BadRequestCounter();
    private volatile boolean draining;
    private final GoingAway goingAway = new GoingAway();
    private volatile Admission admission = Admission.ROOMY;

    public Http1Protocol(Http1Config config, HttpHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    /** Near its limit, a listener's bodies must keep up with {@link Http1Config#minRequestDataRateNearFull()}. */
    @Override
    public void watchAdmission(Admission admission) {
        this.admission = admission;
    }

    /** Whether the listener serving this protocol is near its connection limit. */
    Admission admission() {
        return admission;
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        return serve(connection, handler);
    }

    /**
     * Serves one connection with a handler of its own: lets an embedder keep per-connection state (the
     * Jetty adapter's {@code Connection}/{@code EndPoint}) in the handler it passes.
     */
    public Hibernation serve(TransportConnection connection, HttpHandler connectionHandler) throws Exception {
        return carryOn(connection, burst(open(connection, connectionHandler)));
    }

    private Http1Connection open(TransportConnection connection, HttpHandler connectionHandler) {
        Http1Connection http = new Http1Connection(this, connection, connectionHandler,
                connectionIds.incrementAndGet(), pool);
        connections.add(http);
        return http;
    }

    /** One burst of HTTP on the current thread; the connection stays listed (for a drain) while it hibernates. */
    private Http1Connection.Outcome burst(Http1Connection http) throws Exception {
        Http1Connection.Outcome outcome;
        try {
            outcome = http.run();
        } catch (Throwable failure) {
            connections.remove(http);
            throw failure;
        }
        if (!(outcome instanceof Http1Connection.Idle)) {
            connections.remove(http);
        }
        return outcome;
    }

    /**
     * After a burst: hibernate, end, or run the upgraded protocol. Runs once {@link #burst}'s frame is gone, so
     * nothing of HTTP (parser, writer, request, handler) stays reachable while the upgraded protocol runs,
     * which matters for an idle WebSocket's footprint.
     */
    private Hibernation carryOn(TransportConnection connection, Http1Connection.Outcome outcome) throws Exception {
        return switch (outcome) {
            case null -> null;
            case Http1Connection.Idle idle ->
                    new Hibernation(idle.wakeAtNanos(), () -> carryOn(connection, burst(idle.connection())));
            case Http1Connection.Takeover takeover -> takeover.upgrade().takeOver(connection, takeover.leftover());
        };
    }

    /**
     * Starts a graceful shutdown: connections waiting for their next request close now, and every
     * request in flight gets {@code Connection: close} on its response, so that the connection ends once
     * it is answered. New connections still served (the listener stops accepting) end the same way.
     */
    @Override
    public void drain() {
        boolean begins = !draining;
        draining = true;
        for (Http1Connection connection : connections) {
            connection.closeIfIdle();
        }
        // Once per drain: a listener that drains, then stops, must not put the WebSockets' grace off again.
        if (begins) {
            goingAway.tellAfterGrace();
        }
    }

    /**
     * Serves normally again after a {@link #drain()}: a restarted or resumed listener keeps connections alive, and
     * upgraded connections not yet told to go away carry on.
     */
    @Override
    public void start() {
        draining = false;
        goingAway.withdraw();
    }

    /**
     * Where connections that leave HTTP (WebSocket, through {@link HttpExchange#goingAway()}) hear that a drain
     * wants them gone, {@link #setUpgradedDrainGrace grace} after it began.
     */
    public GoingAway goingAway() {
        return goingAway;
    }

    /** How long upgraded connections carry on after a drain begins before they are told to go away. */
    public Duration upgradedDrainGrace() {
        return goingAway.grace();
    }

    /**
     * Changes how long upgraded connections (WebSockets) carry on after a drain begins before they are told to go
     * away (1001); default {@link #DEFAULT_UPGRADED_DRAIN_GRACE}. Live: the next drain uses it.
     */
    public void setUpgradedDrainGrace(Duration grace) {
        goingAway.setGrace(grace);
    }

    /**
     * Changes the idle timeout live: new connections take it, and live ones from their next wait for a request
     * (unless a handler set one of their own); a read already waiting, or a connection hibernating, keeps the
     * deadline it started with.
     */
    public synchronized void setIdleTimeout(Duration idleTimeout) {
        config = config.withIdleTimeout(idleTimeout);
    }

    /** Changes the header timeout live: every request head whose first byte arrives from now on gets it. */
    public synchronized void setHeaderTimeout(Duration headerTimeout) {
        config = config.withHeaderTimeout(headerTimeout);
    }

    public boolean isDraining() {
        return draining;
    }

    /** Connections that hold an input buffer now: zero when every one is idle and hibernating. */
    public int buffersInUse() {
        int holding = 0;
        for (Http1Connection connection : connections) {
            if (connection.holdsInputBuffer()) {
                holding++;
            }
        }
        return holding;
    }

    /** I/O buffers of this protocol's pool that connections have borrowed and not given back yet. */
    public int borrowedBuffers() {
        return pool.borrowedCount();
    }

    /** I/O buffers waiting in this protocol's pool (at most 512, fewer a minute after a spike). */
    public int pooledBuffers() {
        return pool.pooledCount();
    }

    /** Requests the engine refused itself (malformed, too large, too slow…), by status. */
    public BadRequestCounter badRequests() {
        return badRequests;
    }

    /** Connections this protocol serves now. */
    public int activeConnections() {
        return connections.size();
    }

    /** The configuration now: the one it was made with, with any timeout changed live since. */
    public Http1Config config() {
        return config;
    }
}
