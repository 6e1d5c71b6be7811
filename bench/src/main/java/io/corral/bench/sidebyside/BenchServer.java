package io.corral.bench.sidebyside;

import io.corral.jetty.CorralConnector;
import io.corral.jetty.demo.AnnotatedWar;
import io.corral.jetty.demo.ConnectorKind;
import jakarta.websocket.server.ServerContainer;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

/**
 * The server every side-by-side scenario measures: the demo's server ({@code CorralDemo}) built the same
 * way, the war-sample at {@code /} through {@link AnnotatedWar} on a connector chosen by
 * {@link ConnectorKind}, with one knob the demo lacks: the idle timeout. The idle-capacity scenarios hold
 * thousands of silent connections for longer than the default 30 seconds, so they raise the connector's
 * idle timeout and the Jakarta container's session idle timeout, identically for both connectors, and lift
 * Corral's default cap of 10,000 live connections (ServerConnector has none).
 *
 * <p>Arguments: {@code <port> <corral|jetty> <war> [idleTimeoutMs]}; without an idle timeout both keep
 * their defaults, as a user's server would. {@code -Dbench.maxConnections=N} sets Corral's connection limit
 * (the flood scenarios of {@link FloodRun}); {@code -Dbench.h2c.maxConcurrentStreams=N} adds h2c to either
 * connector (the HTTP/2 scenarios). Runs until the process is stopped.
 */
public final class BenchServer {

    /** Above what one process can hold here (about 19,900 descriptors), so the machine is the only limit. */
    static final int IDLE_MAX_CONNECTIONS = 20_000;
    /**
     * Set on a {@code jetty} server: h2c beside HTTP/1.1 ({@code HTTP2CServerConnectionFactory}, prior knowledge and
     * {@code Upgrade}), with this SETTINGS_MAX_CONCURRENT_STREAMS.
     */
    static final String H2C_STREAMS_PROPERTY = "bench.h2c.maxConcurrentStreams";
    /** What both servers of the h2 scenarios allow, so that h2load's 256 streams per connection all run. */
    static final int H2C_MAX_CONCURRENT_STREAMS = 256;

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ConnectorKind kind = ConnectorKind.named(args[1]);
        Path war = Path.of(args[2]);
        long idleTimeoutMs = args.length > 3 ? Long.parseLong(args[3]) : -1;

        Server server = new Server();
        AbstractNetworkConnector connector = kind.newConnector(server, "127.0.0.1", port);
        if (idleTimeoutMs > 0) {
            connector.setIdleTimeout(idleTimeoutMs);
            if (connector instanceof CorralConnector corral) {
                // Corral caps live connections at 10,000 by default, ServerConnector not at all: the idle
                // scenarios hold up to 19,000, this machine's file-descriptor ceiling, on both.
                corral.setMaxConnections(IDLE_MAX_CONNECTIONS);
            }
        }
        Integer floodLimit = Integer.getInteger("bench.maxConnections");
        if (floodLimit != null && connector instanceof CorralConnector corral) {
            // The flood scenarios (FloodRun) may force a limit, as the issue measured with; ServerConnector has none.
            corral.setMaxConnections(floodLimit);
        }
        Integer h2cStreams = Integer.getInteger(H2C_STREAMS_PROPERTY);
        if (h2cStreams != null) {
            // The embedded form of Jetty's http2c module, the same on both connectors: one HttpConfiguration serves
            // both protocols.
            HttpConfiguration config = connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
            HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
            h2c.setMaxConcurrentStreams(h2cStreams);
            connector.addConnectionFactory(h2c);
        }
        server.addConnector(connector);
        WebAppContext context = AnnotatedWar.context(war, "/");
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        if (idleTimeoutMs > 0) {
            // Sessions opened from now on take this default; the container exists once the context started.
            ServerContainer container = (ServerContainer) context.getServletContext()
                    .getAttribute(ServerContainer.class.getName());
            container.setDefaultMaxSessionIdleTimeout(idleTimeoutMs);
        }
        System.out.println("bench server: " + kind.optionName() + " connector on 127.0.0.1:" + connector.getLocalPort()
                + (connector instanceof CorralConnector corral ? ", maxConnections=" + corral.getMaxConnections() : ""));
        server.join();
    }
}
