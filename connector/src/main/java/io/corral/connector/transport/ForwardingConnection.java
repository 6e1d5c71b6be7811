package io.corral.connector.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * A connection that hands every call to the one it wraps; a subclass overrides only what it changes (the first
 * bytes read, the addresses a PROXY header names). One place for the forwarding, so a method added to
 * {@link TransportConnection} cannot be forgotten in one wrapper and not another.
 */
public abstract class ForwardingConnection implements TransportConnection {

    /** The wrapped connection. */
    protected final TransportConnection connection;

    protected ForwardingConnection(TransportConnection connection) {
        this.connection = connection;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return connection.read(buffer, offset, length);
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
    public int available() throws IOException {
        return connection.available();
    }

    @Override
    public boolean hasUnreadBytes() {
        return connection.hasUnreadBytes();
    }

    @Override
    public boolean canHibernate() {
        return connection.canHibernate();
    }

    @Override
    public void hibernate(long wakeAtNanos, Runnable onWake) {
        connection.hibernate(wakeAtNanos, onWake);
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
