package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * One accepted connection as the {@link ConnectionSupervisor} tracks it: the raw socket, so a stop can close
 * it even before the transport has wrapped it (halfway through a TLS handshake, say); the virtual thread that
 * serves it, so a stop can wait for that thread to end; and the wrapped connection once there is one, for
 * {@link Listener#connections()}.
 */
final class SupervisedConnection {

    private final Socket socket;
    private final Thread thread;
    private volatile TransportConnection connection;

    /** Creates, but does not start, the thread that will run {@code body} for this connection. */
    SupervisedConnection(Socket socket, ThreadFactory threads, Consumer<SupervisedConnection> body) {
        this.socket = socket;
        this.thread = threads.newThread(() -> body.accept(this));
    }

    Socket socket() {
        return socket;
    }

    Thread thread() {
        return thread;
    }

    /** The wrapped connection, or null while the transport is still wrapping the socket. */
    TransportConnection connection() {
        return connection;
    }

    void attach(TransportConnection wrapped) {
        this.connection = wrapped;
    }

    SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }

    /** Idempotent; unblocks the connection's thread if it waits on the socket. */
    void close() {
        // The raw socket first: closing it never blocks, while a transport's own close may try to write
        // (a TLS close_notify) to a peer that stopped reading.
        try {
            socket.close();
        } catch (IOException ignored) {
            // The descriptor is released whatever the kernel reports.
        }
        TransportConnection wrapped = connection;
        if (wrapped != null) {
            wrapped.close();
        }
    }
}
