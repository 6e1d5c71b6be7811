package io.corral.jetty;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.HttpChannel;

/**
 * The Jetty channels one connection keeps for its next requests: a bounded last-in-first-out stack of channels whose
 * request ended well and which Jetty recycled. A channel is the costly part of a request on Jetty's side (its
 * {@code HttpChannelState}, and once a servlet ran, the cached {@code ServletChannel} with its request, response,
 * input and output); an HTTP/2 connection runs many streams at once, each needing a channel of its own, and without
 * this every stream that starts while another runs would build all of that anew. Jetty's own HTTP/2 connection keeps
 * recycled channels the same way.
 *
 * <p>Bounded, so that a connection never keeps more than it can use at once: an HTTP/1.1 connection one, an HTTP/2
 * one its maximum of concurrent streams; a channel offered beyond that is left to the garbage collector. The array
 * grows on demand, so a connection keeps slots only for the concurrency it actually had. Everything is dropped when
 * the connection hibernates ({@link #clear()}), so an idle connection keeps nothing.
 *
 * <p>Taken and given back once per request, by the request threads of one connection only: a plain lock, held for a
 * few instructions, costs less than anything lock-free that would allocate a node per offer.
 */
final class RecycledChannels {

    private static final HttpChannel[] NONE = new HttpChannel[0];

    private final ReentrantLock lock = new ReentrantLock();
    private volatile int bound = 1;
    private HttpChannel[] channels = NONE;
    private int size;
    /**
     * Set by {@link #clear()} (the connection hibernates), unset by the next {@link #poll()} (a request starts): the
     * engine may hibernate a connection once the last response is out, before Jetty completes that stream and offers
     * its channel, which must then not be kept.
     */
    private boolean dropping;

    /** How many channels may be kept at most; at least one. A smaller bound applies to later offers. */
    void bound(int maxChannels) {
        bound = Math.max(1, maxChannels);
    }

    int bound() {
        return bound;
    }

    /** The channel recycled last, or null when none is kept. */
    HttpChannel poll() {
        lock.lock();
        try {
            dropping = false;
            if (size == 0) {
                return null;
            }
            HttpChannel channel = channels[--size];
            channels[size] = null;
            return channel;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps a recycled channel for a later request.
     *
     * @return false when the bound is reached, or the connection hibernates: the channel is not kept
     */
    boolean offer(HttpChannel channel) {
        lock.lock();
        try {
            if (size >= bound || dropping) {
                return false;
            }
            if (size == channels.length) {
                channels = Arrays.copyOf(channels, Math.min(bound, Math.max(2, size * 2)));
            }
            channels[size++] = channel;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops every channel kept, and the slots that held them, and refuses offers until the next poll. */
    void clear() {
        lock.lock();
        try {
            channels = NONE;
            size = 0;
            dropping = true;
        } finally {
            lock.unlock();
        }
    }

    /** How many channels are kept now. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
