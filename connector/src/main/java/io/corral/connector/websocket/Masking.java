package io.corral.connector.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The client-to-server masking of RFC 6455 §5.3: payload byte {@code i} is XORed with key byte
 * {@code i mod 4}. Masking and unmasking are the same operation. Every byte a client sends passes through
 * here, so it works eight bytes at a time.
 */
final class Masking {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Masking() {}

    /**
     * XORs {@code data[from, to)} in place.
     *
     * @param maskKey  the key in wire order, first key byte in the top 8 bits
     * @param position the index within the frame's payload of {@code data[from]}: a payload that arrives
     *                 in pieces continues the key where the previous piece stopped
     */
    static void apply(byte[] data, int from, int to, int maskKey, long position) {
        // Rotating the key lines its first byte up with data[from]; since 8 is a multiple of 4 the
        // rotated key stays aligned for every later 8-byte step.
        int key = Integer.rotateLeft(maskKey, (int) (position & 3) * 8);
        int i = from;
        if (to - from >= 16) {
            long key64 = ((long) key << 32) | (key & 0xFFFFFFFFL);
            for (int last = to - 8; i <= last; i += 8) {
                LONGS.set(data, i, (long) LONGS.get(data, i) ^ key64);
            }
        }
        for (int shift = 24; i < to; i++, shift = (shift - 8) & 31) {
            data[i] ^= (byte) (key >>> shift);
        }
    }

    /** The same over a buffer's absolute indexes {@code [from, to)}; position and limit do not move. */
    static void apply(ByteBuffer data, int from, int to, int maskKey, long position) {
        if (data.hasArray() && !data.isReadOnly()) {
            int offset = data.arrayOffset();
            apply(data.array(), offset + from, offset + to, maskKey, position);
            return;
        }
        int key = Integer.rotateLeft(maskKey, (int) (position & 3) * 8);
        for (int i = from, shift = 24; i < to; i++, shift = (shift - 8) & 31) {
            data.put(i, (byte) (data.get(i) ^ (key >>> shift)));
        }
    }
}
