package io.corral.connector.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pools give memory back (issue 18): after a flood borrowed thousands of buffers, the pool keeps only what the
 * last window or two needed, so the flood's buffers are garbage within two windows of its end; in steady use it
 * keeps what that use needs and allocates nothing.
 */
class ByteArrayPoolRetentionTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);

    private final AtomicLong clock = new AtomicLong(1_000);
    private final ByteArrayPool pool = new ByteArrayPool(16, 4096, WINDOW, clock::get, null);

    private void advance(Duration by) {
        clock.addAndGet(by.toNanos());
    }

    /** Borrows {@code count} arrays at once and gives them all back. */
    private void spike(int count) {
        List<byte[]> borrowed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            borrowed.add(pool.acquire());
        }
        borrowed.forEach(pool::release);
    }

    @Test
    @DisplayName("a flood's buffers are kept for up to two windows after it, then let go down to what steady use needs")
    void aFloodsBuffersAreLetGoWithinTwoWindows() {
        spike(3000);
        assertEquals(3000, pool.pooledCount(), "right after the flood, kept: another may follow");
        for (int second = 0; second < 2 * WINDOW.toSeconds() + 1; second++) {
            advance(Duration.ofSeconds(1));
            spike(5); // the control traffic: five buffers at once, every second
        }
        assertTrue(pool.pooledCount() <= 5, "two windows on, only what steady use needs: " + pool.pooledCount());
    }

    @Test
    @DisplayName("steady use is served from the pool: the array given back is the one handed out next")
    void steadyUseReusesItsArrays() {
        byte[] first = pool.acquire();
        pool.release(first);
        for (int i = 0; i < 10; i++) {
            advance(WINDOW);
            byte[] again = pool.acquire();
            assertSame(first, again, "window " + i);
            pool.release(again);
        }
    }

    @Test
    @DisplayName("never more than maxPooled, and arrays of another size are not kept")
    void boundedAndSizeChecked() {
        ByteArrayPool small = new ByteArrayPool(16, 10, WINDOW, clock::get, null);
        List<byte[]> borrowed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            borrowed.add(small.acquire());
        }
        borrowed.forEach(small::release);
        assertEquals(10, small.pooledCount());
        small.release(new byte[32]);
        assertEquals(10, small.pooledCount());
        assertNotSame(borrowed.get(0), new byte[16]);
    }

    @Test
    @DisplayName("a pool nobody uses after a flood still gives its arrays back: the trimmer rolls its windows")
    void anUnusedPoolEmptiesOnItsOwn() {
        // Real time, short windows: the trimmer's thread is what is tested, so no fake clock can stand in for it.
        PoolTrimmer trimmer = new PoolTrimmer(Duration.ofMillis(10));
        ByteArrayPool unused = new ByteArrayPool(16, 4096, Duration.ofMillis(50), System::nanoTime, trimmer);
        List<byte[]> flood = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            flood.add(unused.acquire());
        }
        flood.forEach(unused::release);
        assertEquals(1000, unused.pooledCount(), "right after the flood, kept: another may follow");
        // From here on, nothing touches the pool.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (unused.pooledCount() > 0 && System.nanoTime() - deadline < 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
        assertEquals(0, unused.pooledCount(), "two windows and a tick on, nothing kept");
        assertEquals(0, unused.borrowedCount());
    }
}
