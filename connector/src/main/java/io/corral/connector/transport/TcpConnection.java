package io.corral.connector.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * One accepted TCP connection as a {@link TransportConnection}, made by {@link TcpTransport#wrap}. A thin
 * layer over the socket's own streams: no buffering and no copy of its own, because the protocol above keeps
 * the buffers (and pools them). The JDK socket keeps separate locks for reading and writing, which is what
 * lets one thread write a response while another is blocked reading the next request.
 */
public final class TcpConnection implements TransportConnection {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // Fetched once: the socket builds a new address object on every call, and logs and adapters ask often.
    private final InetSocketAddress local;
    private final InetSocketAddress remote;

    /** Wraps a connected socket; the caller chooses its options (see {@link TcpTransport#wrap}). */
    public TcpConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.local = (InetSocketAddress) socket.getLocalSocketAddress();
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        out.write(buffer, offset, length);
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout(soTimeoutMillis(timeout));
    }

    /**
     * SO_TIMEOUT counts whole milliseconds and reads 0 as "forever", so a positive timeout below one
     * millisecond must round up, never down to 0; one beyond {@code Integer.MAX_VALUE} ms (24.8 days) is clamped.
     */
    static int soTimeoutMillis(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
        }
        if (timeout.isZero()) {
            return 0;
        }
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        long millis = timeout.toMillis();
        return (int) (timeout.equals(Duration.ofMillis(millis)) ? millis : millis + 1);
    }

    @Override
    public void shutdownOutput() throws IOException {
        // Protocols may end a response and then decide to close lingering; a second FIN request is not an error.
        if (!socket.isOutputShutdown() && !socket.isClosed()) {
            socket.shutdownOutput();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return !socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing to do: the descriptor is released whether or not the kernel reported an error.
        }
    }

    @Override
    public String toString() {
        return "tcp " + local + " <- " + remote;
    }
}
