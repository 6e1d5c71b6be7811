package io.corral.connector.transport;

import io.corral.connector.listener.Listener;

/**
 * How many of a listener's connections are parked on the hibernator now, with no thread of their own: plain TCP and
 * TLS ones alike. What the hibernation tests wait for before they measure or poke a hibernating connection.
 */
public final class HibernatingConnections {

    private HibernatingConnections() {
    }

    /** The listener's connections hibernating at this moment. */
    public static int count(Listener listener) {
        int count = 0;
        for (TransportConnection connection : listener.connections()) {
            if (isHibernating(connection)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isHibernating(TransportConnection connection) {
        return switch (connection) {
            case TcpConnection tcp -> tcp.isHibernating();
            case TlsConnection tls -> tls.isHibernating();
            default -> false;
        };
    }
}
