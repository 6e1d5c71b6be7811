package io.corral.connector.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.fuzz.FuzzCuts;
import java.util.Set;

/**
 * Coverage-guided fuzzing of the chunked decoder ({@link ChunkedBodyDecoder}, RFC 9112 §7.1) on its own:
 * the fuzzer's bytes are the body of a fixed chunked request, so no effort goes into getting past the
 * request head. Whatever the bytes, decoding ends in a body (and the requests pipelined after it) or in an
 * {@link HttpParseException} with one of the decoder's statuses; the outcome — above all, where the body
 * ends and the next request begins — does not depend on how the bytes were cut into reads, and no body
 * goes past the size limit.
 *
 * <p>Fuzzed in the normal build like {@link Http1ParserFuzzTest}; run with {@code -Dtest} it replays the
 * seeds and findings in {@code ChunkedDecoderFuzzTestInputs/}.
 */
class ChunkedDecoderFuzzTest {

    private static final byte[] HEAD = Http1ParserHarness.bytes(
            Http1ParserHarness.request("POST /upload HTTP/1.1", "Host: a", "Transfer-Encoding: chunked"));
    /**
     * The decoder refuses bad framing and extensions (400), big trailers (431) and big bodies (413); a
     * request pipelined after the body may be refused with any of the parser's statuses.
     */
    private static final Set<Integer> STATUSES = Set.of(400, 413, 414, 417, 431, 501, 505);
    private static final Http1Limits SMALL = new Http1Limits(24, 160, 6, 40);

    @FuzzTest(maxExecutions = 10_000)
    void decodesAnyChunkedBodySafely(byte[] body) {
        byte[] input = new byte[HEAD.length + body.length];
        System.arraycopy(HEAD, 0, input, 0, HEAD.length);
        System.arraycopy(body, 0, input, HEAD.length, body.length);
        check(input, Http1Limits.DEFAULTS);
        check(input, SMALL);
    }

    private static void check(byte[] input, Http1Limits limits) {
        Http1ParserHarness.Result whole = Http1ParserHarness.feed(input, limits, new int[] {input.length}, false);
        String expected = whole.describe();
        assertEquals(expected, Http1ParserHarness.feed(input, limits, FuzzCuts.everyByte(input.length), true)
                .describe(), "fed one byte at a time through a direct buffer");
        assertEquals(expected, Http1ParserHarness.feed(input, limits, FuzzCuts.varying(input), false).describe(),
                "fed in reads of varying sizes");
        if (whole.error() != null && !STATUSES.contains(whole.error().status())) {
            fail("unexpected status " + whole.error().status() + ": " + whole.error().getMessage());
        }
        if (whole.exchanges().isEmpty()) {
            return;
        }
        Http1ParserHarness.Exchange first = whole.exchanges().get(0);
        assertTrue(limits.maxBodySize() < 0 || first.body().getBytes(ISO_8859_1).length <= limits.maxBodySize(),
                "body over the limit");
        assertTrue(first.trailers().size() <= limits.maxHeaderCount(), "more trailers than the limit");
    }
}
