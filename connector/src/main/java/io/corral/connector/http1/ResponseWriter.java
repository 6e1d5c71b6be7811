package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns response heads, bodies and chunks into bytes on one connection. Small pieces gather in a
 * borrowed buffer so that a head and a short body leave in one write; large bodies go straight from
 * the caller's array. A lock keeps every response part whole when an interim response (100 Continue)
 * and the final response come from different threads. Every write goes through the connection's
 * {@link StallGuard}: a write that makes no progress for the idle timeout is cut, one that keeps moving
 * is not, however long the whole response takes.
 *
 * <p>Whatever produced a response (a handler of the native API, a servlet through Jetty, trailers, the engine
 * itself), its text reaches the wire sanitised here, as Jetty's {@code HttpGenerator} does it, so that a
 * value built from client input can never split the response: in a header name, a control character other
 * than HTAB, a colon or a char above U+00FF becomes {@code '.'}; in a header value, a control character
 * other than HTAB or a char above U+00FF becomes a space; in the reason phrase, the same become {@code '?'}.
 * No char above U+00FF is ever cut to a control byte (U+010D U+010A would otherwise become CR LF). One
 * deliberate difference, for speed: text whose chars above U+00FF all have a printable low byte (and that
 * holds no control character) is written with those low bytes, where Jetty writes spaces; such text is not
 * a valid field value to begin with, and nothing in it can split a response.
 */
final class ResponseWriter implements DeadlineWatchdog.Watched {

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
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long EVERY_BYTE_0X01 = 0x0101010101010101L;
    private static final long EVERY_BYTE_0X20 = 0x2020202020202020L;
    private static final long EVERY_BYTE_COLON = 0x3A3A3A3A3A3A3A3AL;
    private static final long EVERY_BYTE_0X80 = 0x8080808080808080L;

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
        // Jetty cuts a reason phrase at 1024 chars; a longer one is no reason, it is a payload.
        appendSanitised(reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH) : reason,
                REASON_REPLACEMENT);
        append(CRLF);
    }

    /**
     * One header line. The usual line needs no replacement: for it this is two array copies and one scan
     * of the copied line, eight bytes at a time (a loop over each char cost more than all the rest of
     * writing a response in JMH). A line with anything to replace is redone char by char.
     */
    @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): one copy for a Latin-1 string
    void header(String name, String value) {
        int nameLength = name.length();
        int valueLength = value.length();
        ensure(nameLength + valueLength + 4);
        byte[] out = buffer;
        int start = count;
        int valueStart = start + nameLength + 2;
        int end = valueStart + valueLength;
        // Each char's low byte: exact for Latin-1; a wider char whose low byte is a control (U+010A → LF)
        // is caught by the scan and redone below.
        name.getBytes(0, nameLength, out, start);
        out[start + nameLength] = ':';
        out[start + nameLength + 1] = ' ';
        value.getBytes(0, valueLength, out, valueStart);
        out[end] = '\r';
        out[end + 1] = '\n';
        count = end + 2;
        if (hasByteBelowSpace(out, start, end) || hasColon(out, start, start + nameLength)) {
            sanitise(name, out, start, NAME_REPLACEMENT, true);
            sanitise(value, out, valueStart, VALUE_REPLACEMENT, false);
        }
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

    /** Appends status-line text, one byte per char, sanitised like a header value (see the class comment). */
    @SuppressWarnings("deprecation")
    private void appendSanitised(String text, byte replacement) {
        int length = text.length();
        ensure(length);
        int start = count;
        text.getBytes(0, length, buffer, start);
        count = start + length;
        if (hasByteBelowSpace(buffer, start, start + length)) {
            sanitise(text, buffer, start, replacement, false);
        }
    }

    /** Writes {@code text} at {@code at}, one byte per char, each char that must not reach the wire replaced. */
    private static void sanitise(String text, byte[] out, int at, byte replacement, boolean isName) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean forbidden = c > 0xFF || c < 0x20 && c != '\t' || isName && c == ':';
            out[at + i] = forbidden ? replacement : (byte) c;
        }
    }

    /** Whether any byte in {@code [from, to)} is below 0x20: a control character, or HTAB (kept later). */
    private static boolean hasByteBelowSpace(byte[] bytes, int from, int to) {
        if (to - from < Long.BYTES) {
            for (int i = from; i < to; i++) {
                if ((bytes[i] & 0xFF) < 0x20) {
                    return true;
                }
            }
            return false;
        }
        // Eight bytes per step, no branch inside the loop ("has a byte less than n", Bit Twiddling Hacks);
        // the last step overlaps the one before rather than finishing byte by byte.
        long found = 0;
        for (int i = from; i + Long.BYTES <= to; i += Long.BYTES) {
            found |= belowSpace((long) LONGS.get(bytes, i));
        }
        return (found | belowSpace((long) LONGS.get(bytes, to - Long.BYTES))) != 0;
    }

    /** Whether any byte in {@code [from, to)} is a colon (a header name must not hold one). */
    private static boolean hasColon(byte[] bytes, int from, int to) {
        if (to - from < Long.BYTES) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == ':') {
                    return true;
                }
            }
            return false;
        }
        long found = 0;
        for (int i = from; i + Long.BYTES <= to; i += Long.BYTES) {
            found |= zeroByte((long) LONGS.get(bytes, i) ^ EVERY_BYTE_COLON);
        }
        return (found | zeroByte((long) LONGS.get(bytes, to - Long.BYTES) ^ EVERY_BYTE_COLON)) != 0;
    }

    /** Non-zero when a byte of {@code word} is below 0x20. */
    private static long belowSpace(long word) {
        return (word - EVERY_BYTE_0X20) & ~word & EVERY_BYTE_0X80;
    }

    /** Non-zero when a byte of {@code word} is zero. */
    private static long zeroByte(long word) {
        return (word - EVERY_BYTE_0X01) & ~word & EVERY_BYTE_0X80;
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
