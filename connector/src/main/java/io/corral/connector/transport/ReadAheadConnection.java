package io.corral.connector.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection whose first bytes were read before it existed — by a PROXY protocol reader, past its header or
 * while finding there was none, or by the cleartext sniffer telling HTTP/2's preface from an HTTP/1.1 request — and
 * are handed out again before anything else is read from the socket: Ranch's {@code gen_tcp:unrecv}. Everything else goes straight to the wrapped connection. It does not hibernate while
 * bytes are left (they are ready to read, a wait would never end); once they are read it is the connection under it.
 * Reads belong to one thread at a time, as on any {@link TransportConnection}, so the left bytes need no lock; only
 * {@link #hasUnreadBytes()} may be asked from another thread (a listener choosing a connection to close at its limit),
 * and a stale view there can only say bytes are left when they were just read, which passes the connection over.
 */
public final class ReadAheadConnection extends ForwardingConnection {

    /** What is left to hand out; null once it is all read. Only the reading thread changes it. */
    private volatile ByteBuffer readAhead;

    /** {@code readAhead}'s remaining bytes are copied: the caller may reuse its buffer. */
    public ReadAheadConnection(TransportConnection connection, ByteBuffer readAhead) {
        super(connection);
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
    public boolean hasUnreadBytes() {
        ByteBuffer left = readAhead;
        return left != null && left.hasRemaining() || connection.hasUnreadBytes();
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
}
