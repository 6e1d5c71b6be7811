package io.corral.connector.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * One accepted connection as the protocols see it: blocking reads and writes meant to be called from
 * virtual threads. Reads belong to one thread at a time (the connection's, or whoever it lends them
 * to); writes may come from another thread than reads, and a protocol keeps its own writes whole and
 * ordered. A connection with nothing to read may {@linkplain #hibernate hibernate}: its thread ends and a
 * new one carries on when bytes arrive (Cowboy's {@code hibernate}).
 */
public interface TransportConnection extends ByteSink, Closeable {

    /**
     * Reads at least one byte, blocking until some arrive.
     *
     * @return the number of bytes read, or -1 when the peer closed its side
     * @throws java.net.SocketTimeoutException when the read timeout passes with no byte
     */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /**
     * Writes every byte given, blocking while the peer is slow to read; safe while the connection hibernates.
     * Protocols write through a {@link StallGuard}, which cuts a write that stops making progress.
     */
    @Override
    void write(byte[] buffer, int offset, int length) throws IOException;

    /**
     * How long a read may wait for its first byte; {@link Duration#ZERO} waits forever. Protocols change it
     * as they go (header timeout while a request head arrives, idle timeout between requests).
     */
    void setReadTimeout(Duration timeout) throws IOException;

    /** Half-closes: sends FIN after what was written, keeps reading (a lingering close). */
    void shutdownOutput() throws IOException;

    /** An {@link java.net.InetSocketAddress} on TCP, a {@link java.net.UnixDomainSocketAddress} on a socket file. */
    SocketAddress localAddress();

    /**
     * An {@link java.net.InetSocketAddress} on TCP; on a Unix domain socket the client's
     * {@link java.net.UnixDomainSocketAddress}, usually unnamed (an empty path).
     */
    SocketAddress remoteAddress();

    /** Whether bytes are protected (TLS): what a servlet's {@code isSecure()} reports. */
    boolean isSecure();

    boolean isOpen();

    /**
     * The TLS session once the handshake is done (cipher suite, peer certificates, SNI names), or null on a plain
     * connection.
     */
    default SSLSession sslSession() {
        return null;
    }

    /**
     * The application protocol agreed by ALPN ({@code "h2"}, {@code "http/1.1"}), or null when none was (the client
     * offered no ALPN or nothing the server speaks) or on plain TCP.
     */
    default String applicationProtocol() {
        return null;
    }

    /** Closes both directions; unblocks a thread waiting in {@link #read}, wakes a hibernating one. Idempotent. */
    @Override
    void close();

    /** Bytes a read would return without waiting; 0 when it would wait, or when the transport cannot tell. */
    default int available() throws IOException {
        return 0;
    }

    /**
     * Whether bytes the peer sent wait unread in the socket's receive buffer: a peek (FIONREAD) that reads nothing,
     * never blocks and is safe from any thread, unlike {@link #available()}, which on TLS unwraps records on the
     * connection's own thread. What a drain asks before it closes an idle connection: closing a socket with unread
     * bytes makes the kernel reset it, and a request that has arrived is better served. False when it cannot tell.
     */
    default boolean hasUnreadBytes() {
        return false;
    }

    /** Whether {@link #hibernate} works here; a protocol asks before it gives up its thread. */
    default boolean canHibernate() {
        return false;
    }

    /**
     * Says since when ({@link System#nanoTime()}) the connection has been waiting for a request to begin — idle
     * between requests, or still receiving a request head — so that a listener at its connection limit may close
     * it to admit a new client; {@link #NOT_EVICTABLE} says it must not be (a request in progress, a WebSocket).
     * The mark also says whether the connection waits after serving an exchange ({@link #evictableMarkAfterExchange}),
     * which the listener protects longer. The protocol keeps this current; the listener only reads it (see
     * {@link #evictableSince()}).
     */
    default void evictableSince(long sinceNanos) {
    }

    /**
     * Since when the connection may be closed to admit a new one, as last set by its protocol, or
     * {@link #NOT_EVICTABLE}. A transport that does not keep the mark never offers its connections.
     */
    default long evictableSince() {
        return NOT_EVICTABLE;
    }

    /** The mark of a connection that must not be closed to admit another. */
    long NOT_EVICTABLE = 0;

    /*
     * Both kinds of mark are an instant, and the lowest bit tells them apart (set: after an exchange): one volatile
     * long the listener reads in one step, so it never sees the instant of one kind with the other kind's flag. A
     * nanosecond is far below anything the listener measures with it.
     */

    /**
     * {@code nanos} as an {@link #evictableSince(long)} mark of a connection that has not served an exchange yet
     * (just accepted, or its first head still arriving) or whose next request head has begun to arrive.
     */
    static long evictableMark(long nanos) {
        long mark = nanos & ~1L;
        return mark == NOT_EVICTABLE ? 2 : mark;
    }

    /**
     * {@code nanos} as an {@link #evictableSince(long)} mark of a connection idle between requests after serving at
     * least one exchange: a keep-alive client, whose next request may be on its way.
     */
    static long evictableMarkAfterExchange(long nanos) {
        return nanos | 1L;
    }

    /** Whether {@code mark}, an evictable one, was made by {@link #evictableMarkAfterExchange}. */
    static boolean isAfterExchange(long mark) {
        return (mark & 1L) != 0;
    }

    /**
     * Hibernates: the calling thread gives the connection up right after this returns and ends; {@code onWake}
     * runs on a new virtual thread once bytes (or the end of stream) can be read, once {@code wakeAtNanos}
     * ({@link System#nanoTime()}; {@link Long#MAX_VALUE} for never) passes, or once the connection is closed,
     * with reads and writes blocking again. Meanwhile other threads may still write.
     *
     * @throws UnsupportedOperationException when {@link #canHibernate()} is false
     */
    default void hibernate(long wakeAtNanos, Runnable onWake) {
        throw new UnsupportedOperationException(this + " cannot hibernate");
    }
}
