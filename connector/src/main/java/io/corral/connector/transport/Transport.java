package io.corral.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * How bytes travel between Corral and a client: Ranch's {@code ranch_transport}. A transport opens the
 * listening socket and turns each accepted socket into a {@link TransportConnection}. Plain TCP is
 * {@link TcpTransport}; TLS is a sibling behind the same interface, doing its handshake inside
 * {@link #wrap} or lazily on the first read, on the connection's own virtual thread.
 */
public interface Transport {

    /** A short name for logs and stats: {@code "tcp"}, {@code "tls"}. */
    String name();

    /**
     * Binds a listening socket with the given accept backlog and the listening half of {@code options}
     * ({@link SocketOptions#applyToListening}); port 0 asks the kernel for an ephemeral port.
     * The listener closes the socket to stop (or suspend) accepting.
     *
     * @throws IOException when the address cannot be bound; its message names the address, because an
     *     operator running several listeners needs to know which one failed
     */
    ServerSocket listen(InetSocketAddress address, int backlog, SocketOptions options) throws IOException;

    /**
     * Wraps a freshly accepted socket, whose {@link SocketOptions} the listener has already set. Runs on
     * the connection's own virtual thread, so a slow handshake delays only that connection.
     */
    TransportConnection wrap(Socket accepted) throws IOException;
}
