package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * One accepted connection as the {@link ConnectionSupervisor} tracks it: the raw channel, so a stop can close
 * it even before the transport has wrapped it (halfway through a TLS handshake, say); the virtual thread that
 * serves it now, so a stop can interrupt it — none while the connection hibernates, a new one after each
 * wake-up; and the wrapped connection once there is one, for {@link Listener#connections()}.
 */
final class SupervisedConnection {

    private final SocketChannel channel;
    private final SocketAddress remoteAddress;
    private volatile Thread thread;
    private volatile TransportConnection connection;
    /** Closed to admit another client (guarded by the supervisor's lock). */
    private boolean evicted;
    /** The address this connection counts against under a per-source cap, or null (guarded by the cap's lock). */
    private InetAddress countedAgainst;

    /** Creates, but does not start, the thread that will run {@code body} for this connection. */
    SupervisedConnection(SocketChannel channel, ThreadFactory threads, Consumer<SupervisedConnection> body) {
        this.channel = channel;
        this.remoteAddress = remoteAddressOf(channel);
        this.thread = threads.newThread(() -> body.accept(this));
    }

    SocketChannel channel() {
        return channel;
    }

    /** Starts the thread of the connection's first burst. */
    void start() {
        thread.start();
    }

    /**
     * The thread serving the connection now — not started yet before {@link #start()}, null while the connection
     * hibernates, the last one that served it once it has ended.
     */
    Thread thread() {
        return thread;
    }

    void runsOn(Thread current) {
        this.thread = current;
    }

    /** The wrapped connection, or null while the transport is still wrapping the channel. */
    TransportConnection connection() {
        return connection;
    }

    void attach(TransportConnection wrapped) {
        this.connection = wrapped;
    }

    /**
     * Since when this connection has been waiting for a request to begin, as its protocol marked it; not evictable
     * before the transport has wrapped it (a TLS handshake, say, is work in progress).
     */
    long evictableSince() {
        TransportConnection wrapped = connection;
        return wrapped == null ? TransportConnection.NOT_EVICTABLE : wrapped.evictableSince();
    }

    /**
     * Whether bytes wait unread in the socket's receive buffer, as the wrapped connection's peek tells
     * ({@link TransportConnection#hasUnreadBytes()}: FIONREAD, safe from any thread, never unwrapping TLS); false
     * before the transport has wrapped the channel, when the connection is not evictable anyway.
     */
    boolean hasUnreadBytes() {
        TransportConnection wrapped = connection;
        return wrapped != null && wrapped.hasUnreadBytes();
    }

    boolean isEvicted() {
        return evicted;
    }

    void markEvicted() {
        evicted = true;
    }

    InetAddress countedAgainst() {
        return countedAgainst;
    }

    void countedAgainst(InetAddress source) {
        this.countedAgainst = source;
    }

    SocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** Idempotent; unblocks the connection's thread if it waits on the socket, wakes it if it hibernates. */
    void close() {
        // The raw channel first: closing it never blocks, while a transport's own close may try to write
        // (a TLS close_notify) to a peer that stopped reading.
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released whatever the kernel reports.
        }
        TransportConnection wrapped = connection;
        if (wrapped != null) {
            wrapped.close();
        }
    }

    private static SocketAddress remoteAddressOf(SocketChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException closed) {
            return null;
        }
    }
}
