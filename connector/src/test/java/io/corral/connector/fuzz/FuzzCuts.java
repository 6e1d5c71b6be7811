package io.corral.connector.fuzz;

import java.util.Arrays;

/**
 * Ways to cut a fuzz input into reads, for the fuzz tests that check an outcome does not depend on how the
 * bytes arrived. The cuts are derived from the input itself, so that a finding replays the same way.
 */
public final class FuzzCuts {

    private FuzzCuts() {}

    /** The end of every read when the input arrives one byte at a time. */
    public static int[] everyByte(int length) {
        int[] ends = new int[length];
        for (int i = 0; i < length; i++) {
            ends[i] = i + 1;
        }
        return ends;
    }

    /** The ends of reads of 1 to 64 bytes, sizes drawn from a generator seeded with the input. */
    public static int[] varying(byte[] input) {
        int[] ends = new int[input.length + 1];
        int count = 0;
        int position = 0;
        int seed = 17;
        for (byte b : input) {
            seed = seed * 31 + b;
        }
        while (position < input.length) {
            seed = seed * 1103515245 + 12345;
            position = Math.min(input.length, position + 1 + ((seed >>> 16) & 63));
            ends[count++] = position;
        }
        return Arrays.copyOf(ends, count);
    }
}
