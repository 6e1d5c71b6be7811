package io.corral.connector.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * A connection whose first bytes were read before it existed — by a PROXY protocol reader, past its header or
 * while finding there was none, or by the cleartext sniffer telling HTTP/2's preface from an HTTP/1.1 request — and
 * are handed out again before anything else is read from the socket: Ranch's {@code gen_tcp:unrecv}. Everything else goes straight to the wrapped connection. It does not hibernate while
 * bytes are left (they are ready to read, a wait would never end); once they are read it is the connection under it.
 * Reads belong to one thread at a time, as on any {@link TransportConnection}, so the left bytes need no lock.
 */
public final class ReadAheadConnection implements TransportConnection {

    private final TransportConnection connection;
    /** What is left to hand out; null once it is all read. Only the reading thread touches it. */
    private ByteBuffer readAhead;

    /** {@code readAhead}'s remaining bytes are copied: the caller may reuse its buffer. */
    public ReadAheadConnection(TransportConnection connection, ByteBuffer readAhead) {
        this.connection = connection;
        ByteBuffer copy = ByteBuffer.allocate(readAhead.remaining());
        copy.put(readAhead).flip();
        this.readAhead = copy;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer left = readAhead;
        if (left == null || length == 0) {
            return connection.read(buffer, offset, length);
        }
        int n = Math.min(length, left.remaining());
        left.get(buffer, offset, n);
        if (!left.hasRemaining()) {
            readAhead = null;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        ByteBuffer left = readAhead;
        return left == null ? connection.available() : left.remaining();
    }

    @Override
    public boolean canHibernate() {
        return readAhead == null && connection.canHibernate();
    }

    @Override
    public void hibernate(long wakeAtNanos, Runnable onWake) {
        if (readAhead != null) {
            throw new IllegalStateException("bytes are waiting to be read: " + this);
        }
        connection.hibernate(wakeAtNanos, onWake);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        connection.write(buffer, offset, length);
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        connection.setReadTimeout(timeout);
    }

    @Override
    public void shutdownOutput() throws IOException {
        connection.shutdownOutput();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return connection.isSecure();
    }

    @Override
    public boolean isOpen() {
        return connection.isOpen();
    }

    @Override
    public SSLSession sslSession() {
        return connection.sslSession();
    }

    @Override
    public String applicationProtocol() {
        return connection.applicationProtocol();
    }

    @Override
    public void close() {
        connection.close();
    }

    @Override
    public void evictableSince(long sinceNanos) {
        connection.evictableSince(sinceNanos);
    }

    @Override
    public long evictableSince() {
        return connection.evictableSince();
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
