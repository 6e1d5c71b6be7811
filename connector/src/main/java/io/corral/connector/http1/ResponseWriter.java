package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns response heads, bodies and chunks into bytes on one connection. Small pieces gather in a
 * borrowed buffer so that a head and a short body leave in one write; large bodies go straight from
 * the caller's array. A lock keeps every response part whole when an interim response (100 Continue)
 * and the final response come from different threads. Writes stalled past the idle timeout are cut by
 * the {@link DeadlineWatchdog}.
 *
 * <p>Whatever produced a response (a handler of the native API, a servlet through Jetty, trailers, the engine
 * itself), its text reaches the wire sanitised here, as Jetty's {@code HttpGenerator} does it, so that a
 * value built from client input can never split the response: in a header name, a control character other
 * than HTAB, a colon or a char above U+00FF becomes {@code '.'}; in a header value, a control character
 * other than HTAB or a char above U+00FF becomes a space; in the reason phrase, the same become {@code '?'}.
 * No char above U+00FF is ever cut to its low byte (U+010D U+010A would otherwise become CR LF).
 */
final class ResponseWriter implements DeadlineWatchdog.Watched {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResponseWriter.class);

    /** Enough for a typical head and a short body (a plaintext response is about 150 bytes). */
    private static final int SMALL_BUFFER_SIZE = 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] HTTP_1_1 = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' '};
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** What replaces a char that must not reach the wire; each is valid where it lands (RFC 9110 §5.1, §5.5). */
    private static final byte NAME_REPLACEMENT = '.';
    private static final byte VALUE_REPLACEMENT = ' ';
    private static final byte REASON_REPLACEMENT = '?';
    private static final int MAX_REASON_LENGTH = 1024;

    private final TransportConnection connection;
    private final ByteArrayPool pool;
    private final Duration writeTimeout;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * The connection's own small array for heads and short bodies, so the usual response borrows nothing
     * from the shared pool (a round trip per response showed in profiles); larger ones switch to a pooled
     * array. Allocated on the first response; an upgraded connection drops it with the rest of HTTP.
     */
    private byte[] small;
    private byte[] buffer;
    private int count;
    private volatile long writeDeadline;

    ResponseWriter(TransportConnection connection, ByteArrayPool pool, Duration writeTimeout) {
        this.connection = connection;
        this.pool = pool;
        this.writeTimeout = writeTimeout;
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
        // Jetty cuts a reason phrase at 1024 chars; a longer one is no reason, it is a payload.
        appendSanitised(reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason,
                REASON_REPLACEMENT, false);
        append(CRLF);
    }

    void header(String name, String value) {
        appendSanitised(name, NAME_REPLACEMENT, true);
        ensure(2);
        buffer[count++] = ':';
        buffer[count++] = ' ';
        appendSanitised(value, VALUE_REPLACEMENT, false);
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
        if (writeTimeout.isZero()) {
            connection.write(bytes, offset, length);
            return;
        }
        long deadline = System.nanoTime() + writeTimeout.toNanos();
        writeDeadline = deadline == 0 ? 1 : deadline; // 0 means "not writing"
        try {
            connection.write(bytes, offset, length);
        } finally {
            writeDeadline = 0;
        }
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
     * Appends header or status-line text, one byte per char, with every char that must not reach the wire
     * replaced (see the class comment). The usual text needs no replacement, and for it this is one pass
     * that only reads the chars (a branch-free reduction the JIT keeps tight) plus one array copy: a loop
     * that wrote char by char here was the costliest part of committing a response in profiles.
     */
    @SuppressWarnings("deprecation")
    private void appendSanitised(String text, byte replacement, boolean isName) {
        int length = text.length();
        ensure(length);
        // Negative once any char is below SP (a control, or HTAB, which the careful path lets through) or
        // above U+00FF.
        int outOfRange = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            outOfRange |= (c - 0x20) | (0xFF - c);
        }
        if (outOfRange >= 0 && (!isName || text.indexOf(':') < 0)) {
            // Latin-1 only, so the deprecated copy (which keeps each char's low byte) is exact.
            text.getBytes(0, length, buffer, count);
            count += length;
            return;
        }
        byte[] out = buffer;
        int at = count;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean forbidden = c > 0xFF || c < 0x20 && c != '\t' || isName && c == ':';
            out[at + i] = forbidden ? replacement : (byte) c;
        }
        count = at + length;
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
        long deadline = writeDeadline;
        if (deadline != 0 && now - deadline > 0) {
            LOG.debug("write to {} stalled past the idle timeout of {} ms: closing", connection.remoteAddress(),
                    writeTimeout.toMillis());
            connection.close();
        }
    }

    @Override
    public long shortestTimeoutNanos() {
        return writeTimeout.toNanos();
    }

    @Override
    public String toString() {
        return "response writer to " + connection.remoteAddress();
    }
}
