package io.corral.connector.http2.wire;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.AlpnProtocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.HibernatingConnections;
import io.corral.connector.transport.TestCertificate;
import io.corral.connector.transport.TlsTransport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;

/**
 * A listener on 127.0.0.1, ephemeral port, serving HTTP/2 by prior knowledge with one native handler; or, made by
 * {@link #overTls}, HTTP/2 and HTTP/1.1 on a TLS port, chosen by ALPN.
 */
final class H2TestServer implements AutoCloseable {

    private final Listener listener;
    private final Http2Protocol protocol;

    private H2TestServer(Listener listener, Http2Protocol protocol) throws IOException {
        this.listener = listener;
        this.protocol = protocol;
        listener.start();
    }

    /**
     * {@code h2} and {@code http/1.1} by ALPN on a TLS port ({@link AlpnProtocol} over {@link TlsTransport} with
     * {@link TlsTransport#HTTP2_AND_HTTP11}), the test's self-signed certificate presenting, one handler for both.
     */
    static H2TestServer overTls(Http2Config config, Http1Config http1, HttpHandler handler) throws IOException {
        SSLContext context = TestCertificate.context();
        TlsTransport tls = new TlsTransport(peer -> context.createSSLEngine(),
                TlsTransport.DEFAULT_HANDSHAKE_TIMEOUT, TlsTransport.HTTP2_AND_HTTP11);
        return new H2TestServer(new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withTransport(tls), new AlpnProtocol(new Http1Protocol(http1, handler), config, handler)), null);
    }

    H2TestServer(Http2Config config, HttpHandler handler) throws IOException {
        this(config, handler, UnaryOperator.identity());
    }

    /** Serves each connection through {@code wrap}'s connection, e.g. one that stops a thread at a chosen point. */
    H2TestServer(Http2Config config, HttpHandler handler, UnaryOperator<TransportConnection> wrap) throws IOException {
        protocol = new Http2Protocol(config, handler);
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), new Protocol() {
            @Override
            public Hibernation serve(TransportConnection connection) throws Exception {
                return protocol.serve(wrap.apply(connection));
            }

            @Override
            public void drain() {
                protocol.drain();
            }

            @Override
            public void start() {
                protocol.start();
            }
        });
        listener.start();
    }

    Listener listener() {
        return listener;
    }

    /** The HTTP/2 protocol served by prior knowledge; null for a server made by {@link #overTls}. */
    Http2Protocol protocol() {
        return protocol;
    }

    /** Connections parked on the hibernator now: no thread of their own. */
    int hibernating() {
        return HibernatingConnections.count(listener);
    }

    int port() {
        return listener.localPort();
    }

    H2Client connect() throws IOException {
        return new H2Client(listener.localPort());
    }

    @Override
    public void close() {
        listener.stop();
    }
}
