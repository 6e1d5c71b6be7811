package io.corral.connector.buffer;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Gives pooled memory back when nobody uses a pool any more. A {@link ByteArrayPool} drops the arrays a past peak
 * left it as its retention windows roll, but it only looks at the clock when it is used: after a flood nothing may
 * use it for hours, and it kept 512 buffers of 16 KiB (8 MiB of heap after GC) all that time. The trimmer looks
 * at every pool that holds arrays a few times per window, so the last of a flood's arrays go within two windows
 * and a tick of its end, traffic or none. Any {@link TrimmablePool} is looked after the same way (the container
 * adapter's Jetty {@code ByteBufferPool}, whose use Corral cannot see at all).
 *
 * <p>One virtual thread for the whole process, alive only while some pool holds arrays: a pool asks to be watched
 * when it starts pooling, and leaves once it is empty. A tick costs a clock read and a few atomic reads per
 * watched pool. Pools are watched through weak references: a stopped listener's pool is garbage at once, as it
 * was before the trimmer, instead of being kept (with its arrays) until its windows have rolled.
 */
public final class PoolTrimmer {

    /** The process-wide trimmer, ticking four times per {@link ByteArrayPool#DEFAULT_WINDOW}. */
    public static final PoolTrimmer SHARED = new PoolTrimmer(ByteArrayPool.DEFAULT_WINDOW.dividedBy(4));

    private final long tickNanos;
    private final Set<WeakReference<? extends TrimmablePool>> watched = ConcurrentHashMap.newKeySet();
    /** The trimming thread while one runs (guarded by this). */
    private Thread thread;

    PoolTrimmer(Duration tick) {
        this.tickNanos = tick.toNanos();
    }

    /**
     * Looks after a pool until it is empty; starts the thread if none runs. The pool is given as the one weak
     * reference it keeps to itself for its life (the trimmer's set key, so that asking twice watches it once).
     */
    public void watch(WeakReference<? extends TrimmablePool> pool) {
        watched.add(pool);
        synchronized (this) {
            if (thread == null) {
                thread = Thread.ofVirtual().name("corral-pool-trimmer").start(this::run);
            }
        }
    }

    private void run() {
        while (true) {
            LockSupport.parkNanos(tickNanos);
            for (WeakReference<? extends TrimmablePool> reference : watched) {
                TrimmablePool pool = reference.get();
                if (pool == null) {
                    watched.remove(reference); // collected with its arrays
                } else if (pool.trim()) {
                    watched.remove(reference);
                    pool.unwatched(); // after the removal: a pool that pooled again meanwhile asks anew
                }
            }
            synchronized (this) {
                // A watch() that added a pool after the loop passed it either finds this thread still set (and the
                // pool gets its next tick) or comes after the thread is gone (and starts another).
                if (watched.isEmpty()) {
                    thread = null;
                    return;
                }
            }
        }
    }
}
