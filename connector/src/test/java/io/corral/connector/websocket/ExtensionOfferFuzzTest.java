package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the {@code Sec-WebSocket-Extensions} offer parser ({@link ExtensionOffer},
 * RFC 6455 §9.1) and of permessage-deflate negotiation on top of it ({@link DeflateNegotiation}, RFC 7692
 * §5, §7.1): whatever the header values, parsing ends without an exception; every well-formed offer
 * written back in the grammar parses to itself (the parser neither drops nor invents a parameter); a
 * name is never empty in a well-formed offer; and negotiation either declines or agrees on an offer that
 * really was a well-formed permessage-deflate offer.
 *
 * <p>Fuzzed in the normal build; run with {@code -Dtest} it replays the seeds and findings in
 * {@code ExtensionOfferFuzzTestInputs/}.
 */
class ExtensionOfferFuzzTest {

    /** The input is the header values, one per line, as ISO-8859-1 text as the HTTP parser hands them over. */
    @FuzzTest(maxExecutions = 60_000)
    void parsesAnyOfferSafely(byte[] input) {
        List<String> values = List.of(new String(input, StandardCharsets.ISO_8859_1).split("\n", -1));
        List<ExtensionOffer> offers = ExtensionOffer.parse(values);
        int elements = 0;
        for (String value : values) {
            elements += value.chars().filter(c -> c == ',').count() + 1;
        }
        assertTrue(offers.size() <= elements, "more offers than list elements");

        boolean deflateOffered = false;
        for (ExtensionOffer offer : offers) {
            if (!offer.wellFormed()) {
                continue;
            }
            assertFalse(offer.name().isEmpty(), "a well-formed offer without a name");
            assertEquals(List.of(offer), ExtensionOffer.parse(List.of(written(offer))), "written back");
            deflateOffered |= offer.name().equalsIgnoreCase(DeflateParameters.NAME);
        }
        for (boolean contextTakeover : new boolean[] {true, false}) {
            DeflateParameters agreed = DeflateNegotiation.negotiate(values, contextTakeover);
            if (agreed != null) {
                assertTrue(deflateOffered, "agreed on permessage-deflate that no well-formed offer named");
                if (!contextTakeover) {
                    assertTrue(agreed.serverNoContextTakeover() && agreed.clientNoContextTakeover(),
                            "context takeover agreed although the server keeps none");
                }
                String response = agreed.toHeaderValue();
                assertEquals(agreed, DeflateNegotiation.negotiate(List.of(response), true),
                        "the server's own answer is not an acceptable offer: " + response);
            }
        }
    }

    /** The offer in the grammar's canonical form: quoted values quoted and escaped, tokens bare. */
    private static String written(ExtensionOffer offer) {
        StringBuilder text = new StringBuilder(offer.name());
        for (ExtensionOffer.Parameter parameter : offer.parameters()) {
            text.append("; ").append(parameter.name());
            if (parameter.value() != null) {
                text.append('=');
                if (parameter.quoted()) {
                    text.append('"').append(parameter.value().replace("\\", "\\\\").replace("\"", "\\\""))
                            .append('"');
                } else {
                    text.append(parameter.value());
                }
            }
        }
        return text.toString();
    }
}
