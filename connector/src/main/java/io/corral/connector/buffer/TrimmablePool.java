package io.corral.connector.buffer;

/**
 * A pool that the shared {@link PoolTrimmer} looks after while it holds memory, so that what a past peak left in it
 * goes within a minute of that peak even when nothing uses the pool any more: Corral's own {@link ByteArrayPool}s,
 * and the Jetty {@code ByteBufferPool} the container adapter hands Jetty's handlers. One trimmer for every pool, so
 * that giving memory back has one mechanism and one thread.
 *
 * <p>A pool asks to be watched ({@link PoolTrimmer#watch}) when it starts holding memory; the trimmer then calls
 * {@link #trim()} a few times per retention window until it holds nothing, and {@link #unwatched()} once it let go.
 */
public interface TrimmablePool {

    /**
     * Gives back what the recent peak no longer needs, when a retention window has ended. Called by the trimmer's
     * thread only.
     *
     * @return true when the pool holds nothing any more: the trimmer lets go of it
     */
    boolean trim();

    /**
     * The trimmer let go of this pool (after {@link #trim()} said it was empty): a pool that took memory in
     * meanwhile must ask to be watched again.
     */
    void unwatched();
}
