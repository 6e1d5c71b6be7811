package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.ServletServer;
import jakarta.servlet.Servlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The differential tests' {@link ServletServer} with WebSocket on its context: Jakarta endpoints (and, when
 * asked, Jetty's own WebSocket API), on either connector, bound to 127.0.0.1 on an ephemeral port.
 */
final class BridgeServer implements AutoCloseable {

    /** Registers Jakarta endpoints on the context's container. */
    @FunctionalInterface
    interface JakartaSetup {
        void deploy(ServerContainer container) throws DeploymentException;
    }

    private final ServletServer server;

    private BridgeServer(ServletServer server) {
        this.server = server;
    }

    static Builder on(ConnectorKind kind) {
        return new Builder(kind);
    }

    ConnectorKind kind() {
        return server.kind();
    }

    AbstractNetworkConnector connector() {
        return server.connector();
    }

    int port() {
        return server.port();
    }

    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** The {@code wss} address of a path, for a server made with {@link Builder#tlsWithH2}. */
    URI wss(String path) {
        return URI.create("wss://127.0.0.1:" + port() + path);
    }

    RawWebSocket connect() throws java.io.IOException {
        return RawWebSocket.connect(port());
    }

    @Override
    public void close() {
        server.close();
    }

    /** What a test wants on its server before it starts. */
    static final class Builder {
        private final ServletServer.Builder servlets;
        private final ConnectorKind kind;
        private final List<JakartaSetup> jakarta = new ArrayList<>();
        private final List<Consumer<ServletContextHandler>> contextSetup = new ArrayList<>();
        private boolean jettyApi;

        private Builder(ConnectorKind kind) {
            this.kind = kind;
            this.servlets = ServletServer.on(kind);
        }

        ConnectorKind kind() {
            return kind;
        }

        Builder jakarta(JakartaSetup setup) {
            jakarta.add(setup);
            return this;
        }

        Builder jakartaEndpoints(Class<?>... annotated) {
            return jakarta(container -> {
                for (Class<?> endpoint : annotated) {
                    container.addEndpoint(endpoint);
                }
            });
        }

        /** A servlet of Jetty's own WebSocket API (a {@code JettyWebSocketServlet}). */
        Builder jettyApiServlet(String pathSpec, Servlet servlet) {
            jettyApi = true;
            contextSetup.add(context -> context.addServlet(new ServletHolder(servlet), pathSpec));
            return this;
        }

        Builder context(Consumer<ServletContextHandler> setup) {
            contextSetup.add(setup);
            return this;
        }

        /** Puts handlers of the test's own in front of the servlet context (the server's handler tree). */
        Builder around(UnaryOperator<Handler> wrapping) {
            servlets.around(wrapping);
            return this;
        }

        /** Makes {@code stop()} graceful for this long (Jetty's default: not graceful). */
        Builder stopTimeout(long milliseconds) {
            servlets.server(server -> server.setStopTimeout(milliseconds));
            return this;
        }

        /** Serves HTTPS and WSS with this factory. */
        Builder tls(SslContextFactory.Server factory) {
            servlets.tls(factory);
            return this;
        }

        /** Serves HTTPS and WSS with this factory, h2 and HTTP/1.1 chosen by ALPN (extended CONNECT on over h2). */
        Builder tlsWithH2(SslContextFactory.Server factory) {
            servlets.tlsWithH2(factory);
            return this;
        }

        /** Sets up the Jetty {@code Server} itself (its thread pool, say) before it starts. */
        Builder server(Consumer<org.eclipse.jetty.server.Server> setup) {
            servlets.server(setup);
            return this;
        }

        /** Serves h2c beside HTTP/1.1 (Jetty's {@code HTTP2CServerConnectionFactory}, extended CONNECT on). */
        Builder h2c() {
            servlets.h2c();
            return this;
        }

        Builder connector(Consumer<AbstractNetworkConnector> setup) {
            servlets.connector(setup);
            return this;
        }

        BridgeServer start() throws Exception {
            // The WebSocket containers first: the test's own context setup may rely on them.
            servlets.context(context -> {
                if (!jakarta.isEmpty()) {
                    JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
                        for (JakartaSetup setup : jakarta) {
                            setup.deploy(container);
                        }
                    });
                }
                if (jettyApi) {
                    JettyWebSocketServletContainerInitializer.configure(context, null);
                }
                contextSetup.forEach(setup -> setup.accept(context));
            });
            return new BridgeServer(servlets.start());
        }
    }
}
