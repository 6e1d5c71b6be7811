package io.corral.jetty;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The streams of an HTTP/2 connection whose request is in progress, for what concerns them all (closing the
 * connection fails them, stopping the connector interrupts them). Linked through the streams themselves
 * ({@link CorralHttpStream#previous}, {@link CorralHttpStream#next}): adding and removing a stream, once each per
 * request, allocates nothing, where a concurrent set allocated a node for every stream.
 */
final class StreamsInProgress {

    private final ReentrantLock lock = new ReentrantLock();
    private CorralHttpStream head;
    private volatile int size;

    void add(CorralHttpStream stream) {
        lock.lock();
        try {
            stream.next = head;
            if (head != null) {
                head.previous = stream;
            }
            head = stream;
            stream.listed = true;
            size++;
        } finally {
            lock.unlock();
        }
    }

    /** Removes the stream if it is listed; a stream removed already (or never added) is left alone. */
    void remove(CorralHttpStream stream) {
        lock.lock();
        try {
            if (!stream.listed) {
                return;
            }
            if (stream.previous != null) {
                stream.previous.next = stream.next;
            } else {
                head = stream.next;
            }
            if (stream.next != null) {
                stream.next.previous = stream.previous;
            }
            stream.previous = null;
            stream.next = null;
            stream.listed = false;
            size--;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The streams listed now, in a list of their own. */
    List<CorralHttpStream> snapshot() {
        lock.lock();
        try {
            List<CorralHttpStream> all = new ArrayList<>(size);
            for (CorralHttpStream stream = head; stream != null; stream = stream.next) {
                all.add(stream);
            }
            return all;
        } finally {
            lock.unlock();
        }
    }
}
