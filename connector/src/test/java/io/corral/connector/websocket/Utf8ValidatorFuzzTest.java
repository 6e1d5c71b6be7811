package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.fuzz.FuzzCuts;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Differential fuzzing of {@link Utf8Validator} against the JDK's strict UTF-8 decoder, which refuses the
 * same things RFC 3629 does (overlong forms, surrogates, code points above U+10FFFF, truncated
 * sequences): on every input both must agree, whether the validator is fed the text whole, one byte at a
 * time or in reads of varying sizes, and once it has refused a text it refuses everything fed after.
 * Fuzzed in the normal build; run with {@code -Dtest} it replays the seeds and findings in
 * {@code Utf8ValidatorFuzzTestInputs/}.
 */
class Utf8ValidatorFuzzTest {

    @FuzzTest(maxExecutions = 60_000)
    void agreesWithTheJdkDecoder(byte[] text) {
        boolean expected = jdkAccepts(text);
        assertEquals(expected, Utf8Validator.isValid(text, 0, text.length), "whole");
        assertEquals(expected, fedInPieces(text, FuzzCuts.everyByte(text.length)), "one byte at a time");
        assertEquals(expected, fedInPieces(text, FuzzCuts.varying(text)), "reads of varying sizes");
    }

    private static boolean fedInPieces(byte[] text, int[] readEnds) {
        Utf8Validator validator = new Utf8Validator();
        int from = 0;
        boolean refused = false;
        for (int end : readEnds) {
            boolean accepted = validator.feed(text, from, end - from);
            if (refused && accepted) {
                throw new AssertionError("accepted more bytes after refusing the text");
            }
            refused |= !accepted;
            from = end;
        }
        return !refused && validator.isComplete();
    }

    private static boolean jdkAccepts(byte[] text) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
