package io.corral.connector.stream;

import io.corral.connector.transport.TransportConnection;
import java.net.SocketAddress;
import java.time.Duration;

/**
 * One request and its response on a connection. Owned by the request's virtual thread; the body and
 * response calls block that thread only.
 */
public interface HttpExchange {

    RequestHead request();

    RequestBody body();

    HttpResponse response();

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    boolean isSecure();

    /** A number unique to the connection within its listener, for logs. */
    long connectionId();

    /** 1 for the first request on a connection, then 2, 3… */
    int requestNumber();

    /**
     * Takes the connection over once this exchange ends (after a 101 response): the connection's
     * thread then calls {@link ConnectionUpgrade#takeOver} instead of parsing another request.
     */
    void upgrade(ConnectionUpgrade upgrade);

    /**
     * For an extended CONNECT (RFC 8441, {@link RequestHead#isExtendedConnect()}): the stream as a byte connection,
     * the very one {@link ConnectionUpgrade#takeOver} will be given once a 2xx answer went out, for a caller that must
     * hold it before (Jetty's handshaker builds its endpoint during the request). Bytes may be written to it only
     * after the answer's head. Null on any other exchange.
     */
    default TransportConnection tunnel() {
        return null;
    }

    /**
     * Where a connection upgraded from this exchange registers to hear that a drain wants it gone (a WebSocket
     * then closes with 1001): the protocol's ({@code Http1Protocol.goingAway()}, {@code Http2Protocol}'s). {@link GoingAway#NEVER} for an
     * exchange outside an engine that drains.
     */
    default GoingAway goingAway() {
        return GoingAway.NEVER;
    }

    /**
     * Changes how long this connection's reads and writes may make no progress before it is closed (a
     * write counts as progress as long as the client keeps taking bytes), for this exchange and the rest
     * of the connection: the engine's equivalent of setting a Jetty endpoint's idle timeout. Zero waits
     * forever.
     */
    void setIdleTimeout(Duration timeout);

    /** Ends the exchange abruptly: the connection is closed without finishing the response. */
    void abort(Throwable cause);
}
