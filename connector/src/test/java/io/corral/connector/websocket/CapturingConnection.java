package io.corral.connector.websocket;

import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A write-only in-memory {@link TransportConnection} that keeps every byte and counts write calls. */
final class CapturingConnection implements TransportConnection {

    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int writes;

    @Override
    public int read(byte[] buffer, int offset, int length) {
        return -1;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        written.write(buffer, offset, length);
        writes++;
    }

    byte[] bytes() {
        return written.toByteArray();
    }

    @Override
    public void setReadTimeout(Duration timeout) {}

    @Override
    public void shutdownOutput() {}

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 2);
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() {}
}
