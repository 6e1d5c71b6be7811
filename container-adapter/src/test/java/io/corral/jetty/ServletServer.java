package io.corral.jetty;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An embedded Jetty server with one ee10 servlet context, on either connector, bound to 127.0.0.1 on an
 * ephemeral port: what every differential test starts, the same way for both connectors.
 */
public final class ServletServer implements AutoCloseable {

    private final ConnectorKind kind;
    private final Server server;
    private final AbstractNetworkConnector connector;
    private final ServletContextHandler context;

    private ServletServer(ConnectorKind kind, Server server, AbstractNetworkConnector connector,
            ServletContextHandler context) {
        this.kind = kind;
        this.server = server;
        this.connector = connector;
        this.context = context;
    }

    public static Builder on(ConnectorKind kind) {
        return new Builder(kind);
    }

    public ConnectorKind kind() {
        return kind;
    }

    public Server server() {
        return server;
    }

    public AbstractNetworkConnector connector() {
        return connector;
    }

    public ServletContextHandler context() {
        return context;
    }

    public int port() {
        return connector.getLocalPort();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    RawConnection connect() throws Exception {
        return new RawConnection(port());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the test server failed", e);
        }
    }

    /** What a test wants on its server before it starts. */
    public static final class Builder {
        private final ConnectorKind kind;
        private final HttpConfiguration configuration = new HttpConfiguration();
        private final List<Consumer<ServletContextHandler>> contextSetup = new ArrayList<>();
        private final List<Consumer<AbstractNetworkConnector>> connectorSetup = new ArrayList<>();
        private final List<Consumer<Server>> serverSetup = new ArrayList<>();
        private UnaryOperator<Handler> around = UnaryOperator.identity();
        private SslContextFactory.Server tls;
        private boolean tlsH2;

        private Builder(ConnectorKind kind) {
            this.kind = kind;
        }

        public Builder servlet(String pathSpec, Servlet servlet) {
            contextSetup.add(context -> context.addServlet(new ServletHolder(servlet), pathSpec));
            return this;
        }

        public Builder servlet(String pathSpec, ServletHolder holder) {
            contextSetup.add(context -> context.addServlet(holder, pathSpec));
            return this;
        }

        public Builder context(Consumer<ServletContextHandler> setup) {
            contextSetup.add(setup);
            return this;
        }

        public Builder http(Consumer<HttpConfiguration> setup) {
            setup.accept(configuration);
            return this;
        }

        /**
         * Serves h2c beside HTTP/1.1 as Jetty's documentation configures it on either connector: an
         * {@link HTTP2CServerConnectionFactory} with the same {@link HttpConfiguration}, added to the connector.
         */
        public Builder h2c() {
            return h2c(factory -> { });
        }

        /** As {@link #h2c()}, with the factory's HTTP/2 settings changed first. */
        public Builder h2c(Consumer<HTTP2CServerConnectionFactory> setup) {
            connectorSetup.add(connector -> {
                HTTP2CServerConnectionFactory factory = new HTTP2CServerConnectionFactory(configuration);
                setup.accept(factory);
                connector.addConnectionFactory(factory);
            });
            return this;
        }

        public Builder connector(Consumer<AbstractNetworkConnector> setup) {
            connectorSetup.add(setup);
            return this;
        }

        /** Puts handlers of the test's own in front of the servlet context (the server's handler tree). */
        public Builder around(UnaryOperator<Handler> wrapping) {
            around = wrapping;
            return this;
        }

        /** Serves HTTPS with this factory (see {@link ConnectorKind#createTls}). */
        public Builder tls(SslContextFactory.Server factory) {
            tls = factory;
            return this;
        }

        /** Serves HTTPS with this factory, h2 and HTTP/1.1 chosen by ALPN (see {@link ConnectorKind#createTlsH2}). */
        public Builder tlsWithH2(SslContextFactory.Server factory) {
            tls = factory;
            tlsH2 = true;
            return this;
        }

        public Builder server(Consumer<Server> setup) {
            serverSetup.add(setup);
            return this;
        }

        public ServletServer start() throws Exception {
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("test-" + kind.name().toLowerCase());
            Server server = new Server(threads);
            AbstractNetworkConnector connector = tls == null ? kind.create(server, configuration)
                    : tlsH2 ? kind.createTlsH2(server, configuration, tls) : kind.createTls(server, configuration, tls);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            connectorSetup.forEach(setup -> setup.accept(connector));
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
            context.setContextPath("/");
            contextSetup.forEach(setup -> setup.accept(context));
            server.setHandler(around.apply(context));
            serverSetup.forEach(setup -> setup.accept(server));
            server.start();
            return new ServletServer(kind, server, connector, context);
        }
    }
}
