package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.proxy.ProxyHeaderParser.Result;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link ProxyHeaderParser} with Jazzer: whatever the bytes, parsing ends in a result or
 * a {@link ProxyHeaderException} — never another exception — and the outcome does not depend on how much has
 * arrived: a prefix of a header asks for more (and for more than it has), a whole header is the same however many
 * bytes follow it, and a header the parser accepts is written back by {@link ProxyHeaderEncoder} into one that parses
 * to the same addresses.
 *
 * <p>In the normal build, surefire runs this class on its own with {@code JAZZER_FUZZ=1} for {@code maxExecutions} runs
 * from a fixed seed; run alone with {@code -Dtest=ProxyHeaderParserFuzzTest} it replays the seeds in
 * {@code ProxyHeaderParserFuzzTestInputs/}.
 */
class ProxyHeaderParserFuzzTest {

    /** A small version 2 limit, so that the fuzzer reaches its edge with short inputs. */
    private static final ProxyHeaderParser SMALL = new ProxyHeaderParser(40);
    private static final ProxyHeaderParser DEFAULT = new ProxyHeaderParser();

    @FuzzTest(maxExecutions = 20_000)
    void parsesAnyBytesSafely(byte[] input) {
        check(SMALL, input);
        check(DEFAULT, input);
    }

    private static void check(ProxyHeaderParser parser, byte[] input) {
        Object whole = outcome(parser, input, input.length);
        Result.Complete complete = completeOrNull(parser, input);
        if (complete != null) {
            assertTrue(complete.length() <= input.length, "consumed more than it had");
            assertEquals(whole, outcome(parser, Arrays.copyOf(input, complete.length()), complete.length()),
                    "the header alone parses the same");
            roundTrip(parser, complete.header());
        }
        for (int n = 0; n < input.length; n++) {
            Object prefix = outcome(parser, input, n);
            if (prefix instanceof Result.NeedMore more) {
                assertTrue(more.atLeast() > n, "asks for " + more.atLeast() + " with " + n);
            } else {
                // Whole, absent or refused on a prefix: the same with every byte that follows.
                assertEquals(prefix, whole, "decided at " + n + " bytes");
                return;
            }
        }
    }

    private static void roundTrip(ProxyHeaderParser parser, ProxyHeader header) {
        boolean hasCrc = header.tlv(ProxyTlv.PP2_TYPE_CRC32C) != null;
        byte[] written = header.version() == 1 ? ProxyHeaderEncoder.v1(header) : ProxyHeaderEncoder.v2(header);
        if (hasCrc || written.length > ProxyHeaderParser.V2_FIXED_LENGTH + parser.maxV2Length()
                || longerWhenWritten(header.source()) || longerWhenWritten(header.destination())) {
            // A checksum over other bytes; longer once its padding is gone the other way round; or a Unix path
            // read from bytes that are not UTF-8, whose replacement characters take three bytes each written back,
            // so the writer must cut it (a CI run's finding, kept as the input ci-finding).
            return;
        }
        Result.Complete complete = completeOrNull(parser, written);
        if (complete == null) {
            fail("written back as " + Arrays.toString(written) + ", parsed as " + outcome(parser, written, written.length));
            return;
        }
        assertEquals(header.source(), complete.header().source());
        assertEquals(header.destination(), complete.header().destination());
        assertEquals(header.command(), complete.header().command());
    }

    /**
     * The result — a whole header described as text, since its vectors hold arrays — or the refusal's kind; anything
     * else thrown fails the test.
     */
    private static Object outcome(ProxyHeaderParser parser, byte[] input, int length) {
        try {
            Result result = parser.parse(input, length);
            return result instanceof Result.Complete complete
                    ? "complete " + complete.length() + " " + complete.header() : result;
        } catch (ProxyHeaderException refused) {
            return refused.failure();
        }
    }

    /** A Unix socket path whose UTF-8 form does not fit the 108 bytes a version 2 header holds for it. */
    private static boolean longerWhenWritten(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress unix
                && unix.getPath().toString().getBytes(StandardCharsets.UTF_8).length > 108;
    }

    private static Result.Complete completeOrNull(ProxyHeaderParser parser, byte[] input) {
        try {
            return parser.parse(input, input.length) instanceof Result.Complete complete ? complete : null;
        } catch (ProxyHeaderException refused) {
            return null;
        }
    }
}
