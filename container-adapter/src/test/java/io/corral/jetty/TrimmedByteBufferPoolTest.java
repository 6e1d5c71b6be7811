package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.buffer.PoolTrimmer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The retention of the pool Corral's connector hands Jetty, on a clock of the test's: what a peak left in the pool
 * stays for one or two windows, then goes; buffers in use are never taken.
 */
class TrimmedByteBufferPoolTest {

    private static final Duration WINDOW = Duration.ofSeconds(20);
    private static final int SIZE = 32 * 1024;

    private final AtomicLong clock = new AtomicLong();
    // The shared trimmer may call trim() too, at its ticks: harmless, the clock only moves when the test moves it.
    private final TrimmedByteBufferPool pool = new TrimmedByteBufferPool(WINDOW, clock::get, PoolTrimmer.SHARED);

    private List<RetainableByteBuffer> acquire(int count) {
        List<RetainableByteBuffer> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buffers.add(pool.acquire(SIZE, true));
        }
        return buffers;
    }

    private static void release(List<RetainableByteBuffer> buffers) {
        buffers.forEach(RetainableByteBuffer::release);
    }

    private void nextWindow() {
        clock.addAndGet(WINDOW.toNanos());
    }

    @Test
    @DisplayName("a burst's buffers stay pooled within its window and go at its end")
    void aBurstGoesAtTheEndOfItsWindow() {
        release(acquire(100));
        assertEquals(100, pool.getDirectByteBufferCount(), "pooled once given back");
        assertFalse(pool.trim(), "within the window: kept, another burst may follow");
        assertEquals(100, pool.getDirectByteBufferCount());
        nextWindow();
        assertTrue(pool.trim(), "nothing seen in use at the window's end: all go, the pool is empty");
        assertEquals(0, pool.getDirectByteBufferCount());
        assertEquals(0, pool.getDirectMemory());
    }

    @Test
    @DisplayName("buffers seen in use at once are kept pooled for the next window, then go")
    void aSeenPeakIsKeptForOneMoreWindow() {
        release(acquire(50)); // 50 pooled
        List<RetainableByteBuffer> busy = acquire(50); // the same 50, in use
        assertFalse(pool.trim(), "a tick sees 50 in use");
        release(busy);
        nextWindow();
        pool.trim();
        assertEquals(50, pool.getDirectByteBufferCount(), "the window that ends saw 50 in use: kept");
        nextWindow();
        assertTrue(pool.trim());
        assertEquals(0, pool.getDirectByteBufferCount(), "a window without use: gone");
    }

    @Test
    @DisplayName("buffers in use are never taken, and go back to the pool when given back")
    void buffersInUseStay() {
        release(acquire(20));
        List<RetainableByteBuffer> busy = acquire(20);
        nextWindow();
        assertFalse(pool.trim(), "holds buffers in use");
        nextWindow();
        assertFalse(pool.trim());
        assertEquals(20, pool.getDirectByteBufferCount(), "none of the 20 in use was taken");
        release(busy);
        assertEquals(20, pool.getAvailableDirectByteBufferCount());
    }

    @Test
    @DisplayName("the buffers a servlet gets are Jetty's default pool's: same capacities, direct when asked")
    void sameBuffersAsJettysDefaultPool() {
        org.eclipse.jetty.io.ArrayByteBufferPool jetty = new org.eclipse.jetty.io.ArrayByteBufferPool();
        for (int size : new int[] {1, 4096, 4097, 32 * 1024, 64 * 1024, 64 * 1024 + 1}) {
            for (boolean direct : new boolean[] {true, false}) {
                RetainableByteBuffer ours = pool.acquire(size, direct);
                RetainableByteBuffer theirs = jetty.acquire(size, direct);
                assertEquals(theirs.capacity(), ours.capacity(), "capacity for " + size);
                assertEquals(theirs.isDirect(), ours.isDirect());
                ours.release();
                theirs.release();
            }
        }
        assertEquals(jetty.getMaxCapacity(), pool.getMaxCapacity());
        assertEquals(jetty.toString().replaceAll(".*\\{", ""), pool.toString().replaceAll(".*\\{", ""),
                "same buckets and memory bounds, holding the same");
    }
}
