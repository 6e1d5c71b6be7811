package io.corral.bench.sidebyside;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455 that the load generators need, written against raw sockets so that every
 * byte is the benchmark's own: the opening handshake (with the {@code Sec-WebSocket-Accept} check),
 * masked frames with a fresh random key per frame as section 5.3 requires, and reading the server's
 * unmasked frames. One instance per connection: it owns a scratch buffer for outgoing frames.
 */
final class WebSocketWire {

    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_HEAD = 8192;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** A frame's header as read: its payload has been read into the caller's buffer. */
    record FrameHeader(boolean fin, boolean rsv1, int opcode, int length) {}

    private byte[] frame = new byte[256];

    /**
     * Sends the opening handshake for {@code path} and reads the response head, byte by byte from
     * {@code in} (which should be buffered) so that nothing behind it is consumed.
     *
     * @param extensions a {@code Sec-WebSocket-Extensions} offer, or null for none
     * @return the response head
     * @throws IOException when the answer is not a valid 101 for this key
     */
    static String handshake(OutputStream out, InputStream in, InetSocketAddress server, String path, String extensions)
            throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + (extensions == null ? "" : "Sec-WebSocket-Extensions: " + extensions + "\r\n")
                + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no 101: " + head.lines().findFirst().orElse(""));
        }
        String accept = headerValue(head, "sec-websocket-accept");
        if (!acceptFor(key).equals(accept)) {
            throw new IOException("wrong Sec-WebSocket-Accept " + accept + " for key " + key);
        }
        return head;
    }

    /** Reads an HTTP response head up to and including its empty line. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder(256);
        while (head.length() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the response head");
            }
            head.append((char) b);
            int n = head.length();
            if (n >= 4 && b == '\n' && head.charAt(n - 2) == '\r' && head.charAt(n - 3) == '\n'
                    && head.charAt(n - 4) == '\r') {
                return head.toString();
            }
        }
        throw new IOException("response head over " + MAX_HEAD + " bytes");
    }

    /** The value of the first header named {@code lowerCaseName} in {@code head}, trimmed, or null. */
    static String headerValue(String head, String lowerCaseName) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(lowerCaseName)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    static String acceptFor(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Writes one final frame, masked with a fresh random key, in one write call. */
    void writeFrame(OutputStream out, int opcode, byte[] payload, int offset, int length) throws IOException {
        int headerLength = 2 + (length < 126 ? 0 : length < 65536 ? 2 : 8) + 4;
        if (frame.length < headerLength + length) {
            frame = new byte[headerLength + length];
        }
        frame[0] = (byte) (0x80 | opcode);
        int position;
        if (length < 126) {
            frame[1] = (byte) (0x80 | length);
            position = 2;
        } else if (length < 65536) {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
            position = 4;
        } else {
            frame[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
            position = 10;
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame[position] = (byte) (mask >>> 24);
        frame[position + 1] = (byte) (mask >>> 16);
        frame[position + 2] = (byte) (mask >>> 8);
        frame[position + 3] = (byte) mask;
        position += 4;
        mask(payload, offset, length, mask, frame, position);
        out.write(frame, 0, position + length);
        out.flush();
    }

    /** {@code to[toOffset + i] = from[offset + i] ^ key[i % 4]}, eight bytes at a time. */
    static void mask(byte[] from, int offset, int length, int key, byte[] to, int toOffset) {
        long wide = (key & 0xFFFFFFFFL) << 32 | (key & 0xFFFFFFFFL);
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            LONGS.set(to, toOffset + i, (long) LONGS.get(from, offset + i) ^ wide);
        }
        for (; i < length; i++) {
            to[toOffset + i] = (byte) (from[offset + i] ^ (key >>> (24 - 8 * (i & 3))));
        }
    }

    /**
     * Reads one frame from the server: its header, and its payload into {@code payload} from
     * {@code offset}. A server's frames are never masked (RFC 6455 §5.1).
     *
     * @throws IOException on a masked frame, one larger than the buffer's room, or the end of the stream
     */
    static FrameHeader readFrame(InputStream in, byte[] payload, int offset) throws IOException {
        int b0 = readByte(in);
        int b1 = readByte(in);
        if ((b1 & 0x80) != 0) {
            throw new IOException("server frame is masked");
        }
        long length = b1 & 0x7F;
        if (length == 126) {
            length = (long) readByte(in) << 8 | readByte(in);
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = length << 8 | readByte(in);
            }
        }
        if (length > payload.length - offset) {
            throw new IOException("frame of " + length + " bytes, room for " + (payload.length - offset));
        }
        int n = (int) length;
        if (in.readNBytes(payload, offset, n) != n) {
            throw new EOFException("connection closed inside a frame");
        }
        return new FrameHeader((b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0F, n);
    }

    private static int readByte(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed");
        }
        return b;
    }

    /** A masked close frame with status 1000, then waits for the server's close (bounded by the socket timeout). */
    void close(OutputStream out, InputStream in, byte[] scratch) throws IOException {
        writeFrame(out, OP_CLOSE, new byte[] {0x03, (byte) 0xE8}, 0, 2);
        for (int frames = 0; frames < 1000; frames++) {
            if (readFrame(in, scratch, 0).opcode() == OP_CLOSE) {
                return;
            }
        }
    }
}
