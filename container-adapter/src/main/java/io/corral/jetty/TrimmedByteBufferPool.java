package io.corral.jetty;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.buffer.PoolTrimmer;
import io.corral.connector.buffer.TrimmablePool;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Pool;

/**
 * The {@link org.eclipse.jetty.io.ByteBufferPool} a {@link CorralConnector} hands Jetty (its handlers' response
 * buffers, the request body chunks, WebSocket frames): Jetty's default {@link ArrayByteBufferPool}, same buckets and
 * same memory bounds, so a servlet gets the buffers it gets on ServerConnector, but one that gives memory back.
 * Jetty's pool keeps every buffer it ever lent, up to an eighth of the heap's maximum per kind: after a flood of
 * slow uploads that Corral served all at once (10,500 trickling POSTs, one 32 KiB direct response buffer each while
 * the body trickles) it held some 7,900 direct buffers for the life of the process.
 *
 * <p>Its retention follows {@link ByteArrayPool}'s: each bucket keeps idle only as many buffers as were in use at
 * once at most in the last one or two windows (20 s by default), and the shared {@link PoolTrimmer} does the
 * rolling, which also empties the pool when nothing uses it any more. Jetty's pool does not say when a buffer comes
 * back, so "in use at once" is sampled at the trimmer's ticks (four per window) rather than counted: a peak between
 * two ticks may be trimmed and its buffers allocated again, a cost paid at most once per window. Nothing is added to
 * acquiring and releasing but one volatile read. Trimmed direct buffers release their native memory when the
 * garbage collector finds them (the JDK runs one when direct memory runs short).
 */
final class TrimmedByteBufferPool extends ArrayByteBufferPool implements TrimmablePool {

    /** Jetty's default bucket step and largest pooled capacity ({@code new ArrayByteBufferPool()}). */
    private static final int FACTOR = 4096;
    private static final int MAX_CAPACITY = 16 * FACTOR;
    private static final int BUCKETS = MAX_CAPACITY / FACTOR;

    private final LongSupplier clock;
    private final PoolTrimmer trimmer;
    /** How the trimmer holds this pool: weakly, one reference for the pool's life (the trimmer's set key). */
    private final WeakReference<TrimmedByteBufferPool> asWatched = new WeakReference<>(this);
    /** Whether the trimmer looks after this pool now. */
    private volatile boolean watched;
    private volatile long windowNanos;
    // The trimmer's thread alone reads and writes these (trim() is synchronized for the odd second caller).
    private long windowEnds;
    /** Per bucket, direct ones first: most buffers seen in use at once in the current window, and in the previous. */
    private final int[] peak = new int[2 * BUCKETS];
    private final int[] previousPeak = new int[2 * BUCKETS];

    TrimmedByteBufferPool() {
        this(ByteArrayPool.DEFAULT_WINDOW, System::nanoTime, PoolTrimmer.SHARED);
    }

    TrimmedByteBufferPool(Duration window, LongSupplier clock, PoolTrimmer trimmer) {
        // Jetty's defaults: buckets of 4 KiB steps up to 64 KiB, as many buffers per bucket as memory allows, and an
        // eighth of the heap's maximum each for heap and direct buffers.
        super(0, FACTOR, MAX_CAPACITY, Integer.MAX_VALUE, 0L, 0L);
        this.clock = clock;
        this.trimmer = trimmer;
        this.windowNanos = window.toNanos();
        this.windowEnds = clock.getAsLong() + windowNanos;
    }

    /** Shortens or lengthens the retention window (tests: a burst's buffers gone within seconds). */
    void setRetentionWindow(Duration window) {
        windowNanos = window.toNanos();
        synchronized (this) {
            windowEnds = Math.min(windowEnds, clock.getAsLong() + windowNanos);
        }
    }

    @Override
    public RetainableByteBuffer.Mutable acquire(int size, boolean direct) {
        RetainableByteBuffer.Mutable buffer = super.acquire(size, direct);
        // After the acquire, not before: a trimmer letting go of this pool right now either sees this buffer
        // (pooled or reserved) when it looks again in unwatched(), or has cleared the flag this read sees.
        if (!watched) {
            watch();
        }
        return buffer;
    }

    private void watch() {
        watched = true;
        trimmer.watch(asWatched);
    }

    @Override
    public synchronized boolean trim() {
        long now = clock.getAsLong();
        boolean roll = now - windowEnds >= 0;
        if (roll) {
            windowEnds = now + windowNanos;
        }
        for (int i = 0; i < peak.length; i++) {
            Pool<RetainableByteBuffer.Pooled> bucket = poolFor((i % BUCKETS + 1) * FACTOR, i < BUCKETS);
            int idle = bucket.getIdleCount();
            int inUse = Math.max(0, bucket.size() - idle);
            peak[i] = Math.max(peak[i], inUse);
            if (roll) {
                previousPeak[i] = peak[i];
                peak[i] = inUse;
                // As ByteArrayPool: idle ones beyond the recent peak less those in use now go.
                for (int excess = idle - Math.max(0, previousPeak[i] - inUse); excess > 0; excess--) {
                    Pool.Entry<RetainableByteBuffer.Pooled> entry = bucket.acquire();
                    if (entry == null) {
                        break;
                    }
                    entry.remove(); // as Jetty's own eviction does
                }
            }
        }
        return isEmpty();
    }

    /** Nothing pooled, nothing lent that will be pooled when given back. */
    private boolean isEmpty() {
        return getReserved() == 0 && getDirectByteBufferCount() == 0 && getHeapByteBufferCount() == 0;
    }

    @Override
    public void unwatched() {
        watched = false;
        if (!isEmpty()) {
            watch();
        }
    }
}
