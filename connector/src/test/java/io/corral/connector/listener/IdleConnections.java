package io.corral.connector.listener;

import io.corral.connector.transport.Hibernator;
import io.corral.connector.transport.ReadAheadConnection;
import io.corral.connector.transport.TcpConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Real loopback connections whose eviction marks a test sets by hand, for the admission tests that need a
 * connection {@link IdleEviction} may choose without running a protocol: each is accepted from a client socket of
 * its own and wrapped in a {@link TcpConnection}. Closing this closes every connection, client and the server socket,
 * and forgets them (a test may then check that nothing else keeps them reachable); it may be closed again.
 */
final class IdleConnections implements AutoCloseable {

    private final ServerSocketChannel server;
    private final List<Socket> clients = new ArrayList<>();
    private final List<SupervisedConnection> accepted = new ArrayList<>();

    IdleConnections() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    }

    /** A connection accepted from a new client, marked as waiting for a request since {@code agoMillis} ago. */
    SupervisedConnection idleFor(long agoMillis) throws IOException {
        return markedAgo(agoMillis, false, "");
    }

    /**
     * A connection accepted from a new client, marked as idle between requests, after serving an exchange, since
     * {@code agoMillis} ago.
     */
    SupervisedConnection servedThenIdleFor(long agoMillis) throws IOException {
        return markedAgo(agoMillis, true, "");
    }

    /**
     * As {@link #idleFor}, with {@code readAhead} read from the socket already and handed out first by the transport
     * (what a PROXY header's reader leaves of the bytes past the header).
     */
    SupervisedConnection idleWithReadAheadFor(long agoMillis, String readAhead) throws IOException {
        return markedAgo(agoMillis, false, readAhead);
    }

    private SupervisedConnection markedAgo(long agoMillis, boolean afterExchange, String readAhead) throws IOException {
        Socket client = new Socket("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
        clients.add(client);
        SupervisedConnection connection = new SupervisedConnection(server.accept(), Thread.ofVirtual().factory(), c -> { });
        TransportConnection transport = new TcpConnection(connection.channel(), Hibernator.SHARED);
        if (!readAhead.isEmpty()) {
            transport = new ReadAheadConnection(transport, ByteBuffer.wrap(readAhead.getBytes(StandardCharsets.US_ASCII)));
        }
        connection.attach(transport);
        long since = System.nanoTime() - agoMillis * 1_000_000;
        transport.evictableSince(afterExchange ? TransportConnection.evictableMarkAfterExchange(since)
                : TransportConnection.evictableMark(since));
        accepted.add(connection);
        return connection;
    }

    /** The client end of {@code connection}, one of ours. */
    Socket clientOf(SupervisedConnection connection) {
        return clients.get(accepted.indexOf(connection));
    }

    /** Every connection made so far, oldest first. */
    List<SupervisedConnection> all() {
        return accepted;
    }

    @Override
    public void close() throws IOException {
        for (SupervisedConnection connection : accepted) {
            connection.close();
        }
        for (Socket client : clients) {
            client.close();
        }
        accepted.clear();
        clients.clear();
        server.close();
    }
}
