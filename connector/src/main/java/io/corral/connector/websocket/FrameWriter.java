package io.corral.connector.websocket;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.transport.ByteSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Writes WebSocket frames (RFC 6455 §5.2). A server writes them unmasked; the client role masks every
 * frame with a fresh key from a strong random source (§5.3), for Corral's own test clients. Each frame
 * goes out in as few writes as possible without copying large payloads: small frames are copied with
 * their header into one array (one write, one TCP segment); frames up to 16 KiB use a pooled array the
 * same way; larger payloads are written from the caller's array right after the header. Stateless and
 * thread-safe; keeping concurrent frames of one connection apart is the caller's job.
 */
public final class FrameWriter {

    /** Longest header: 2 bytes, 8 extended-length bytes, 4 masking-key bytes. */
    public static final int MAX_HEADER_LENGTH = 14;
    /** Longest header of an unmasked (server) frame. */
    public static final int MAX_SERVER_HEADER_LENGTH = 10;

    /** Pooled arrays: room for a 16 KiB payload plus the longest header. */
    static final int CHUNK_SIZE = 16 * 1024 + MAX_HEADER_LENGTH;
    /**
     * Chunks lent while a frame is written, or a large compressed frame read, by any WebSocket connection
     * of the process: an idle connection holds none and a busy one does not allocate one per frame.
     */
    static final ByteArrayPool CHUNKS = new ByteArrayPool(CHUNK_SIZE, Math.max(16, 8 * Runtime.getRuntime().availableProcessors()));

    /** Chunks of the process-wide pool that WebSocket connections have borrowed and not given back yet. */
    public static int borrowedChunks() {
        return CHUNKS.borrowedCount();
    }

    /** Up to this payload a frame is copied into a fresh array of its exact size. */
    private static final int SMALL_PAYLOAD = 256;
    /** Up to this payload a frame is copied into a pooled array; above, header and payload are written apart. */
    static final int COALESCE_LIMIT = CHUNK_SIZE - MAX_HEADER_LENGTH;

    private static final SecureRandom MASK_KEYS = new SecureRandom();

    private final Role role;

    public FrameWriter(Role role) {
        this.role = role;
    }

    /** How many header bytes a frame with this payload length takes. */
    public static int headerLength(long payloadLength, boolean masked) {
        int length = payloadLength < 126 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? length + 4 : length;
    }

    /**
     * Encodes a header into {@code target[offset…]} with the shortest length encoding.
     *
     * @param rsvBits the RSV bits as in the first header byte ({@link FrameParser#RSV1}…)
     * @param maskKey the masking key in wire order, used when {@code masked}
     * @return the header length
     */
    public static int encodeHeader(byte[] target, int offset, boolean fin, int rsvBits, Opcode opcode,
                                   long payloadLength, boolean masked, int maskKey) {
        int i = offset;
        target[i++] = (byte) ((fin ? 0x80 : 0) | (rsvBits & FrameParser.ANY_RSV) | opcode.code());
        int maskBit = masked ? 0x80 : 0;
        if (payloadLength < 126) {
            target[i++] = (byte) (maskBit | payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            target[i++] = (byte) (maskBit | 126);
            target[i++] = (byte) (payloadLength >>> 8);
            target[i++] = (byte) payloadLength;
        } else {
            target[i++] = (byte) (maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                target[i++] = (byte) (payloadLength >>> shift);
            }
        }
        if (masked) {
            target[i++] = (byte) (maskKey >>> 24);
            target[i++] = (byte) (maskKey >>> 16);
            target[i++] = (byte) (maskKey >>> 8);
            target[i++] = (byte) maskKey;
        }
        return i - offset;
    }

    /** Writes one frame whose payload is {@code payload[offset, offset + length)}; the array is not changed. */
    public void write(ByteSink out, boolean fin, int rsvBits, Opcode opcode,
                      byte[] payload, int offset, int length) throws IOException {
        boolean masked = role.masksFrames();
        int maskKey = masked ? MASK_KEYS.nextInt() : 0;
        int headerLength = headerLength(length, masked);
        if (length <= SMALL_PAYLOAD) {
            byte[] frame = new byte[headerLength + length];
            writeCopied(out, frame, fin, rsvBits, opcode, payload, offset, length, masked, maskKey);
        } else if (length <= COALESCE_LIMIT) {
            byte[] chunk = CHUNKS.acquire();
            try {
                writeCopied(out, chunk, fin, rsvBits, opcode, payload, offset, length, masked, maskKey);
            } finally {
                CHUNKS.release(chunk);
            }
        } else if (!masked) {
            byte[] header = new byte[headerLength];
            encodeHeader(header, 0, fin, rsvBits, opcode, length, false, 0);
            out.write(header, 0, headerLength);
            out.write(payload, offset, length);
        } else {
            // Masking must not touch the caller's array, so a large client frame is copied whole.
            writeCopied(out, new byte[headerLength + length], fin, rsvBits, opcode, payload, offset, length, true, maskKey);
        }
    }

    private static void writeCopied(ByteSink out, byte[] frame, boolean fin, int rsvBits, Opcode opcode,
                                    byte[] payload, int offset, int length, boolean masked, int maskKey) throws IOException {
        int headerLength = encodeHeader(frame, 0, fin, rsvBits, opcode, length, masked, maskKey);
        System.arraycopy(payload, offset, frame, headerLength, length);
        if (masked) {
            Masking.apply(frame, headerLength, headerLength + length, maskKey, 0);
        }
        out.write(frame, 0, headerLength + length);
    }

    /**
     * Writes one frame whose payload already sits at {@code array[payloadOffset…]} with room for the
     * header in front of it ({@link #MAX_HEADER_LENGTH} bytes always suffice), in a single write and
     * without copying. The array belongs to the caller and is changed: the header goes into the room, and
     * a client frame's payload is masked in place.
     */
    public void writeWithHeadroom(ByteSink out, boolean fin, int rsvBits, Opcode opcode,
                                  byte[] array, int payloadOffset, int length) throws IOException {
        boolean masked = role.masksFrames();
        int maskKey = masked ? MASK_KEYS.nextInt() : 0;
        int start = payloadOffset - headerLength(length, masked);
        if (start < 0) {
            throw new IllegalArgumentException("no room for the header before offset " + payloadOffset);
        }
        encodeHeader(array, start, fin, rsvBits, opcode, length, masked, maskKey);
        if (masked) {
            Masking.apply(array, payloadOffset, payloadOffset + length, maskKey, 0);
        }
        out.write(array, start, payloadOffset + length - start);
    }

    /** Writes a frame as given (its {@code masked} flag and key are ignored: the role decides). */
    public void write(ByteSink out, Frame frame) throws IOException {
        ByteBuffer payload = frame.payload();
        int length = payload.remaining();
        if (payload.hasArray()) {
            write(out, frame.fin(), frame.rsvBits(), frame.opcode(),
                    payload.array(), payload.arrayOffset() + payload.position(), length);
        } else {
            byte[] copy = new byte[length];
            payload.get(payload.position(), copy);
            write(out, frame.fin(), frame.rsvBits(), frame.opcode(), copy, 0, length);
        }
    }
}
