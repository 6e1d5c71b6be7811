package io.corral.connector.http2.wire;

import io.corral.connector.http2.Http2Frame;
import io.corral.connector.transport.ForwardingConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A test-only {@link TransportConnection} that passes everything through, except that the thread writing the first
 * frame a test names — a WINDOW_UPDATE on a stream, or a frame that ends a stream — is kept inside that write, after
 * the frame went out, until the connection's reader has taken {@code answerLength} more octets and come back for
 * more — that is, until the server has handled the client's answer to that frame. It puts the writing thread exactly
 * where a loaded scheduler may leave it (frame sent, nothing after it run yet), so a race between the two threads
 * happens every time rather than once in many runs. The hold ends after {@link #MAX_HOLD} in any case, so a server
 * that never reads on fails the test instead of hanging it.
 */
final class FrameWriteGate extends ForwardingConnection {

    static final Duration MAX_HOLD = Duration.ofSeconds(5);

    private static final int DATA = 0x0, HEADERS = 0x1, WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;

    private final long answerLength;
    private final Predicate<ByteBuffer> gated;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readerBack = lock.newCondition();
    private long bytesRead;
    /** What {@link #bytesRead} was when the reader last came for more. */
    private long readStartedWith;
    private boolean used;

    private FrameWriteGate(TransportConnection delegate, long answerLength, Predicate<ByteBuffer> gated) {
        super(delegate);
        this.answerLength = answerLength;
        this.gated = gated;
    }

    /** Holds the thread that wrote the first WINDOW_UPDATE on a stream. */
    static FrameWriteGate afterStreamWindowUpdate(TransportConnection delegate, long answerLength) {
        return new FrameWriteGate(delegate, answerLength, frame -> frame.remaining() == 13
                && type(frame) == WINDOW_UPDATE && streamId(frame) != 0);
    }

    /** Holds the thread that wrote the first frame ending a stream (DATA or HEADERS with END_STREAM). */
    static FrameWriteGate afterEndStream(TransportConnection delegate, long answerLength) {
        return new FrameWriteGate(delegate, answerLength, frame -> frame.remaining() >= Http2Frame.HEADER_LENGTH
                && (type(frame) == DATA || type(frame) == HEADERS) && (flags(frame) & END_STREAM) != 0
                && streamId(frame) != 0);
    }

    private static int type(ByteBuffer frame) {
        return frame.get(frame.position() + 3) & 0xFF;
    }

    private static int flags(ByteBuffer frame) {
        return frame.get(frame.position() + 4) & 0xFF;
    }

    private static int streamId(ByteBuffer frame) {
        return frame.getInt(frame.position() + 5) & 0x7FFF_FFFF;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        // The answer cannot arrive before the frame goes out: every octet read from here on is the answer. Counted
        // before the write, since this thread may be left anywhere after it, even past the reader's handling.
        long before;
        lock.lock();
        try {
            before = bytesRead;
        } finally {
            lock.unlock();
        }
        connection.write(buffer, offset, length);
        if (containsGatedFrame(buffer, offset, length)) {
            holdUntilTheAnswerIsHandled(before + answerLength);
        }
    }

    /** Whether one of the whole frames in this write (the server's writer may batch several) is the gated one. */
    private boolean containsGatedFrame(byte[] buffer, int offset, int length) {
        int end = offset + length;
        while (end - offset >= Http2Frame.HEADER_LENGTH) {
            int frameLength = Http2Frame.HEADER_LENGTH + (((buffer[offset] & 0xFF) << 16)
                    | ((buffer[offset + 1] & 0xFF) << 8) | (buffer[offset + 2] & 0xFF));
            if (frameLength > end - offset) {
                return false;
            }
            if (gated.test(ByteBuffer.wrap(buffer, offset, frameLength).slice())) {
                return true;
            }
            offset += frameLength;
        }
        return false;
    }

    /** Holds this thread until the reader, having read {@code releaseAt} octets in all, comes for more. */
    private void holdUntilTheAnswerIsHandled(long releaseAt) throws IOException {
        lock.lock();
        try {
            if (used) {
                return;
            }
            used = true;
            long left = MAX_HOLD.toNanos();
            while (readStartedWith < releaseAt && left > 0) {
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
            // The reader asks for more only once it handled every whole frame it had: once it has read the
            // answer, the answer was handled.
            readStartedWith = bytesRead;
            readerBack.signalAll();
        } finally {
            lock.unlock();
        }
        int n = connection.read(buffer, offset, length);
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

    /** Never hibernates: every byte must go through this gate, not through the wrapped connection's wake-up. */
    @Override
    public boolean canHibernate() {
        return false;
    }
}
