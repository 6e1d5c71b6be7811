package io.corral.connector.http1;

import java.util.Arrays;

/**
 * The first bytes of a line that did not arrive whole in one read, kept until its end comes. Lines are
 * normally parsed in place in the caller's buffer; only a line cut by a read boundary is copied here,
 * and the parsers' size budgets bound how long it can grow.
 */
final class LineAccumulator {

    private static final int INITIAL_CAPACITY = 128;
    /** An idle connection should not hold on to a big array because one request once had a long line. */
    private static final int RETAINED_CAPACITY = 1024;

    private byte[] bytes;
    private int length;

    void append(byte[] source, int from, int to) {
        int count = to - from;
        if (count <= 0) {
            return;
        }
        if (bytes == null) {
            bytes = new byte[Math.max(INITIAL_CAPACITY, count)];
        } else if (length + count > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
        }
        System.arraycopy(source, from, bytes, length, count);
        length += count;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    boolean isEmpty() {
        return length == 0;
    }

    void clear() {
        length = 0;
        if (bytes != null && bytes.length > RETAINED_CAPACITY) {
            bytes = null;
        }
    }
}
