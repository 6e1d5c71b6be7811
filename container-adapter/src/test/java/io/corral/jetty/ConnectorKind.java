package io.corral.jetty;

import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The two connectors every differential test runs on: Jetty's own {@link ServerConnector}, the reference,
 * and {@link CorralConnector}, which must behave the same for every servlet.
 */
public enum ConnectorKind {
    JETTY {
        @Override
        public AbstractNetworkConnector create(Server server, HttpConfiguration configuration) {
            return new ServerConnector(server, new HttpConnectionFactory(configuration));
        }

        @Override
        public AbstractNetworkConnector createTls(Server server, HttpConfiguration configuration,
                                                  SslContextFactory.Server ssl) {
            return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(configuration));
        }
    },
    CORRAL {
        @Override
        public AbstractNetworkConnector create(Server server, HttpConfiguration configuration) {
            CorralConnector connector = new CorralConnector(server, configuration);
            // Hibernation at once: every keep-alive wait and every quiet WebSocket of the differential suite
            // goes through the hibernator and wakes again, the path most likely to differ from Jetty's.
            connector.setHibernateAfter(0);
            return connector;
        }

        @Override
        public AbstractNetworkConnector createTls(Server server, HttpConfiguration configuration,
                                                  SslContextFactory.Server ssl) {
            CorralConnector connector = new CorralConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(configuration));
            connector.setHibernateAfter(0);
            return connector;
        }
    };

    public abstract AbstractNetworkConnector create(Server server, HttpConfiguration configuration);

    /** The HTTPS connector, configured as Jetty's documentation shows: an SslConnectionFactory before HTTP/1.1. */
    public abstract AbstractNetworkConnector createTls(Server server, HttpConfiguration configuration,
                                                       SslContextFactory.Server ssl);
}
