package io.corral.connector.websocket;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of the one incoming message a connection is assembling, held only while that message is in
 * flight: the array is made when its first payload byte needs a home and dropped as soon as the message
 * is handed over, so an idle connection keeps nothing here. Never grows past the message size limit.
 */
final class MessageBuffer {

    /** Up to this size a frame's announced length is allocated at once; beyond, the array grows as bytes arrive. */
    static final int EAGER_CAPACITY = 1024 * 1024;
    /** First array for decompressed output, whose size nothing announces. */
    static final int FIRST_INFLATE_CAPACITY = 1024;

    private final int limit;
    private byte[] array;
    private int length;

    MessageBuffer(int limit) {
        this.limit = limit;
    }

    /**
     * Makes room for at least {@code minCapacity} bytes in all, allocating {@code expectedTotal} (the
     * message length the headers announce) at once when that is reasonable.
     */
    void ensureCapacity(int minCapacity, long expectedTotal) {
        if (array != null && array.length >= minCapacity) {
            return;
        }
        long wanted = expectedTotal <= EAGER_CAPACITY
                ? expectedTotal
                : Math.min(expectedTotal, Math.max(EAGER_CAPACITY, 2L * capacity()));
        resize((int) Math.min(limit, Math.max(minCapacity, wanted)));
    }

    /**
     * Makes more room for decompressed output, doubling up to the limit.
     *
     * @return false when the buffer is already as large as the limit allows
     */
    boolean growForInflate(int hint) {
        if (capacity() >= limit) {
            return false;
        }
        long wanted = array == null ? Math.max(FIRST_INFLATE_CAPACITY, hint) : 2L * array.length;
        resize((int) Math.min(limit, wanted));
        return true;
    }

    private void resize(int capacity) {
        array = array == null ? new byte[capacity] : Arrays.copyOf(array, capacity);
    }

    void append(byte[] source, int offset, int count, long expectedTotal) {
        ensureCapacity(length + count, expectedTotal);
        System.arraycopy(source, offset, array, length, count);
        length += count;
    }

    byte[] array() {
        return array;
    }

    int length() {
        return length;
    }

    int capacity() {
        return array == null ? 0 : array.length;
    }

    int free() {
        return capacity() - length;
    }

    /** Counts bytes written straight into {@link #array()} after {@link #length()}. */
    void advance(int count) {
        length += count;
    }

    /** Hands the bytes over as a buffer of exactly the message's length, and forgets them. */
    ByteBuffer takeBytes() {
        ByteBuffer bytes = array == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(array, 0, length).slice();
        release();
        return bytes;
    }

    /** Drops the array: the connection is idle again, or failing. */
    void release() {
        array = null;
        length = 0;
    }
}
