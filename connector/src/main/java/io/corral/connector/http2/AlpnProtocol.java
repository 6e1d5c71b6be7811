package io.corral.connector.http2;

import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.TlsTransport;
import io.corral.connector.transport.TransportConnection;

/**
 * HTTP/2 and HTTP/1.1 on one TLS port, chosen by ALPN (RFC 9113 §3.2, RFC 7301), with one handler: a connection whose
 * handshake agreed on {@code h2} is served by {@link Http2Protocol} and must open with the client preface (anything
 * else is a PROTOCOL_ERROR, §3.4); every other one — {@code http/1.1} agreed, or no ALPN at all — by the HTTP/1.1
 * protocol given, so HTTP/1.1 stays what a client gets when it asks for nothing. The choice was made during the
 * handshake, by the transport's selector ({@link TlsTransport#HTTP2_AND_HTTP11}), which also keeps {@code h2} from
 * sessions RFC 9113 §9.2 finds inadequate; nothing is read here before the protocol starts, so an HTTP/1.1 connection
 * hibernates exactly as it does without this dispatcher.
 */
public final class AlpnProtocol extends Http1AndHttp2 {


    /**
     * @param http1   the HTTP/1.1 protocol, e.g. {@code new Http1Protocol(Http1Config.DEFAULTS, handler)}
     * @param config  HTTP/2's limits
     * @param handler the handler for HTTP/2 streams, normally the HTTP/1.1 protocol's own
     */
    public AlpnProtocol(Protocol http1, Http2Config config, HttpHandler handler) {
        super(http1, config, handler);
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        if (isHttp2(connection)) {
            return http2.serve(connection);
        }
        return http1.serve(connection);
    }

    /**
     * Serves one connection with handlers of its own (an embedder's per-connection state, as
     * {@code Http1Protocol.serve(connection, handler)} takes): {@code http1Handler} when HTTP/1.1 was agreed or
     * nothing was, {@code http2Handler} for every stream when {@code h2} was. Needs the HTTP/1.1 protocol to be an
     * {@code Http1Protocol}.
     */
    public Hibernation serve(TransportConnection connection, HttpHandler http1Handler, HttpHandler http2Handler)
            throws Exception {
        Http1Protocol http1Protocol = http1Protocol();
        if (isHttp2(connection)) {
            return http2.serve(connection, http2Handler);
        }
        return http1Protocol.serve(connection, http1Handler);
    }

    /** Whether the handshake agreed on {@code h2}; then the connection is no longer offered for eviction. */
    private static boolean isHttp2(TransportConnection connection) {
        if (!TlsTransport.HTTP2.equals(connection.applicationProtocol())) {
            return false;
        }
        // As after h2c's preface: a connection carrying streams is never closed to admit another.
        connection.evictableSince(TransportConnection.NOT_EVICTABLE);
        return true;
    }
}
