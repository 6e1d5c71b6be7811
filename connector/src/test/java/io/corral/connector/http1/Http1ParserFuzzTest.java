package io.corral.connector.http1;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.fuzz.FuzzCuts;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Coverage-guided fuzzing of {@link Http1Parser} and the {@link BodyDecoder}s with Jazzer: whatever the
 * bytes, parsing and decoding end in requests or in an {@link HttpParseException} with one of our
 * statuses — never another exception, never a loop that does not progress — the outcome does not depend
 * on how the bytes were cut into reads, and no parsed field can smuggle a line break or a NUL.
 *
 * <p>In the normal build, surefire runs this class on its own with {@code JAZZER_FUZZ=1}, so it really
 * fuzzes, for {@code maxExecutions} runs from a fixed seed; run alone with {@code -Dtest=Http1ParserFuzzTest} it
 * replays the seeds in {@code Http1ParserFuzzTestInputs/} (and any finding saved there) as a regression test.
 */
class Http1ParserFuzzTest {

    private static final Set<Integer> STATUSES = Set.of(400, 413, 414, 417, 431, 501, 505);
    /** Small limits, so that the fuzzer reaches every limit's edge with short inputs. */
    private static final Http1Limits SMALL = new Http1Limits(24, 160, 6, 40);

    @FuzzTest(maxExecutions = 30_000)
    void parsesAnyBytesSafely(byte[] input) {
        check(input, Http1Limits.DEFAULTS);
        check(input, SMALL);
    }

    private static void check(byte[] input, Http1Limits limits) {
        Http1ParserHarness.Result whole = Http1ParserHarness.feed(input, limits, new int[] {input.length}, false);
        String expected = whole.describe();
        assertEquals(expected, Http1ParserHarness.feed(input, limits, FuzzCuts.everyByte(input.length), false).describe());
        assertEquals(expected, Http1ParserHarness.feed(input, limits, FuzzCuts.varying(input), true).describe());
        if (whole.error() != null && !STATUSES.contains(whole.error().status())) {
            fail("unexpected status " + whole.error().status() + ": " + whole.error().getMessage());
        }
        for (Http1ParserHarness.Exchange exchange : whole.exchanges()) {
            RequestHead head = exchange.head();
            for (int i = 0; i < head.target().length(); i++) {
                char c = head.target().charAt(i);
                assertTrue(c > 0x20 && c < 0x7F, "target byte " + (int) c);
            }
            checkFields(head.headers());
            checkFields(exchange.trailers());
            assertTrue(limits.maxBodySize() < 0 || exchange.body().length() <= limits.maxBodySize(),
                    "body over the limit");
        }
    }

    private static void checkFields(HttpHeaders fields) {
        for (HttpHeaders.Field field : fields) {
            assertTrue(!field.name().isEmpty(), "empty field name");
            for (int i = 0; i < field.name().length(); i++) {
                char c = field.name().charAt(i);
                assertTrue(c < 0x80 && CharClass.isTchar(c), "field name char " + (int) c);
            }
            String value = field.value();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                assertTrue(c == '\t' || (c >= 0x20 && c != 0x7F), "field value char " + (int) c);
            }
            assertTrue(value.isEmpty() || (!CharClass.isWhitespace(value.charAt(0))
                    && !CharClass.isWhitespace(value.charAt(value.length() - 1))), "untrimmed value");
        }
    }
}
