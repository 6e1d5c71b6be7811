package io.corral.connector.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.fuzz.FuzzCuts;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link Http2FrameParser} and {@link FieldBlockAssembler} with Jazzer: whatever the
 * octets, reading ends in frames and an {@link Http2Exception} — never another exception, never a frame over the
 * size limit, never a stream error that does not let the connection read on — and the outcome does not depend on
 * how the octets were cut into reads. Every frame read writes back to the octets it was read from, give or take
 * flags and reserved bits a receiver ignores.
 *
 * <p>In the normal build, surefire runs this class on its own with {@code JAZZER_FUZZ=1} for {@code maxExecutions}
 * runs from a fixed seed; run alone with {@code -Dtest=Http2FrameParserFuzzTest} it replays the seeds in
 * {@code Http2FrameParserFuzzTestInputs/}.
 */
class Http2FrameParserFuzzTest {

    @FuzzTest(maxExecutions = 40_000)
    void parsesAnyBytesSafely(byte[] input) {
        String whole = read(input, new int[] {input.length});
        assertEquals(whole, read(input, FuzzCuts.everyByte(input.length)));
        assertEquals(whole, read(input, FuzzCuts.varying(input)));
    }

    /** Reads the input in pieces ending at {@code ends}, as a connection would, and describes what happened. */
    private static String read(byte[] input, int[] ends) {
        Http2FrameParser parser = Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        FieldBlockAssembler assembler = new FieldBlockAssembler(1024, 4);
        ByteBuffer buffer = ByteBuffer.allocate(Http2Frame.HEADER_LENGTH + Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        buffer.flip();
        StringBuilder log = new StringBuilder();
        int offset = 0;
        try {
            for (int end : ends) {
                buffer.compact().put(input, offset, end - offset).flip();
                offset = end;
                while (true) {
                    int before = buffer.position();
                    Http2Frame frame;
                    try {
                        frame = parser.parse(buffer);
                    } catch (Http2Exception e) {
                        if (e.isConnectionError()) {
                            throw e;
                        }
                        assertTrue(buffer.position() > before, "a stream error consumes its frame");
                        log.append("reset ").append(e.streamId()).append(' ').append(e.errorCode()).append('\n');
                        continue;
                    }
                    if (frame == null) {
                        assertEquals(before, buffer.position(), "nothing consumed without a frame");
                        break;
                    }
                    check(frame, input, before, buffer.position());
                    log.append(describe(frame, assembler)).append('\n');
                }
            }
            log.append("unfinished ").append(buffer.remaining());
        } catch (Http2Exception e) {
            log.append("error ").append(e.errorCode()).append(' ').append(e.getMessage());
        }
        return log.toString();
    }

    /** The frame fits the limit and, written back, is as long as what it was read from. */
    private static void check(Http2Frame frame, byte[] input, int from, int to) {
        int length = to - from;
        assertTrue(length <= Http2Frame.HEADER_LENGTH + Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        assertEquals(length, Http2FrameWriter.length(frame), frame.toString());
    }

    private static String describe(Http2Frame frame, FieldBlockAssembler assembler) throws Http2Exception {
        return switch (frame) {
            case Http2Frame.Headers headers -> "headers " + headers.streamId() + " "
                    + blockLength(assembler.start(headers.fragment(), headers.endHeaders()));
            case Http2Frame.Continuation continuation -> "continuation " + continuation.streamId() + " "
                    + blockLength(assembler.continueWith(continuation.fragment(), continuation.endHeaders()));
            case Http2Frame.Data data -> "data " + data.streamId() + " " + Arrays.hashCode(data.data()) + " "
                    + data.flowControlledLength();
            case Http2Frame.GoAway goAway -> "goaway " + goAway.lastStreamId() + " " + goAway.errorCode() + " "
                    + Arrays.hashCode(goAway.debugData());
            default -> frame.toString(); // records without arrays
        };
    }

    private static String blockLength(byte[] block) {
        return block == null ? "open" : "block " + block.length;
    }
}
