package io.corral.connector.http1;

import java.net.InetSocketAddress;

/**
 * One request and its response on a connection. Owned by the request's virtual thread; the body and
 * response calls block that thread only.
 */
public interface HttpExchange {

    RequestHead request();

    RequestBody body();

    HttpResponse response();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

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

    /** Ends the exchange abruptly: the connection is closed without finishing the response. */
    void abort(Throwable cause);
}
