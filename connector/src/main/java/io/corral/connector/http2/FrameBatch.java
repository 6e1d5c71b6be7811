package io.corral.connector.http2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Frames laid end to end in one growable array, waiting to leave in one socket write: {@link Http2Output}'s queue.
 * Frames are written straight into it (a frame header, then the payload copied once from where the caller holds
 * it), so queueing a frame allocates nothing once the array is large enough.
 *
 * <p>It is a {@link ByteArrayOutputStream} only so that the HPACK encoder can encode a field block straight into
 * it; unlike its parent it is not synchronized (its owner's lock guards it) and it hands its array out for the
 * socket write instead of copying it.
 */
final class FrameBatch extends ByteArrayOutputStream {

    FrameBatch(int capacity) {
        super(capacity);
    }

    @Override
    public void write(int b) {
        ensureRoom(1);
        buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensureRoom(length);
        System.arraycopy(bytes, offset, buf, count, length);
        count += length;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public void reset() {
        count = 0;
    }

    /** The array holding the frames: its first {@link #size()} octets are what goes out. */
    byte[] array() {
        return buf;
    }

    int capacity() {
        return buf.length;
    }

    /** Forgets what was written from {@code size} on (a frame whose encoding is redone another way). */
    void truncate(int size) {
        count = size;
    }

    /** A frame header (RFC 9113 §4.1) at the end. */
    void frameHeader(int length, int type, int flags, int streamId) {
        ensureRoom(Http2Frame.HEADER_LENGTH);
        Http2FrameWriter.header(buf, count, length, type, flags, streamId);
        count += Http2Frame.HEADER_LENGTH;
    }

    /** Rewrites the length field of the frame header at {@code frameStart}, once its payload is known. */
    void frameLength(int frameStart, int length) {
        buf[frameStart] = (byte) (length >>> 16);
        buf[frameStart + 1] = (byte) (length >>> 8);
        buf[frameStart + 2] = (byte) length;
    }

    /** Copies {@code length} octets from {@code source}'s position, advancing it. */
    void put(ByteBuffer source, int length) {
        ensureRoom(length);
        source.get(buf, count, length);
        count += length;
    }

    /** {@code length} octets at the end, for a caller that writes them through a {@link ByteBuffer}. */
    ByteBuffer reserve(int length) {
        ensureRoom(length);
        ByteBuffer room = ByteBuffer.wrap(buf, count, length);
        count += length;
        return room;
    }

    private void ensureRoom(int length) {
        int needed = count + length;
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, 2 * buf.length));
        }
    }
}
