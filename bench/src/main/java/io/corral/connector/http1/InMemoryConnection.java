package io.corral.connector.http1;

import io.corral.connector.transport.TransportConnection;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A connection with no socket behind it: reads give one prepared batch of request bytes then the end of
 * the stream, writes are counted and dropped. Lets a benchmark drive the whole engine without the kernel.
 */
final class InMemoryConnection implements TransportConnection {

    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);
    private static final InetSocketAddress REMOTE = new InetSocketAddress("127.0.0.1", 40000);

    private final byte[] requests;
    private boolean delivered;
    long bytesWritten;

    InMemoryConnection(byte[] requests) {
        this.requests = requests;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (delivered) {
            return -1;
        }
        if (length < requests.length) {
            throw new IllegalStateException("batch larger than the read buffer: " + requests.length);
        }
        System.arraycopy(requests, 0, buffer, offset, requests.length);
        delivered = true;
        return requests.length;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
        bytesWritten += length;
    }

    @Override
    public void setReadTimeout(Duration timeout) {}

    @Override
    public void shutdownOutput() {}

    @Override
    public InetSocketAddress localAddress() {
        return LOCAL;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return REMOTE;
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
