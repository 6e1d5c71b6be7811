package io.corral.connector.http2;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * One HTTP/2 stream seen as a byte connection, once its 2xx answer to an extended CONNECT went out (RFC 8441 §4:
 * the stream is then "a tunnel"): the same {@link TransportConnection} the socket is after an HTTP/1.1 101, so the
 * WebSocket engine (or any {@link io.corral.connector.stream.ConnectionUpgrade}) runs on it unchanged. Reads take the
 * stream's DATA payloads (the stream's receive window bounds what waits, and reading reopens it); writes go out as
 * DATA frames under the stream's and the connection's send windows; the read timeout is the stream's.
 *
 * <p>Ends map as RFC 8441 §4 asks, "as if it were the TCP connection": END_STREAM from the client reads as the end
 * of input; {@link #shutdownOutput()} sends END_STREAM, the FIN; {@link #close()} sends END_STREAM too when no
 * write is in progress, and otherwise — a write stuck on a shut window, a stalled send the watchdog cuts — resets
 * the stream with CANCEL, the RST. A reset by the client fails reads and writes. Only this stream ends: the
 * connection and its other streams carry on. A tunnel cannot hibernate: the connection's thread keeps reading for
 * the other streams anyway.
 */
final class Http2Tunnel implements TransportConnection {

    /**
     * How long a closed tunnel waits for the client to end its side before the stream is reset (NO_ERROR): a
     * WebSocket client ends it as soon as it has read the close frame, and a client that never does must not keep
     * one of its concurrent-stream slots.
     */
    static final Duration CLOSE_LINGER = Duration.ofSeconds(2);

    private final Http2Stream stream;
    /** Held while DATA goes out, so that END_STREAM never overtakes a write in progress. */
    private final ReentrantLock writing = new ReentrantLock();
    private volatile boolean closed;
    /** Guarded by {@link #writing}. */
    private boolean outputShut;

    Http2Tunnel(Http2Stream stream) {
        this.stream = stream;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            throw new SocketException("tunnel closed");
        }
        return stream.requestBody().read(buffer, offset, length);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        writing.lock();
        try {
            if (closed || outputShut) {
                throw new SocketException("tunnel output closed");
            }
            stream.http2Response().tunnelData(ByteBuffer.wrap(buffer, offset, length), false);
        } finally {
            writing.unlock();
        }
    }

    /** The stream's idle timeout, which its reads wait at most. */
    @Override
    public void setReadTimeout(Duration timeout) {
        stream.setIdleTimeout(timeout);
    }

    @Override
    public void shutdownOutput() throws IOException {
        writing.lock();
        try {
            endOutput();
        } finally {
            writing.unlock();
        }
    }

    private void endOutput() throws IOException {
        if (!outputShut && !stream.isReset()) {
            outputShut = true;
            stream.http2Response().tunnelData(ByteBuffer.allocate(0), true);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (writing.tryLock()) {
            try {
                endOutput();
            } catch (IOException e) {
                stream.connection().reset(stream, Http2ErrorCode.CANCEL);
            } finally {
                writing.unlock();
            }
        } else {
            // A write is blocked (no window, or the watchdog cutting a stalled send): END_STREAM cannot follow it,
            // so the tunnel ends as TCP would with data unsent, with a reset. That also wakes the blocked writer.
            stream.connection().reset(stream, Http2ErrorCode.CANCEL);
        }
        // A thread blocked in read() wakes, as a closed socket's would; what the client still sends is dropped.
        stream.requestBody().fail(new SocketException("tunnel closed"));
    }

    @Override
    public boolean isOpen() {
        return !closed && !stream.isReset();
    }

    @Override
    public SocketAddress localAddress() {
        return stream.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return stream.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return stream.isSecure();
    }

    @Override
    public SSLSession sslSession() {
        return stream.connection().transport().sslSession();
    }

    @Override
    public String applicationProtocol() {
        return stream.connection().transport().applicationProtocol();
    }

    @Override
    public String toString() {
        return "tunnel on " + stream;
    }
}
