package io.corral.connector.websocket;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An incremental UTF-8 validator (RFC 3629, as RFC 6455 §8.1 requires of text messages): a deterministic
 * automaton fed the bytes of a message in as many pieces as they arrive, which rejects at the first byte
 * that cannot continue a well-formed sequence — overlong forms, surrogates (U+D800–U+DFFF) and code points
 * above U+10FFFF included — so invalid text fails the connection (1007) as early as the bytes allow, even
 * in the middle of a fragmented message. A sequence left open at the end of the message is caught by
 * {@link #isComplete()}. Runs of ASCII are skipped eight bytes at a time.
 */
public final class Utf8Validator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    // Byte classes: what a byte can be in a sequence.
    private static final int ASCII = 0, CONT_80_8F = 1, CONT_90_9F = 2, CONT_A0_BF = 3, NEVER = 4,
            LEAD_2 = 5, LEAD_E0 = 6, LEAD_3 = 7, LEAD_ED = 8, LEAD_F0 = 9, LEAD_4 = 10, LEAD_F4 = 11, CLASSES = 12;

    // States: how much of a sequence is still expected, and what the next byte is restricted to.
    private static final int ACCEPT = 0, REJECT = 1, NEED_1 = 2, NEED_2 = 3, NEED_2_AFTER_E0 = 4,
            NEED_2_AFTER_ED = 5, NEED_3 = 6, NEED_3_AFTER_F0 = 7, NEED_3_AFTER_F4 = 8, STATES = 9;

    private static final byte[] CLASS_OF = new byte[256];
    private static final byte[] NEXT = new byte[STATES * CLASSES];

    static {
        for (int b = 0; b < 256; b++) {
            CLASS_OF[b] = (byte) classOf(b);
        }
        java.util.Arrays.fill(NEXT, (byte) REJECT);
        to(ACCEPT, ACCEPT, ASCII);
        to(ACCEPT, NEED_1, LEAD_2);
        to(ACCEPT, NEED_2_AFTER_E0, LEAD_E0);        // E0 A0..BF: no overlong 3-byte forms
        to(ACCEPT, NEED_2, LEAD_3);
        to(ACCEPT, NEED_2_AFTER_ED, LEAD_ED);        // ED 80..9F: no surrogates
        to(ACCEPT, NEED_3_AFTER_F0, LEAD_F0);        // F0 90..BF: no overlong 4-byte forms
        to(ACCEPT, NEED_3, LEAD_4);
        to(ACCEPT, NEED_3_AFTER_F4, LEAD_F4);        // F4 80..8F: nothing above U+10FFFF
        to(NEED_1, ACCEPT, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        to(NEED_2, NEED_1, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        to(NEED_2_AFTER_E0, NEED_1, CONT_A0_BF);
        to(NEED_2_AFTER_ED, NEED_1, CONT_80_8F, CONT_90_9F);
        to(NEED_3, NEED_2, CONT_80_8F, CONT_90_9F, CONT_A0_BF);
        to(NEED_3_AFTER_F0, NEED_2, CONT_90_9F, CONT_A0_BF);
        to(NEED_3_AFTER_F4, NEED_2, CONT_80_8F);
    }

    private static int classOf(int b) {
        if (b < 0x80) return ASCII;
        if (b < 0x90) return CONT_80_8F;
        if (b < 0xA0) return CONT_90_9F;
        if (b < 0xC0) return CONT_A0_BF;
        if (b < 0xC2) return NEVER;                  // C0, C1: overlong 2-byte forms
        if (b < 0xE0) return LEAD_2;
        if (b == 0xE0) return LEAD_E0;
        if (b == 0xED) return LEAD_ED;
        if (b < 0xF0) return LEAD_3;
        if (b == 0xF0) return LEAD_F0;
        if (b < 0xF4) return LEAD_4;
        if (b == 0xF4) return LEAD_F4;
        return NEVER;                                // F5..FF
    }

    private static void to(int from, int next, int... classes) {
        for (int byteClass : classes) {
            NEXT[from * CLASSES + byteClass] = (byte) next;
        }
    }

    private int state = ACCEPT;

    /**
     * Feeds the next bytes of the text.
     *
     * @return false as soon as the text so far cannot be valid UTF-8, and from then on until {@link #reset()}
     */
    public boolean feed(byte[] data, int offset, int length) {
        int s = state;
        if (s == REJECT) {
            return false;
        }
        int i = offset, end = offset + length;
        while (i < end) {
            if (s == ACCEPT) {
                while (i <= end - 8 && ((long) LONGS.get(data, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                while (i < end && data[i] >= 0) {
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            s = NEXT[s * CLASSES + CLASS_OF[data[i++] & 0xFF]];
            if (s == REJECT) {
                state = REJECT;
                return false;
            }
        }
        state = s;
        return true;
    }

    /** Whether everything fed so far is valid and ends on a character boundary: a text may end here. */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** Starts over for a new text. */
    public void reset() {
        state = ACCEPT;
    }

    /** Whether {@code data[offset, offset + length)} is complete, valid UTF-8. */
    public static boolean isValid(byte[] data, int offset, int length) {
        Utf8Validator validator = new Utf8Validator();
        return validator.feed(data, offset, length) && validator.isComplete();
    }
}
