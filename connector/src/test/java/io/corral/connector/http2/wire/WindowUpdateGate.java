package io.corral.connector.http2.wire;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSession;

/**
 * A test-only {@link TransportConnection} that passes everything through, except that the thread writing the first
 * WINDOW_UPDATE on a stream is kept inside that write, after the frame went out, until the connection's reader has
 * taken {@code answerLength} more octets and come back for more — that is, until the server has handled the
 * client's answer to the WINDOW_UPDATE. It puts the stream's thread exactly where a loaded scheduler may leave it
 * (frame sent, nothing after it run yet), so a race between the two threads happens every time rather than once in
 * many runs. The hold ends after {@link #MAX_HOLD} in any case, so a server that never reads on fails the test
 * instead of hanging it.
 */
final class WindowUpdateGate implements TransportConnection {

    static final Duration MAX_HOLD = Duration.ofSeconds(5);

    private static final int WINDOW_UPDATE = 0x8;

    private final TransportConnection delegate;
    private final long answerLength;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readerBack = lock.newCondition();
    private long bytesRead;
    /** Octets read once the reader has handled the answer; -1 until the gate holds a write. */
    private long releaseAt = -1;
    private boolean readerCameBack;
    private boolean used;

    WindowUpdateGate(TransportConnection delegate, long answerLength) {
        this.delegate = delegate;
        this.answerLength = answerLength;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        delegate.write(buffer, offset, length);
        if (isStreamWindowUpdate(buffer, offset, length)) {
            holdUntilTheAnswerIsHandled();
        }
    }

    private boolean isStreamWindowUpdate(byte[] buffer, int offset, int length) {
        if (length != 13 || (buffer[offset + 3] & 0xFF) != WINDOW_UPDATE) {
            return false;
        }
        int streamId = ((buffer[offset + 5] & 0x7F) << 24) | ((buffer[offset + 6] & 0xFF) << 16)
                | ((buffer[offset + 7] & 0xFF) << 8) | (buffer[offset + 8] & 0xFF);
        return streamId != 0;
    }

    private void holdUntilTheAnswerIsHandled() throws IOException {
        lock.lock();
        try {
            if (used) {
                return;
            }
            used = true;
            releaseAt = bytesRead + answerLength;
            long left = MAX_HOLD.toNanos();
            while (!readerCameBack && left > 0) {
                left = readerBack.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at the gate");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        lock.lock();
        try {
            // The reader asks for more only once it handled every whole frame it had: past releaseAt, the
            // answer was handled.
            if (releaseAt >= 0 && bytesRead >= releaseAt) {
                readerCameBack = true;
                readerBack.signalAll();
            }
        } finally {
            lock.unlock();
        }
        int n = delegate.read(buffer, offset, length);
        if (n > 0) {
            lock.lock();
            try {
                bytesRead += n;
            } finally {
                lock.unlock();
            }
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return delegate.available();
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        delegate.setReadTimeout(timeout);
    }

    @Override
    public void shutdownOutput() throws IOException {
        delegate.shutdownOutput();
    }

    @Override
    public SocketAddress localAddress() {
        return delegate.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public SSLSession sslSession() {
        return delegate.sslSession();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
