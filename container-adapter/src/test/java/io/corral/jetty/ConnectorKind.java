package io.corral.jetty;

import java.nio.file.Path;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
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

    /**
     * HTTPS with h2 and HTTP/1.1 chosen by ALPN, configured as Jetty's documentation (and jetty-home's {@code ssl},
     * {@code alpn}, {@code http2} and {@code https} modules) sets ServerConnector up: an SslConnectionFactory whose next
     * protocol is ALPN's, an ALPNServerConnectionFactory preferring h2, Jetty's HTTP2ServerConnectionFactory and the
     * HttpConnectionFactory, both with the same configuration.
     */
    public AbstractNetworkConnector createTlsH2(Server server, HttpConfiguration configuration,
                                                SslContextFactory.Server ssl) {
        ConnectionFactory[] factories = {new SslConnectionFactory(ssl, "alpn"),
            new ALPNServerConnectionFactory("h2", "http/1.1"), new HTTP2ServerConnectionFactory(configuration),
            new HttpConnectionFactory(configuration)};
        if (this == JETTY) {
            return new ServerConnector(server, factories);
        }
        CorralConnector connector = new CorralConnector(server, factories);
        connector.setHibernateAfter(0);
        return connector;
    }

    /**
     * HTTP/1.1 on a Unix-domain socket at {@code socketFile}: Jetty's {@link UnixDomainServerConnector}, or a
     * CorralConnector given {@code unixDomainPath} (hibernating at once, as in the rest of the differential suite).
     */
    public AbstractConnector createUnixDomain(Server server, Path socketFile) {
        if (this == JETTY) {
            UnixDomainServerConnector unix = new UnixDomainServerConnector(server, new HttpConnectionFactory());
            unix.setUnixDomainPath(socketFile);
            return unix;
        }
        CorralConnector unix = new CorralConnector(server);
        unix.setUnixDomainPath(socketFile);
        unix.setHibernateAfter(0);
        return unix;
    }

    /** The HTTPS connector, configured as Jetty's documentation shows: an SslConnectionFactory before HTTP/1.1. */
    public abstract AbstractNetworkConnector createTls(Server server, HttpConfiguration configuration,
                                                       SslContextFactory.Server ssl);
}
