package io.corral.connector.http2.hpack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * HPACK's integer representation (RFC 7541 §5.1): a value that fits in the N-bit prefix of the first octet,
 * or the prefix all ones followed by 7-bit groups, least significant first. The decoder accepts any value up
 * to {@link Integer#MAX_VALUE}, including redundant zero groups, and refuses anything larger: no size in
 * HTTP/2 goes beyond 2^31 - 1, and refusing early keeps a peer from making the decoder loop over groups.
 */
final class PrefixedInteger {

    /** Five 7-bit groups carry 35 bits: enough for 2^31 - 1 past any prefix. A sixth can only overflow. */
    private static final int MAX_GROUPS = 5;

    private PrefixedInteger() {
    }

    /**
     * Writes {@code value} with an N-bit prefix; {@code flags} are the first octet's bits above the prefix.
     */
    static void encode(int value, int prefixBits, int flags, ByteArrayOutputStream out) {
        if (value < 0) {
            throw new IllegalArgumentException("negative " + value);
        }
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(flags | value);
            return;
        }
        out.write(flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write((rest & 0x7F) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /**
     * Reads a value whose first octet is at the buffer's position, and advances past it.
     *
     * @throws HpackException when the block ends inside the integer or the value exceeds 2^31 - 1
     */
    static int decode(ByteBuffer in, int prefixBits) throws HpackException {
        if (!in.hasRemaining()) {
            throw new HpackException("truncated integer");
        }
        int max = (1 << prefixBits) - 1;
        int value = in.get() & max;
        if (value < max) {
            return value;
        }
        long total = value;
        for (int group = 0; group < MAX_GROUPS; group++) {
            if (!in.hasRemaining()) {
                throw new HpackException("truncated integer");
            }
            int b = in.get() & 0xFF;
            total += (long) (b & 0x7F) << (7 * group);
            if (total > Integer.MAX_VALUE) {
                throw new HpackException("integer overflow");
            }
            if ((b & 0x80) == 0) {
                return (int) total;
            }
        }
        throw new HpackException("integer overflow");
    }
}
