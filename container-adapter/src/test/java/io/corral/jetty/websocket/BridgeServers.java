package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
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

    private final Map<ConnectorKind, BridgeServer> servers = new EnumMap<>(ConnectorKind.class);

    static BridgeServers start(Deployment deployment) throws Exception {
        BridgeServers started = new BridgeServers();
        try {
            for (ConnectorKind kind : ConnectorKind.values()) {
                started.servers.put(kind, deployment.on(BridgeServer.on(kind)).start());
            }
        } catch (Exception e) {
            started.close();
            throw e;
        }
        return started;
    }

    BridgeServer on(ConnectorKind kind) {
        return servers.get(kind);
    }

    @Override
    public void close() {
        servers.values().forEach(BridgeServer::close);
    }
}
