package io.corral.jetty.websocket;

import io.corral.jetty.CorralConnector;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The two connectors every differential WebSocket test runs on: Jetty's {@link ServerConnector}, whose
 * behaviour is the reference, and {@link CorralConnector}, whose sessions run on Corral's framing.
 */
enum ConnectorUnderTest {
    SERVER_CONNECTOR {
        @Override
        AbstractNetworkConnector create(Server server) {
            return new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        }
    },
    CORRAL_CONNECTOR {
        @Override
        AbstractNetworkConnector create(Server server) {
            return new CorralConnector(server, new HttpConfiguration());
        }
    };

    abstract AbstractNetworkConnector create(Server server);
}
