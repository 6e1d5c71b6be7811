package io.corral.connector.http2;

import java.util.ArrayDeque;

/**
 * The stream identifiers a client jumped over: RFC 9113 §5.1.1 lets it open 7 after 1, which closes 3 and 5 without
 * their ever being used, and says "An endpoint that receives an unexpected stream identifier MUST respond with a
 * connection error (Section 5.4.1) of type PROTOCOL_ERROR" — HEADERS on such an id is that, while HEADERS on a
 * stream that did open and closed is STREAM_CLOSED (§5.1). Kept as ranges, since a client that skips does so
 * rarely; bounded: past {@link #CAPACITY} ranges the oldest are forgotten, and a HEADERS frame on one of those is
 * still refused with a connection error, only named STREAM_CLOSED. Not thread-safe: the connection's reader uses it.
 */
final class SkippedStreamIds {

    /** Ranges remembered; a client skipping more often than this in a connection is unusual enough to forget. */
    static final int CAPACITY = 64;

    private record Range(int first, int last) {
        boolean contains(int id) {
            return id >= first && id <= last;
        }
    }

    private final ArrayDeque<Range> ranges = new ArrayDeque<>();

    /**
     * The client opened {@code opened} when the highest stream it had opened was {@code previous} (0 for none):
     * the ids in between, if any, are skipped.
     */
    void opened(int previous, int opened) {
        int next = previous == 0 ? 1 : previous + 2;
        if (opened > next) {
            if (ranges.size() == CAPACITY) {
                ranges.removeFirst();
            }
            ranges.addLast(new Range(next, opened - 2));
        }
    }

    /** Whether the client jumped over this id (as far as the ranges remembered tell). */
    boolean contains(int streamId) {
        for (Range range : ranges) {
            if (range.contains(streamId)) {
                return true;
            }
        }
        return false;
    }
}
