package io.corral.connector.http2;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * A connection whose first reads return octets already read from it (to tell HTTP/2's preface from an HTTP/1.1
 * request), then read from the connection itself; everything else is the connection's. It hibernates only once
 * those octets are consumed, which a protocol that hibernates between requests has done long before.
 */
final class ReplayingConnection implements TransportConnection {

    private final TransportConnection connection;
    private final byte[] replay;
    private int offset;
    private final int end;

    ReplayingConnection(TransportConnection connection, byte[] replay, int length) {
        this.connection = connection;
        this.replay = replay;
        this.end = length;
    }

    @Override
    public int read(byte[] buffer, int off, int length) throws IOException {
        if (offset < end) {
            int n = Math.min(length, end - offset);
            System.arraycopy(replay, offset, buffer, off, n);
            offset += n;
            return n;
        }
        return connection.read(buffer, off, length);
    }

    @Override
    public int available() throws IOException {
        return (end - offset) + connection.available();
    }

    @Override
    public void write(byte[] buffer, int off, int length) throws IOException {
        connection.write(buffer, off, length);
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
    public boolean canHibernate() {
        return offset == end && connection.canHibernate();
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
    public void hibernate(long wakeAtNanos, Runnable onWake) {
        connection.hibernate(wakeAtNanos, onWake);
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
