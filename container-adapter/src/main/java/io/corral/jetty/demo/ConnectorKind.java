package io.corral.jetty.demo;

import io.corral.jetty.CorralConnector;
import java.util.Locale;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Which connector serves the demo (and the integration tests): Corral's, or Jetty's stock
 * {@link ServerConnector} for a side-by-side comparison of the same WAR on the same server. This is the
 * one place where the connector is chosen by name ({@code --connector=corral|jetty}, Arquillian's
 * {@code connector} property).
 */
public enum ConnectorKind {

    /** Corral's {@link CorralConnector}: the default. */
    CORRAL {
        @Override
        AbstractNetworkConnector create(Server server, SslContextFactory.Server tls) {
            CorralConnector connector = tls == null ? new CorralConnector(server) : new CorralConnector(server, tls);
            // -Dcorral.hibernateAfter=MS lets the benchmark compare hibernation policies on the demo.
            Long hibernateAfter = Long.getLong("corral.hibernateAfter");
            if (hibernateAfter != null) {
                connector.setHibernateAfter(hibernateAfter);
            }
            // -Dcorral.listenSockets=N: N SO_REUSEPORT listening sockets (bench/run-listen-sockets compares 1 and N).
            Integer listenSockets = Integer.getInteger("corral.listenSockets");
            if (listenSockets != null) {
                connector.setListenSockets(listenSockets);
            }
            return connector;
        }
    },

    /** Jetty's own {@link ServerConnector}, unchanged: the baseline. */
    JETTY {
        @Override
        AbstractNetworkConnector create(Server server, SslContextFactory.Server tls) {
            return tls == null ? new ServerConnector(server) : new ServerConnector(server, tls);
        }
    };

    /** The name used on the command line and in {@code arquillian.xml}: {@code corral} or {@code jetty}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an {@link #optionName()}, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ConnectorKind named(String name) {
        for (ConnectorKind kind : values()) {
            if (kind.optionName().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown connector '" + name + "': use corral or jetty");
    }

    /**
     * A new, not yet added, connector of this kind bound to {@code host:port} on start.
     *
     * @param port the port, 0 for an ephemeral one (read it back with {@code getLocalPort()} after start)
     */
    public AbstractNetworkConnector newConnector(Server server, String host, int port) {
        return newConnector(server, host, port, null);
    }

    /**
     * As {@link #newConnector(Server, String, int)}, serving HTTPS with {@code tls} when it is not null: both kinds
     * through their {@code (server, sslContextFactory)} constructors, HTTP/1.1 with a {@code SecureRequestCustomizer}.
     */
    public AbstractNetworkConnector newConnector(Server server, String host, int port, SslContextFactory.Server tls) {
        AbstractNetworkConnector connector = create(server, tls);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    abstract AbstractNetworkConnector create(Server server, SslContextFactory.Server tls);
}
