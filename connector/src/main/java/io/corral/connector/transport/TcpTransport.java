package io.corral.connector.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Plain TCP over blocking {@link java.net.Socket}s: Ranch's {@code ranch_tcp}. Blocking sockets are the
 * right tool on virtual threads: a read that waits parks the virtual thread and frees its carrier, and the
 * code stays a plain top-to-bottom loop. The listening socket gets the listener's {@link SocketOptions}
 * (by default address reuse, so a restarted or resumed listener binds its port again while old connections
 * linger in TIME_WAIT). Stateless and thread-safe: one instance can serve any number of listeners.
 */
public final class TcpTransport implements Transport {

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
    public ServerSocket listen(InetSocketAddress address, int backlog, SocketOptions options) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            options.applyToListening(server);
            server.bind(address, backlog);
            return server;
        } catch (IOException e) {
            server.close();
            throw namingTheAddress(address, e);
        }
    }

    @Override
    public TransportConnection wrap(Socket accepted) throws IOException {
        return new TcpConnection(accepted);
    }

    // The JDK's "Address already in use" does not say which address; an operator with several listeners needs it.
    private static IOException namingTheAddress(InetSocketAddress address, IOException cause) {
        String message = "cannot listen on " + address.getHostString() + ":" + address.getPort() + ": " + cause.getMessage();
        IOException named = cause instanceof BindException ? new BindException(message) : new IOException(message);
        named.initCause(cause);
        return named;
    }
}
