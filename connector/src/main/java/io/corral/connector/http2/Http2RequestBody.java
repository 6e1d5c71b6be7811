package io.corral.connector.http2;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream's request body: DATA payloads the connection's thread hands over, read by the stream's thread. What
 * waits here is bounded by the stream's receive window (the client may not send more than we opened), and the
 * window reopens as the handler reads, so a handler that does not read stops its own client, not the others.
 */
final class Http2RequestBody implements RequestBody {

    private final Http2Stream stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int offset;
    private boolean ended;
    private IOException failure;
    private HttpHeaders trailers = new HttpHeaders();
    private Runnable demand;

    Http2RequestBody(Http2Stream stream, boolean ended) {
        this.stream = stream;
        this.ended = ended;
    }

    /** From the connection's thread: a DATA payload, and whether it ended the body. */
    void onData(byte[] data, boolean last) {
        lock.lock();
        try {
            if (data.length > 0) {
                chunks.add(data);
            }
            ended |= last;
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** From the connection's thread: trailers end the body. */
    void onTrailers(HttpHeaders fields) {
        lock.lock();
        try {
            trailers = fields;
            ended = true;
            signal();
        } finally {
            lock.unlock();
        }
    }

    /** The stream was reset or the connection ended: reads fail from now on (after what has arrived). */
    void fail(IOException cause) {
        lock.lock();
        try {
            if (!ended && failure == null) {
                failure = cause;
                signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void signal() {
        arrived.signalAll();
        Runnable callback = demand;
        if (callback != null) {
            demand = null;
            Thread.ofVirtual().start(callback);
        }
    }

    @Override
    public int read(byte[] buffer, int off, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        stream.sendContinueIfExpected();
        int taken;
        lock.lock();
        try {
            long timeout = stream.idleTimeoutNanos();
            long deadline = System.nanoTime() + timeout;
            while (chunks.isEmpty() && !ended && failure == null) {
                long left = timeout == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("request body read timed out");
                }
                arrived.await(Math.min(left, TimeUnit.DAYS.toNanos(1)), TimeUnit.NANOSECONDS);
            }
            if (chunks.isEmpty()) {
                if (ended) {
                    return -1;
                }
                throw failure;
            }
            byte[] chunk = chunks.peek();
            taken = Math.min(length, chunk.length - offset);
            System.arraycopy(chunk, offset, buffer, off, taken);
            offset += taken;
            if (offset == chunk.length) {
                chunks.poll();
                offset = 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted reading the request body");
        } finally {
            lock.unlock();
        }
        stream.consumed(taken);
        return taken;
    }

    @Override
    public ByteBuffer readAvailable() throws IOException {
        stream.sendContinueIfExpected();
        byte[] chunk;
        int from;
        lock.lock();
        try {
            if (chunks.isEmpty()) {
                if (ended) {
                    return null;
                }
                if (failure != null) {
                    throw failure;
                }
                return ByteBuffer.allocate(0);
            }
            chunk = chunks.poll();
            from = offset;
            offset = 0;
        } finally {
            lock.unlock();
        }
        stream.consumed(chunk.length - from);
        return ByteBuffer.wrap(chunk, from, chunk.length - from);
    }

    @Override
    public void demand(Runnable onAvailable) {
        stream.sendContinueIfExpected();
        lock.lock();
        try {
            if (!chunks.isEmpty() || ended || failure != null) {
                Thread.ofVirtual().start(onAvailable);
            } else {
                demand = onAvailable;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether END_STREAM (with DATA or trailers) has been handed over, read or not. */
    boolean hasEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isFinished() {
        lock.lock();
        try {
            return ended && chunks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HttpHeaders trailers() {
        lock.lock();
        try {
            return ended && chunks.isEmpty() ? trailers : new HttpHeaders();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public InputStream asInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return Http2RequestBody.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return Http2RequestBody.this.read(b, off, len);
            }
        };
    }
}
