package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.fuzz.FuzzCuts;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Set;

/**
 * Coverage-guided fuzzing of {@link FrameParser} (RFC 6455 §5.2) as a server's parser: whatever the bytes,
 * they end in frames or in a {@link WebSocketException} carrying 1002 or 1009 — never another exception,
 * never a loop without progress. The streaming way (header, payload in place, end of frame) and the
 * frame-at-a-time way see the same frames and the same failure, however the bytes were cut into reads;
 * every frame keeps the rules the parser promises (control frames final and at most 125 bytes, no payload
 * over the frame limit, no RSV bit that was not allowed).
 *
 * <p>The first input byte picks the frame limit and the allowed RSV bits, so the fuzzer explores both
 * sides of each. Fuzzed in the normal build like the HTTP/1.1 parser's fuzz test; run with {@code -Dtest}
 * it replays the seeds and findings in {@code FrameParserFuzzTestInputs/}.
 */
class FrameParserFuzzTest {

    private static final Set<Integer> CLOSE_CODES = Set.of(CloseStatus.PROTOCOL_ERROR, CloseStatus.MESSAGE_TOO_BIG);
    private static final long[] FRAME_LIMITS = {0, 125, 126, 65535, 65536, 1 << 20};

    @FuzzTest(maxExecutions = 40_000)
    void parsesAnyFramesSafely(byte[] input) {
        if (input.length == 0) {
            return;
        }
        long maxFrameSize = FRAME_LIMITS[(input[0] & 0x7F) % FRAME_LIMITS.length];
        int allowedRsv = (input[0] & 0x80) != 0 ? FrameParser.RSV1 : 0;
        byte[] wire = java.util.Arrays.copyOfRange(input, 1, input.length);

        String streamedWhole = streamed(wire, new int[] {wire.length}, maxFrameSize, allowedRsv);
        assertEquals(streamedWhole, streamed(wire, FuzzCuts.everyByte(wire.length), maxFrameSize, allowedRsv),
                "streamed one byte at a time");
        assertEquals(streamedWhole, whole(wire, new int[] {wire.length}, maxFrameSize, allowedRsv),
                "frame at a time");
        assertEquals(streamedWhole, whole(wire, FuzzCuts.varying(wire), maxFrameSize, allowedRsv),
                "frame at a time, reads of varying sizes");
    }

    /** The streaming way: headers, then the payload unmasked in place, as the connection loop reads. */
    private static String streamed(byte[] input, int[] readEnds, long maxFrameSize, int allowedRsv) {
        byte[] wire = input.clone();
        FrameParser parser = FrameParser.forServer(maxFrameSize, allowedRsv);
        StringBuilder outcome = new StringBuilder();
        ByteBuffer payload = ByteBuffer.allocate(0);
        int position = 0;
        try {
            for (int end : readEnds) {
                while (position < end) {
                    if (!parser.inPayload()) {
                        position += parser.parseHeader(wire, position, end - position);
                        if (!parser.inPayload()) {
                            continue;
                        }
                        checkHeader(parser, maxFrameSize, allowedRsv);
                        payload = ByteBuffer.allocate((int) parser.payloadLength());
                    }
                    int taken = parser.consumePayload(wire, position, end - position);
                    payload.put(wire, position, taken);
                    position += taken;
                    if (parser.remaining() == 0) {
                        outcome.append(describe(parser.fin(), parser.rsvBits(), parser.opcode(), payload.flip()));
                        parser.endFrame();
                    }
                }
            }
            return outcome.append(parser.inPayload() ? "input ended in a payload" : "end").toString();
        } catch (WebSocketException e) {
            return failure(outcome, e);
        }
    }

    /** The frame-at-a-time way, over a buffer that is compacted and refilled as a client's would be. */
    private static String whole(byte[] input, int[] readEnds, long maxFrameSize, int allowedRsv) {
        FrameParser parser = FrameParser.forServer(maxFrameSize, allowedRsv);
        ByteBuffer buffer = ByteBuffer.allocate(input.length + 1).flip();
        StringBuilder outcome = new StringBuilder();
        int fed = 0;
        try {
            for (int end : readEnds) {
                buffer.compact().put(input, fed, end - fed).flip();
                fed = end;
                Frame frame;
                while ((frame = parser.parse(buffer)) != null) {
                    assertTrue(frame.masked(), "a server's parser took an unmasked frame");
                    outcome.append(describe(frame.fin(), frame.rsvBits(), frame.opcode(), frame.payload()));
                }
                assertEquals(0, buffer.remaining(), "no frame yet must mean all input used");
            }
            return outcome.append(parser.inPayload() ? "input ended in a payload" : "end").toString();
        } catch (WebSocketException e) {
            return failure(outcome, e);
        }
    }

    private static void checkHeader(FrameParser parser, long maxFrameSize, int allowedRsv) {
        assertTrue(parser.masked(), "a server's parser took an unmasked frame");
        assertTrue(parser.payloadLength() <= maxFrameSize, "payload over the frame limit");
        assertEquals(0, parser.rsvBits() & ~allowedRsv, "an RSV bit no extension allows");
        if (parser.opcode().isControl()) {
            assertTrue(parser.fin(), "a fragmented control frame");
            assertTrue(parser.payloadLength() <= 125, "a control frame over 125 bytes");
        }
    }

    private static String describe(boolean fin, int rsv, Opcode opcode, ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        return (fin ? "FIN " : "") + rsv + " " + opcode + " " + HexFormat.of().formatHex(bytes) + "\n";
    }

    private static String failure(StringBuilder outcome, WebSocketException e) {
        if (!CLOSE_CODES.contains(e.closeCode())) {
            fail("unexpected close code " + e.closeCode() + ": " + e.getMessage());
        }
        return outcome.append("fail ").append(e.closeCode()).append(' ').append(e.getMessage()).toString();
    }
}
