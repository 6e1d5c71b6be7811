package io.corral.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * How bytes travel between Corral and a client: Ranch's {@code ranch_transport}. A transport opens the
 * listening channel and turns each accepted channel into a {@link TransportConnection}. Plain TCP is
 * {@link TcpTransport}; TLS is a sibling behind the same interface, doing its handshake inside
 * {@link #wrap} or lazily on the first read, on the connection's own virtual thread. Channels rather than
 * {@link java.net.Socket}s, because an idle connection hibernates: it waits for its next bytes in
 * non-blocking mode on a shared {@link Hibernator}, with no thread of its own.
 */
public interface Transport {

    /** A short name for logs and stats: {@code "tcp"}, {@code "tls"}. */
    String name();

    /**
     * Binds a listening channel, in blocking mode, with the given accept backlog and the listening half of
     * {@code options} ({@link SocketOptions#applyToListening}); port 0 asks the kernel for an ephemeral port.
     * The address is an {@link java.net.InetSocketAddress} (TCP) or a {@link java.net.UnixDomainSocketAddress}
     * (a socket file, see {@link UnixDomainSocketFile}). The listener closes the channel to stop (or suspend)
     * accepting.
     *
     * @throws IOException when the address cannot be bound; its message names the address, because an
     *     operator running several listeners needs to know which one failed
     */
    ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options) throws IOException;

    /**
     * Wraps a freshly accepted channel (in blocking mode), whose {@link SocketOptions} the listener has already
     * set. Runs on the connection's own virtual thread, so a slow handshake delays only that connection.
     */
    TransportConnection wrap(SocketChannel accepted) throws IOException;

    /**
     * Wraps a freshly accepted channel from which someone in front of the transport has already read
     * {@code readAhead}: the bytes a PROXY protocol reader took past its header, or took to find there was none.
     * The connection hands them out (or, for TLS, unwraps them) before anything it reads from the channel, as if
     * they had never been taken. Ranch's {@code gen_tcp:unrecv}, which Java's sockets lack.
     *
     * @throws IOException as {@link #wrap(SocketChannel)}
     * @throws UnsupportedOperationException when bytes were read ahead but this transport cannot give them back
     */
    default TransportConnection wrap(SocketChannel accepted, ByteBuffer readAhead) throws IOException {
        if (readAhead.hasRemaining()) {
            throw new UnsupportedOperationException(name() + " cannot take bytes read ahead of it");
        }
        return wrap(accepted);
    }
}
