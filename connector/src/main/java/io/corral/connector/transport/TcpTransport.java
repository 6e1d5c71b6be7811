package io.corral.connector.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Plain TCP over {@link SocketChannel}s: Ranch's {@code ranch_tcp}. While a connection is busy its channel
 * is in blocking mode, the right tool on virtual threads: a read that waits parks the virtual thread and
 * frees its carrier, and the code stays a plain top-to-bottom loop. While it is idle it hibernates on the
 * shared {@link Hibernator} (see {@link TcpConnection#hibernate}). The listening channel gets the listener's
 * {@link SocketOptions} (by default address reuse, so a restarted or resumed listener binds its port again
 * while old connections linger in TIME_WAIT). Listens on a Unix domain socket just as well, given a
 * {@link UnixDomainSocketAddress}: same channels, same connections, no TCP options. Stateless and thread-safe: one instance can serve any number of
 * listeners.
 */
public final class TcpTransport implements Transport {

    private final Hibernator hibernator;

    /** Idle connections hibernate on the process-wide {@link Hibernator#SHARED}. */
    public TcpTransport() {
        this(Hibernator.SHARED);
    }

    public TcpTransport(Hibernator hibernator) {
        this.hibernator = hibernator;
    }

    @Override
    public String name() {
        return "tcp";
    }

    /**
     * Binds with the given options and accept backlog.
     *
     * @throws IOException naming the address when it cannot be bound (in use, not local, not permitted)
     */
    @Override
    public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options) throws IOException {
        return bind(address, backlog, options);
    }

    /** Binds a listening channel as {@link #listen} describes; shared with {@link TlsTransport}, which listens alike. */
    static ServerSocketChannel bind(SocketAddress address, int backlog, SocketOptions options) throws IOException {
        if (address instanceof UnixDomainSocketAddress path) {
            return UnixDomainSocketFile.bind(path, backlog);
        }
        InetSocketAddress inet = (InetSocketAddress) address;
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            options.applyToListening(server);
            server.bind(address, backlog);
            return server;
        } catch (IOException e) {
            server.close();
            throw namingTheAddress(inet, e);
        }
    }

    @Override
    public TransportConnection wrap(SocketChannel accepted) throws IOException {
        return new TcpConnection(accepted, hibernator);
    }

    /** A plain connection that hands out {@code readAhead} first; see {@link ReadAheadConnection}. */
    @Override
    public TransportConnection wrap(SocketChannel accepted, ByteBuffer readAhead) throws IOException {
        TcpConnection connection = new TcpConnection(accepted, hibernator);
        return readAhead.hasRemaining() ? new ReadAheadConnection(connection, readAhead) : connection;
    }

    // The JDK's "Address already in use" does not say which address; an operator with several listeners needs it.
    private static IOException namingTheAddress(InetSocketAddress address, IOException cause) {
        String message = "cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + cause.getMessage();
        IOException named = cause instanceof BindException ? new BindException(message) : new IOException(message);
        named.initCause(cause);
        return named;
    }
}
