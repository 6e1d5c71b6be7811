package io.corral.connector.websocket;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small bounded pool of same-sized byte arrays, lent while a large frame is being written or a large
 * compressed frame read, so that an idle connection holds none (Cowboy's hibernate) and a busy one does
 * not allocate a fresh chunk per frame. Borrowing and giving back are a compare-and-set on one slot; when
 * every slot is empty a new array is made, and when every slot is full a returned array is left to the
 * garbage collector, so the pool never blocks and never grows.
 */
final class ByteArrayPool {

    /** Room for a 16 KiB payload plus the longest frame header. */
    static final int CHUNK_SIZE = 16 * 1024 + FrameWriter.MAX_HEADER_LENGTH;

    /** Shared by every WebSocket connection of the process. */
    static final ByteArrayPool SHARED = new ByteArrayPool(CHUNK_SIZE,
            Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

    private final int arraySize;
    private final AtomicReferenceArray<byte[]> slots;

    ByteArrayPool(int arraySize, int slots) {
        this.arraySize = arraySize;
        this.slots = new AtomicReferenceArray<>(slots);
    }

    int arraySize() {
        return arraySize;
    }

    /** An array of {@link #arraySize()} bytes with unspecified content. */
    byte[] borrow() {
        int n = slots.length();
        int start = startSlot(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            byte[] array = slots.get(slot);
            if (array != null && slots.compareAndSet(slot, array, null)) {
                return array;
            }
        }
        return new byte[arraySize];
    }

    /** Returns an array borrowed from this pool; arrays of another size are ignored. */
    void giveBack(byte[] array) {
        if (array == null || array.length != arraySize) {
            return;
        }
        int n = slots.length();
        int start = startSlot(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, array)) {
                return;
            }
        }
    }

    /** Threads start at different slots so that they rarely race for the same one. */
    private static int startSlot(int n) {
        return (int) (Thread.currentThread().threadId() % n);
    }
}
