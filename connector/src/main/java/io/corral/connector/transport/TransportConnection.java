package io.corral.connector.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One accepted connection as the protocols see it: blocking reads and writes meant to be called from
 * virtual threads. Reads belong to one thread at a time (the connection's, or whoever it lends them
 * to); writes may come from another thread than reads, and a protocol keeps its own writes whole and
 * ordered.
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
     * Writes every byte given, blocking while the peer is slow to read. Protocols write through a
     * {@link StallGuard}, which cuts a write that stops making progress.
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

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    /** Whether bytes are protected (TLS): what a servlet's {@code isSecure()} reports. */
    boolean isSecure();

    boolean isOpen();

    /** Closes both directions; unblocks a thread waiting in {@link #read}. Idempotent. */
    @Override
    void close();
}
