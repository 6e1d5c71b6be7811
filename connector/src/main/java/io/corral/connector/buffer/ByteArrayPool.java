package io.corral.connector.buffer;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A bounded pool of same-sized byte arrays, so that connections borrow I/O buffers while bytes flow and
 * give them back when done instead of allocating (and zeroing) fresh ones on every accept. Past
 * {@code maxPooled} arrays, returned ones are left to the garbage collector: the pool never grows without
 * bound. Arrays come back dirty; users track their own valid range.
 *
 * <p>It also gives memory back after a spike: it keeps only as many arrays as were borrowed at once at most in the
 * last one or two {@linkplain #DEFAULT_WINDOW windows}, so the thousands of buffers a flood borrowed are left to
 * the garbage collector within two windows of its end instead of staying for the life of the process. The
 * bookkeeping is a clock check on acquire and release; a pool nobody touches any more is looked at by the shared
 * {@link PoolTrimmer} while it holds arrays, so heap after a flood returns to its earlier level within a minute
 * even when no traffic follows.
 */
public final class ByteArrayPool implements TrimmablePool {

    /**
     * How long a peak of borrowed arrays keeps its arrays pooled: between one and two of these, plus a trimmer's
     * tick (a quarter of it) when nothing uses the pool — at most 45 s, within the minute an operator may expect.
     */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(20);

    private final int arraySize;
    private final int maxPooled;
    private final ConcurrentLinkedDeque<byte[]> arrays = new ConcurrentLinkedDeque<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private final AtomicInteger borrowed = new AtomicInteger();
    private final long windowNanos;
    private final LongSupplier clock;
    /** Most arrays borrowed at once in the current window, and in the one before. */
    private final AtomicInteger peak = new AtomicInteger();
    private volatile int previousPeak;
    private final AtomicLong windowEnds;
    private final PoolTrimmer trimmer;
    /** Whether the trimmer looks after this pool now. */
    private volatile boolean trimmed;
    /** How the trimmer holds this pool: weakly, one reference for the pool's life (the trimmer's set key). */
    private final WeakReference<ByteArrayPool> asWatched = new WeakReference<>(this);

    public ByteArrayPool(int arraySize, int maxPooled) {
        this(arraySize, maxPooled, DEFAULT_WINDOW, System::nanoTime, PoolTrimmer.SHARED);
    }

    /** With a window, a clock ({@link System#nanoTime()}-like) and a trimmer of the caller's: for tests. */
    ByteArrayPool(int arraySize, int maxPooled, Duration window, LongSupplier clock, PoolTrimmer trimmer) {
        if (arraySize <= 0 || maxPooled < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("arraySize " + arraySize + ", maxPooled " + maxPooled + ", window " + window);
        }
        this.arraySize = arraySize;
        this.maxPooled = maxPooled;
        this.windowNanos = window.toNanos();
        this.clock = clock;
        this.windowEnds = new AtomicLong(clock.getAsLong() + windowNanos);
        this.trimmer = trimmer;
    }

    public int arraySize() {
        return arraySize;
    }

    /** An array of {@link #arraySize()} bytes, reused when one is free. */
    public byte[] acquire() {
        rollWindow(); // first: a new window's retention must still count the array this call is about to take
        int now = borrowed.incrementAndGet();
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
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
            // A grown array replaced a pooled one, which was released when it grew: nothing is borrowed now.
            return;
        }
        borrowed.decrementAndGet();
        rollWindow();
        // Last in, first out: the most recently used array is the one most likely still in cache. Kept only while
        // pooled and borrowed arrays together stay within the recent peak.
        if (pooled.incrementAndGet() <= retention()) {
            arrays.offerFirst(array);
            if (!trimmed) {
                watch();
            }
        } else {
            pooled.decrementAndGet();
        }
    }

    /** For the {@link PoolTrimmer}: rolls the window when due; true when nothing is pooled any more. */
    @Override
    public boolean trim() {
        rollWindow();
        return pooled.get() == 0;
    }

    /** For the {@link PoolTrimmer}, once it let go of this pool: asks again if arrays were pooled meanwhile. */
    @Override
    public void unwatched() {
        trimmed = false;
        if (pooled.get() > 0) {
            watch();
        }
    }

    private void watch() {
        trimmed = true;
        if (trimmer != null) {
            trimmer.watch(asWatched);
        }
    }

    /**
     * How many arrays are borrowed now (acquired and not yet given back): back to its level before a load
     * once the load is over, or some connection kept a buffer — what leak checks look at.
     */
    public int borrowedCount() {
        return borrowed.get();
    }

    /** How many arrays wait in the pool now. */
    public int pooledCount() {
        return pooled.get();
    }

    /** How many pooled arrays it keeps at most now: the recent peak of borrowed ones, less those borrowed now. */
    private int retention() {
        int recentPeak = Math.max(peak.get(), previousPeak);
        return Math.min(maxPooled, Math.max(0, recentPeak - Math.max(0, borrowed.get())));
    }

    /** At a window's end: the current peak becomes the previous one, and arrays beyond the retention go. */
    private void rollWindow() {
        long ends = windowEnds.get();
        long now = clock.getAsLong();
        if (now - ends < 0 || !windowEnds.compareAndSet(ends, now + windowNanos)) {
            return;
        }
        previousPeak = peak.getAndSet(Math.max(0, borrowed.get()));
        int keep = retention();
        while (pooled.get() > keep && arrays.pollLast() != null) {
            pooled.decrementAndGet(); // the least recently used go first
        }
    }
}
