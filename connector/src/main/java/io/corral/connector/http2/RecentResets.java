package io.corral.connector.http2;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * The streams a connection reset most recently. RFC 9113 §5.1: "An endpoint MUST ignore frames that it receives on
 * closed streams after it has sent a RST_STREAM frame" — the client may have sent them before it saw the reset —
 * so frames on these streams are dropped instead of answered with another reset or, for a field block, taken for a
 * new stream reusing an old id. Bounded: the oldest ids are forgotten, which is safe since a client that keeps
 * sending on a stream long reset gets STREAM_CLOSED like any other. Thread-safe: streams reset from their threads.
 */
final class RecentResets {

    private final int capacity;
    private final LinkedHashSet<Integer> ids = new LinkedHashSet<>();

    RecentResets(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(int streamId) {
        if (ids.add(streamId) && ids.size() > capacity) {
            Iterator<Integer> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
    }

    synchronized boolean contains(int streamId) {
        return ids.contains(streamId);
    }
}
