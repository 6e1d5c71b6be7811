package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns response heads, bodies and chunks into bytes on one connection. Small pieces gather in a
 * borrowed buffer so that a head and a short body leave in one write; large bodies go straight from
 * the caller's array. A lock keeps every response part whole when an interim response (100 Continue)
 * and the final response come from different threads. Every write goes through the connection's
 * {@link StallGuard}: a write that makes no progress for the idle timeout is cut, one that keeps moving
 * is not, however long the whole response takes.
 */
final class ResponseWriter implements DeadlineWatchdog.Watched {

    /** Enough for a typical head and a short body (a plaintext response is about 150 bytes). */
    private static final int SMALL_BUFFER_SIZE = 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] HTTP_1_1 = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final TransportConnection connection;
    private final ByteArrayPool pool;
    private final StallGuard guard;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * The connection's own small array for heads and short bodies, so the usual response borrows nothing
     * from the shared pool (a round trip per response showed in profiles); larger ones switch to a pooled
     * array. Allocated on the first response; an upgraded connection drops it with the rest of HTTP.
     */
    private byte[] small;
    private byte[] buffer;
    private int count;

    ResponseWriter(TransportConnection connection, ByteArrayPool pool, Duration writeTimeout) {
        this.connection = connection;
        this.pool = pool;
        this.guard = new StallGuard(connection, writeTimeout, null);
    }

    /** Changes how long a write may make no progress (Jetty's {@code HttpStream.setIdleTimeout}). */
    void setWriteTimeout(Duration timeout) {
        guard.setTimeout(timeout);
        DeadlineWatchdog.SHARED.watch(this); // a shorter timeout needs a finer watchdog tick
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    void statusLine(int status, String reason) {
        append(HTTP_1_1);
        ensure(3);
        buffer[count++] = (byte) ('0' + status / 100 % 10);
        buffer[count++] = (byte) ('0' + status / 10 % 10);
        buffer[count++] = (byte) ('0' + status % 10);
        append((byte) ' ');
        append(reason);
        append(CRLF);
    }

    void header(String name, String value) {
        append(name);
        ensure(2);
        buffer[count++] = ':';
        buffer[count++] = ' ';
        append(value);
        append(CRLF);
    }

    void headers(HttpHeaders headers) {
        for (HttpHeaders.Field field : headers) {
            header(field.name(), field.value());
        }
    }

    void raw(byte[] bytes) {
        append(bytes);
    }

    void endOfHead() {
        append(CRLF);
    }

    /** Body bytes as they are (Content-Length or close-delimited framing); consumes {@code content}. */
    void body(ByteBuffer content) throws IOException {
        int length = content.remaining();
        if (length == 0) {
            return;
        }
        if (fits(length)) {
            ensure(length);
            content.get(buffer, count, length);
            count += length;
        } else {
            flush();
            writeDirect(content);
        }
    }

    /** One chunk of a chunked body (RFC 9112 §7.1); nothing for empty content, which would end the body. */
    void chunk(ByteBuffer content) throws IOException {
        int length = content.remaining();
        if (length == 0) {
            return;
        }
        ensure(10);
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            buffer[count++] = HEX[(length >>> shift) & 0xF];
        }
        buffer[count++] = '\r';
        buffer[count++] = '\n';
        body(content);
        append(CRLF);
    }

    /** The last chunk, trailer fields and the final CRLF (RFC 9112 §7.1.2). */
    void lastChunk(HttpHeaders trailers) {
        append(LAST_CHUNK);
        if (trailers != null) {
            headers(trailers);
        }
        append(CRLF);
    }

    /** Writes what gathered and gives the buffer back. */
    void flush() throws IOException {
        if (count == 0) {
            return;
        }
        int length = count;
        count = 0;
        try {
            guardedWrite(buffer, 0, length);
        } finally {
            release();
        }
    }

    /** Drops anything gathered but unwritten (the connection is going away). */
    void discard() {
        count = 0;
        release();
    }

    /**
     * Drops the connection's small array while the connection hibernates between requests: an idle
     * connection keeps no buffer. The next response allocates it again.
     */
    void dropSmallBuffer() {
        if (buffer == null) {
            small = null;
        }
    }

    private void release() {
        byte[] held = buffer;
        buffer = null;
        if (held != null && held != small) {
            pool.release(held);
        }
    }

    private void writeDirect(ByteBuffer content) throws IOException {
        if (content.hasArray()) {
            guardedWrite(content.array(), content.arrayOffset() + content.position(), content.remaining());
            content.position(content.limit());
            return;
        }
        byte[] staging = pool.acquire();
        try {
            while (content.hasRemaining()) {
                int length = Math.min(staging.length, content.remaining());
                content.get(staging, 0, length);
                guardedWrite(staging, 0, length);
            }
        } finally {
            pool.release(staging);
        }
    }

    private void guardedWrite(byte[] bytes, int offset, int length) throws IOException {
        guard.write(bytes, offset, length);
    }

    private boolean fits(int length) {
        int capacity = buffer == null ? pool.arraySize() : Math.max(buffer.length, pool.arraySize());
        return count + length <= capacity;
    }

    private void append(byte b) {
        ensure(1);
        buffer[count++] = b;
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, count, bytes.length);
        count += bytes.length;
    }

    /**
     * Header names and values are ISO-8859-1 by grammar; anything wider is cut to its low byte. That is
     * exactly what the old {@code String.getBytes(int, int, byte[], int)} does, and for the usual Latin-1
     * string it is one array copy: a per-character loop here was the costliest part of committing a
     * response in profiles.
     */
    @SuppressWarnings("deprecation")
    private void append(String text) {
        int length = text.length();
        ensure(length);
        text.getBytes(0, length, buffer, count);
        count += length;
    }

    /**
     * Makes room for {@code needed} more bytes: the connection's small array first, then a pooled one,
     * then (a huge head) a larger array of its own.
     */
    private void ensure(int needed) {
        if (buffer == null) {
            if (small == null) {
                small = new byte[SMALL_BUFFER_SIZE];
            }
            buffer = small;
        }
        if (count + needed <= buffer.length) {
            return;
        }
        byte[] larger = buffer == small && count + needed <= pool.arraySize()
                ? pool.acquire()
                : new byte[Math.max(buffer.length * 2, count + needed)];
        System.arraycopy(buffer, 0, larger, 0, count);
        if (buffer != small) {
            pool.release(buffer);
        }
        buffer = larger;
    }

    @Override
    public void checkDeadlines(long now) {
        guard.checkDeadlines(now);
    }

    @Override
    public long shortestTimeoutNanos() {
        return guard.shortestTimeoutNanos();
    }

    @Override
    public String toString() {
        return "response writer to " + connection.remoteAddress();
    }
}
