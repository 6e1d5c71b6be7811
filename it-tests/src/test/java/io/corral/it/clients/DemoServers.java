package io.corral.it.clients;

import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;

/**
 * The built war-sample.war served by the demo launcher, one server per connector kind, each on an
 * ephemeral loopback port, started on first use and kept for the test class: clients outside the JVM
 * talk to exactly what {@code bin/demo} serves.
 */
final class DemoServers implements AutoCloseable {

    private final Map<ConnectorKind, Server> servers = new EnumMap<>(ConnectorKind.class);

    /** {@code http://127.0.0.1:PORT}, no trailing slash, of the server behind {@code kind}. */
    synchronized String base(ConnectorKind kind) throws Exception {
        return "http://127.0.0.1:" + port(kind);
    }

    synchronized int port(ConnectorKind kind) throws Exception {
        Server server = servers.get(kind);
        if (server == null) {
            Path war = Path.of(System.getProperty("war.sample.file"));
            server = CorralDemo.start(new DemoOptions("127.0.0.1", 0, kind, war));
            servers.put(kind, server);
        }
        return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public synchronized void close() throws Exception {
        for (Server server : servers.values()) {
            server.stop();
        }
        servers.clear();
    }
}
