package io.corral.connector.http2;

import io.corral.connector.http1.HttpHandler;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Protocol;
import io.corral.connector.transport.TransportConnection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HTTP/2 by prior knowledge (RFC 9113 §3.3, "h2c" on a plain port, or a TLS port whose clients all speak h2):
 * every connection starts with the client preface, and each request runs the native {@link HttpHandler} on a new
 * virtual thread, the same handler API as {@code Http1Protocol}'s. Negotiating HTTP/2 beside HTTP/1.1 on one port
 * (ALPN, the preface sniffed, {@code Upgrade: h2c}) is the next step, as are hibernation and graceful drain.
 */
public final class Http2Protocol implements Protocol {

    private final Http2Config config;
    private final HttpHandler handler;
    private final AtomicLong connectionIds = new AtomicLong();

    public Http2Protocol(Http2Config config, HttpHandler handler) {
        this.config = config;
        this.handler = handler;
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        new Http2Connection(connection, config, handler, connectionIds.incrementAndGet()).serve();
        return null;
    }
}
