package io.corral.jetty.websocket;

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
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An embedded Jetty server with one ee10 servlet context carrying Jakarta WebSocket (and, when asked,
 * Jetty's own WebSocket API), built the same way on either connector and bound to 127.0.0.1 on an
 * ephemeral port.
 */
final class BridgeServer implements AutoCloseable {

    /** Registers Jakarta endpoints on the context's container. */
    @FunctionalInterface
    interface JakartaSetup {
        void deploy(ServerContainer container) throws DeploymentException;
    }

    private final ConnectorUnderTest kind;
    private final Server server;
    private final AbstractNetworkConnector connector;

    private BridgeServer(ConnectorUnderTest kind, Server server, AbstractNetworkConnector connector) {
        this.kind = kind;
        this.server = server;
        this.connector = connector;
    }

    static Builder on(ConnectorUnderTest kind) {
        return new Builder(kind);
    }

    ConnectorUnderTest kind() {
        return kind;
    }

    AbstractNetworkConnector connector() {
        return connector;
    }

    int port() {
        return connector.getLocalPort();
    }

    URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    RawWebSocket connect() throws java.io.IOException {
        return RawWebSocket.connect(port());
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
    static final class Builder {
        private final ConnectorUnderTest kind;
        private final List<JakartaSetup> jakarta = new ArrayList<>();
        private final List<Consumer<ServletContextHandler>> contextSetup = new ArrayList<>();
        private final List<Consumer<AbstractNetworkConnector>> connectorSetup = new ArrayList<>();
        private UnaryOperator<Handler> around = UnaryOperator.identity();
        private long stopTimeoutMs = -1;
        private boolean jettyApi;

        private Builder(ConnectorUnderTest kind) {
            this.kind = kind;
        }

        ConnectorUnderTest kind() {
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
            around = wrapping;
            return this;
        }

        /** Makes {@code stop()} graceful for this long (Jetty's default: not graceful). */
        Builder stopTimeout(long milliseconds) {
            stopTimeoutMs = milliseconds;
            return this;
        }

        Builder connector(Consumer<AbstractNetworkConnector> setup) {
            connectorSetup.add(setup);
            return this;
        }

        BridgeServer start() throws Exception {
            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("bridge-" + kind.name().toLowerCase());
            Server server = new Server(threads);
            if (stopTimeoutMs >= 0) {
                server.setStopTimeout(stopTimeoutMs);
            }
            AbstractNetworkConnector connector = kind.create(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            connectorSetup.forEach(setup -> setup.accept(connector));
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
            context.setContextPath("/");
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
            server.setHandler(around.apply(context));
            server.start();
            return new BridgeServer(kind, server, connector);
        }
    }
}
