package io.corral.connector.http2;

import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.ReadAheadConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * HTTP/1.1 and h2c by prior knowledge on one plain port, with one handler: a connection that opens with HTTP/2's
 * preface (RFC 9113 §3.3) is served by {@link Http2Protocol}, any other by the HTTP/1.1 protocol given, so HTTP/1.1
 * stays what a client gets when it asks for nothing. No HTTP/1.1 request can be mistaken for the preface: its
 * request line, {@code PRI * HTTP/2.0}, names a version HTTP/1.1 refuses. The first octets are read until they
 * differ from the preface (for HTTP/1.1 that is the first one or two) or make all of it, then handed over. A
 * connection that has sent nothing yet hibernates after {@link Http2Config#hibernateAfter()}, as either protocol's
 * idle connections do.
 */
public final class CleartextProtocol extends Http1AndHttp2 {

    private final Http2Config config;

    /**
     * @param http1   the HTTP/1.1 protocol, e.g. {@code new Http1Protocol(Http1Config.DEFAULTS, handler)}
     * @param config  HTTP/2's limits
     * @param handler the handler for HTTP/2 streams, normally the HTTP/1.1 protocol's own
     */
    public CleartextProtocol(Protocol http1, Http2Config config, HttpHandler handler) {
        super(http1, config, handler);
        this.config = config;
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        return sniffAndServe(connection, http1::serve, sniffed -> http2.serve(sniffed));
    }

    /**
     * Serves one connection with handlers of its own (an embedder's per-connection state, as
     * {@code Http1Protocol.serve(connection, handler)} takes): {@code http1Handler} when the client speaks HTTP/1.1
     * (wrap it in {@link H2cUpgrade} to honour {@code Upgrade: h2c}), {@code http2Handler} for every stream when it
     * opens with the preface. Needs the HTTP/1.1 protocol to be an {@code Http1Protocol}.
     */
    public Hibernation serve(TransportConnection connection, HttpHandler http1Handler, HttpHandler http2Handler)
            throws Exception {
        Http1Protocol http1Protocol = http1Protocol();
        return sniffAndServe(connection, sniffed -> http1Protocol.serve(sniffed, http1Handler),
                sniffed -> http2.serve(sniffed, http2Handler));
    }

    /** What serves the connection once the first octets said which protocol it speaks. */
    @FunctionalInterface
    private interface Continuation {
        Hibernation serve(TransportConnection sniffed) throws Exception;
    }

    private Hibernation sniffAndServe(TransportConnection connection, Continuation asHttp1, Continuation asHttp2)
            throws Exception {
        long now = System.nanoTime();
        connection.evictableSince(TransportConnection.evictableMark(now));
        Duration idleTimeout = config.idleTimeout();
        return sniff(connection, idleTimeout.isZero() ? Hibernation.NEVER : now + idleTimeout.toNanos(), false,
                asHttp1, asHttp2);
    }

    /**
     * Reads the first octets and hands the connection over. A client that has sent nothing yet waits without a
     * thread once {@link Http2Config#hibernateAfter()} has passed (at once for 0): the connection hibernates here,
     * with nothing read, and sniffs again when its first bytes arrive. Nothing came by the idle deadline: closed.
     *
     * @param woken whether this runs after a hibernation: it reads before it may hibernate again, since the end of
     *              stream that may have woken it looks like "nothing to read" until a read meets it
     */
    private Hibernation sniff(TransportConnection connection, long idleDeadline, boolean woken, Continuation asHttp1,
            Continuation asHttp2) throws Exception {
        byte[] first = new byte[Http2Connection.PREFACE.length];
        int n = 0;
        boolean mayHibernate = !woken;
        boolean timedOut = false;
        long after = config.hibernateAfter().toNanos();
        boolean hibernates = connection.canHibernate() && config.hibernatesBeforeIdleTimeout();
        while (n < first.length) {
            long left = idleDeadline == Hibernation.NEVER ? Long.MAX_VALUE : idleDeadline - System.nanoTime();
            if (left <= 0 && connection.available() == 0) {
                return null; // nothing came in time: nothing to answer
            }
            if (n == 0 && hibernates && mayHibernate && (after == 0 ? connection.available() == 0 : timedOut)) {
                return new Hibernation(idleDeadline, () -> sniff(connection, idleDeadline, true, asHttp1, asHttp2));
            }
            long wait = n == 0 && hibernates && after > 0 ? Math.min(left, after) : left;
            connection.setReadTimeout(wait == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(wait, 1_000_000)));
            int read;
            try {
                read = connection.read(first, n, first.length - n);
            } catch (SocketTimeoutException e) {
                mayHibernate = true;
                timedOut = true;
                continue;
            } catch (IOException e) {
                return null; // the client went: nothing to answer
            }
            if (read < 0) {
                return null;
            }
            mayHibernate = true;
            n += read;
            if (!Arrays.equals(first, 0, n, Http2Connection.PREFACE, 0, n)) {
                connection.setReadTimeout(config.idleTimeout());
                return asHttp1.serve(new ReadAheadConnection(connection, ByteBuffer.wrap(first, 0, n)));
            }
        }
        connection.evictableSince(TransportConnection.NOT_EVICTABLE);
        connection.setReadTimeout(config.idleTimeout());
        return asHttp2.serve(new ReadAheadConnection(connection, ByteBuffer.wrap(first, 0, n)));
    }
}
