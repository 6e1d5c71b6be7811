package io.corral.jetty.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.corral.connector.http1.Http1Limits;
import java.util.List;
import org.eclipse.jetty.http.HttpCompliance;

/**
 * Differential fuzzing of Corral's request parser against Jetty's {@code HttpParser} in its RFC 9110/9112
 * compliance mode ({@link HttpCompliance#RFC9110}, {@code HttpConfiguration}'s default): the same bytes —
 * one request or several pipelined — go to both parsers in-process, and
 * <ul>
 *   <li>every request both accept ends at the same byte, with the same method, target and body: no
 *       smuggling gap between a Jetty front and a Corral back, or the reverse;</li>
 *   <li>a request Corral accepts, Jetty accepts too: Corral is never the more lenient (a request Jetty
 *       accepts and Corral refuses is fine: Corral is the stricter);</li>
 *   <li>neither sees a complete request where the other still waits for bytes of it.</li>
 * </ul>
 * The comparison stops after a request that ends the connection (HTTP/1.0, {@code Connection: close},
 * an upgrade or CONNECT): what follows is never parsed as a request. Where Corral accepts what Jetty refuses on
 * purpose, {@link DocumentedDifferences} names the case, as the README's "What differs" section does. Both parsers get limits above any
 * fuzz input, so no limit decides an outcome. Fuzzed in the normal build; run with {@code -Dtest} it
 * replays the seeds and findings in {@code JettyParserDifferentialFuzzTestInputs/}.
 */
class JettyParserDifferentialFuzzTest {

    private static final int LIMIT = 1 << 20;
    private static final Http1Limits CORRAL_LIMITS = new Http1Limits(LIMIT, LIMIT, 100_000, -1);

    @FuzzTest(maxExecutions = 20_000)
    void corralIsNeverLaxerNorDisagreesOnWhereARequestEnds(byte[] input) {
        ParsedStream corral = CorralRequestStream.parse(input, CORRAL_LIMITS);
        ParsedStream jetty = JettyRequestStream.parse(input, LIMIT, HttpCompliance.RFC9110);
        String disagreement = disagreement(input, corral, jetty);
        if (disagreement != null) {
            fail(disagreement + "\n--- Corral:\n" + corral.describe() + "\n--- Jetty:\n" + jetty.describe());
        }
    }

    /** What is wrong with the two outcomes, or null when Corral is as strict or stricter and they agree on framing. */
    static String disagreement(byte[] input, ParsedStream corral, ParsedStream jetty) {
        List<ParsedStream.Request> ours = corral.requests();
        List<ParsedStream.Request> theirs = jetty.requests();
        int common = Math.min(ours.size(), theirs.size());
        for (int i = 0; i < common; i++) {
            ParsedStream.Request mine = ours.get(i);
            ParsedStream.Request other = theirs.get(i);
            if (mine.end() != other.end()) {
                return "request " + i + " ends at byte " + mine.end() + " for Corral, at " + other.end() + " for Jetty";
            }
            if (!mine.method().equals(other.method()) || !mine.target().equals(other.target())
                    || !mine.body().equals(other.body())) {
                return "request " + i + " differs";
            }
        }
        boolean closedAtCommon = common > 0 && (common == ours.size() && corral.ending() == ParsedStream.Ending.CLOSED
                || common == theirs.size() && jetty.ending() == ParsedStream.Ending.CLOSED);
        if (closedAtCommon) {
            return null;
        }
        if (ours.size() > theirs.size()) {
            // Corral accepted a request Jetty did not finish: laxer, or it thinks the request ended sooner.
            if (jetty.ending() != ParsedStream.Ending.REFUSED) {
                return "Corral sees request " + common + " complete, Jetty waits for more of it";
            }
            int start = common == 0 ? 0 : ours.get(common - 1).end();
            int end = ours.get(common).end();
            if (DocumentedDifferences.contentLengthList(input, start, end)
                    || DocumentedDifferences.minorVersionAboveOne(input, start, end)) {
                return null;
            }
            return "Corral accepts request " + common + ", Jetty refuses it";
        }
        if (theirs.size() > ours.size() && corral.ending() != ParsedStream.Ending.REFUSED) {
            return "Jetty sees request " + common + " complete, Corral waits for more of it";
        }
        return null;
    }
}
