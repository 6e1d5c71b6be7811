package io.corral.connector.buffer;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A bounded pool of same-sized byte arrays, so that connections borrow I/O buffers while bytes flow and
 * give them back when done instead of allocating (and zeroing) fresh ones on every accept. Past
 * {@code maxPooled} arrays, returned ones are left to the garbage collector: the pool never grows without
 * bound. Arrays come back dirty; users track their own valid range.
 */
public final class ByteArrayPool {

    private final int arraySize;
    private final int maxPooled;
    private final ConcurrentLinkedDeque<byte[]> arrays = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pooled = new AtomicInteger();

    public ByteArrayPool(int arraySize, int maxPooled) {
        if (arraySize <= 0 || maxPooled < 0) {
            throw new IllegalArgumentException("arraySize " + arraySize + ", maxPooled " + maxPooled);
        }
        this.arraySize = arraySize;
        this.maxPooled = maxPooled;
    }

    public int arraySize() {
        return arraySize;
    }

    /** An array of {@link #arraySize()} bytes, reused when one is free. */
    public byte[] acquire() {
        byte[] array = arrays.pollFirst();
        if (array == null) {
            return new byte[arraySize];
        }
        pooled.decrementAndGet();
        return array;
    }

    /** Gives an array back; arrays of another size (grown ones) are dropped. */
    public void release(byte[] array) {
        if (array == null || array.length != arraySize) {
            return;
        }
        // Last in, first out: the most recently used array is the one most likely still in cache.
        if (pooled.incrementAndGet() <= maxPooled) {
            arrays.offerFirst(array);
        } else {
            pooled.decrementAndGet();
        }
    }

    /** How many arrays wait in the pool now. */
    public int pooledCount() {
        return pooled.get();
    }
}
