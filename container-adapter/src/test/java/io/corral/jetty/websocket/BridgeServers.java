package io.corral.jetty.websocket;

import java.util.EnumMap;
import java.util.Map;

/**
 * One server per connector for a whole test class (started once: tests stay fast), with the same
 * endpoints on both, so a parameterized test compares the connectors on identical deployments.
 */
final class BridgeServers implements AutoCloseable {

    /** Builds the deployment for one connector. */
    @FunctionalInterface
    interface Deployment {
        BridgeServer.Builder on(BridgeServer.Builder builder);
    }

    private final Map<ConnectorUnderTest, BridgeServer> servers = new EnumMap<>(ConnectorUnderTest.class);

    static BridgeServers start(Deployment deployment) throws Exception {
        BridgeServers started = new BridgeServers();
        try {
            for (ConnectorUnderTest kind : ConnectorUnderTest.values()) {
                started.servers.put(kind, deployment.on(BridgeServer.on(kind)).start());
            }
        } catch (Exception e) {
            started.close();
            throw e;
        }
        return started;
    }

    BridgeServer on(ConnectorUnderTest kind) {
        return servers.get(kind);
    }

    @Override
    public void close() {
        servers.values().forEach(BridgeServer::close);
    }
}
