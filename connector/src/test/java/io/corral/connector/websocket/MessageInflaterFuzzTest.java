package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Coverage-guided fuzzing of the permessage-deflate inflater ({@link MessageInflater}, RFC 7692 §7.2.2)
 * with its {@link MessageBuffer}: whatever compressed bytes arrive, a message inflates to at most the
 * message limit or fails with 1007 (not DEFLATE) or 1009 (too big) — never another exception, never more
 * memory than the limit, so a compression bomb costs at most the limit. The outcome does not depend on
 * how the compressed bytes were split into frames. And the same bytes as a message, compressed by the JDK
 * the way a client does (twice, so the second message uses the kept context when there is one), come back
 * intact when they fit the limit and fail with 1009 when they do not.
 *
 * <p>Fuzzed in the normal build; run with {@code -Dtest} it replays the seeds and findings in
 * {@code MessageInflaterFuzzTestInputs/}.
 */
class MessageInflaterFuzzTest {

    /**
     * The first two input bytes pick the message limit (1 to 64 KiB), the third whether the zlib state is
     * pooled (no client context takeover) and where the payload is split into two frames; the rest is the
     * compressed payload.
     */
    @FuzzTest(maxExecutions = 20_000)
    void inflatesAnyPayloadWithinTheLimit(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int limit = 1 + (((input[0] & 0xFF) << 8) | (input[1] & 0xFF));
        boolean pooled = (input[2] & 0x80) != 0;
        int split = input[2] & 0x7F;
        byte[] payload = Arrays.copyOfRange(input, 3, input.length);

        String whole = acceptedOrNot(inflate(limit, pooled, payload, payload.length));
        assertEquals(whole, acceptedOrNot(inflate(limit, pooled, payload, Math.min(split, payload.length))),
                "split into two frames at " + split);
        assertEquals(whole, acceptedOrNot(inflate(limit, pooled, payload, Math.min(1, payload.length))),
                "first frame of one byte");

        roundTrip(limit, pooled, payload);
    }

    /**
     * An outcome as the split must not change it: the message itself, or that it was refused. Which close code a
     * refusal gets may depend on the split when the payload is both too big and not DEFLATE: the inflater stops at
     * the first problem the bytes so far show, so a first frame that already inflates past the limit gets 1009
     * before the broken bytes after it arrive (a finding kept in the inputs, {@code split-too-big-then-broken}).
     */
    private static String acceptedOrNot(String outcome) {
        return outcome.startsWith("fail ") ? "refused" : outcome;
    }

    /** Inflates the payload as one message of two frames split at {@code split}, and describes the outcome. */
    private static String inflate(int limit, boolean pooled, byte[] payload, int split) {
        MessageInflater inflater = new MessageInflater(pooled);
        MessageBuffer out = new MessageBuffer(limit);
        try {
            inflater.inflate(payload, 0, split, out);
            assertTrue(out.capacity() <= limit, "buffer grew past the limit");
            inflater.inflate(payload, split, payload.length - split, out);
            inflater.finishMessage(out);
            assertTrue(out.capacity() <= limit, "buffer grew past the limit");
            assertTrue(out.length() <= limit, "message past the limit");
            byte[] message = Arrays.copyOf(out.array() == null ? new byte[0] : out.array(), out.length());
            return "message " + HexFormat.of().formatHex(message);
        } catch (WebSocketException e) {
            if (e.closeCode() != CloseStatus.INVALID_PAYLOAD && e.closeCode() != CloseStatus.MESSAGE_TOO_BIG) {
                fail("unexpected close code " + e.closeCode() + ": " + e.getMessage());
            }
            assertTrue(out.capacity() <= limit, "buffer grew past the limit");
            return "fail " + e.closeCode();
        } finally {
            inflater.release();
        }
    }

    /** The fuzzer's bytes as a message, compressed the way a client does, must come back whole. */
    private static void roundTrip(int limit, boolean pooled, byte[] message) {
        DeflateTestCodec client = new DeflateTestCodec();
        MessageInflater inflater = new MessageInflater(pooled);
        try {
            for (int round = 0; round < 2; round++) {
                byte[] compressed = client.compress(message);
                MessageBuffer out = new MessageBuffer(limit);
                try {
                    inflater.inflate(compressed, 0, compressed.length, out);
                    inflater.finishMessage(out);
                    assertTrue(message.length <= limit, "a message over the limit was accepted");
                    assertArrayEquals(message, Arrays.copyOf(out.array() == null ? new byte[0] : out.array(),
                            out.length()));
                } catch (WebSocketException e) {
                    assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeCode(), "a valid message refused");
                    assertTrue(message.length > limit, "a message within the limit refused as too big");
                    return;
                }
                if (pooled) {
                    client.resetCompressor();
                }
            }
        } finally {
            inflater.release();
            client.end();
        }
    }
}
