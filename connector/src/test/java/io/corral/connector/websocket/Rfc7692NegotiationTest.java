package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7692 §5 and §7.1: negotiating permessage-deflate from the client's offers. */
class Rfc7692NegotiationTest {

    private static String negotiate(String... headerValues) {
        DeflateParameters agreed = DeflateNegotiation.negotiate(List.of(headerValues), true);
        return agreed == null ? "DECLINED" : agreed.toHeaderValue();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', value = {
            "permessage-deflate                                          | permessage-deflate",
            "PerMessage-Deflate                                          | permessage-deflate",
            "permessage-deflate; client_max_window_bits                  | permessage-deflate",
            "permessage-deflate; client_max_window_bits=8                | permessage-deflate",
            "permessage-deflate; client_max_window_bits=15               | permessage-deflate",
            "permessage-deflate; client_max_window_bits=\"10\"           | permessage-deflate",
            "permessage-deflate; server_max_window_bits=15               | permessage-deflate; server_max_window_bits=15",
            "permessage-deflate; server_no_context_takeover              | permessage-deflate; server_no_context_takeover",
            "permessage-deflate; client_no_context_takeover              | permessage-deflate; client_no_context_takeover",
            "permessage-deflate;server_no_context_takeover;client_no_context_takeover;server_max_window_bits=15;client_max_window_bits"
                    + " | permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15",
            "permessage-deflate ; client_no_context_takeover , x-other   | permessage-deflate; client_no_context_takeover"})
    @DisplayName("§7.1: every parameter of an acceptable offer is honoured in the response")
    void acceptedOffers(String offer, String response) {
        assertEquals(response, negotiate(offer));
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "permessage-deflate; server_max_window_bits=14",                  // JDK Deflater: 15 only
            "permessage-deflate; server_max_window_bits=8",
            "permessage-deflate; server_max_window_bits",                     // needs a value
            "permessage-deflate; server_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=7",
            "permessage-deflate; client_max_window_bits=16",
            "permessage-deflate; client_max_window_bits=08",                  // leading zero
            "permessage-deflate; client_max_window_bits=\"1a\"",              // quoted junk
            "permessage-deflate; client_max_window_bits=+9",
            "permessage-deflate; server_no_context_takeover=true",            // takes no value
            "permessage-deflate; client_no_context_takeover=1",
            "permessage-deflate; server_no_context_takeover; server_no_context_takeover",   // duplicate
            "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
            "permessage-deflate; x-unknown",
            "permessage-deflate; mux",
            "permessage-deflate; =15",                                        // malformed
            "permessage-deflate; server_max_window_bits=",
            "permessage-deflate; client_max_window_bits=\"10",                // unterminated quote
            "permessage-deflate client_no_context_takeover",
            "x-webkit-deflate-frame",
            "deflate-frame; no_context_takeover"})
    @DisplayName("§7.1: 'A server MUST decline an extension negotiation offer' with unknown, duplicate or invalid parameters, or one it cannot honour")
    void declinedOffers(String offer) {
        assertEquals("DECLINED", negotiate(offer));
    }

    @Test
    @DisplayName("§5.1: offers are tried in the client's order; a declined one makes the server try the next")
    void nextOfferAfterDecline() {
        assertEquals("permessage-deflate; client_no_context_takeover",
                negotiate("permessage-deflate; server_max_window_bits=10, permessage-deflate; client_no_context_takeover"));
        assertEquals("permessage-deflate; server_max_window_bits=15",
                negotiate("permessage-deflate; =bad, permessage-deflate; server_max_window_bits=15, permessage-deflate"));
    }

    @Test
    @DisplayName("§9.1: offers may come in several headers; the first header's offers come first")
    void offersAcrossHeaders() {
        assertEquals("permessage-deflate; server_no_context_takeover",
                negotiate("x-webkit-deflate-frame", "permessage-deflate; server_no_context_takeover", "permessage-deflate"));
    }

    @Test
    @DisplayName("§9.1: a quoted-string may hold a comma; it does not split the offer")
    void quotedCommaDoesNotSplit() {
        assertEquals("permessage-deflate; client_no_context_takeover",
                negotiate("permessage-deflate; x=\"a, permessage-deflate\", permessage-deflate; client_no_context_takeover"));
        List<ExtensionOffer> offers = ExtensionOffer.parse(List.of("a; p=\"x,\\\"y\", b;q=1 ,, c"));
        assertEquals(3, offers.size());
        assertEquals(new ExtensionOffer.Parameter("p", "x,\"y", true), offers.get(0).parameters().get(0));
        assertEquals(new ExtensionOffer.Parameter("q", "1", false), offers.get(1).parameters().get(0));
        assertTrue(offers.get(2).wellFormed());
        assertFalse(ExtensionOffer.parse(List.of("a; p=\"open")).get(0).wellFormed());
    }

    @Test
    @DisplayName("§7.1.1: a server without context takeover asks for none in both directions, as §7.1.1.1/§7.1.1.2 let it")
    void serverWithoutContextTakeover() {
        DeflateParameters agreed = DeflateNegotiation.negotiate(List.of("permessage-deflate"), false);
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover", agreed.toHeaderValue());
    }

    @Test
    @DisplayName("§9.1 grammar: any header text parses without throwing, and only well-formed offers are ever accepted")
    void arbitraryHeaderText() {
        java.util.Random random = new java.util.Random(9);
        String alphabet = "permsag-dflt_ocnxkvwib=;,\" \\\t158";
        for (int run = 0; run < 20_000; run++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "permessage-deflate" : "");
            for (int i = random.nextInt(40); i > 0; i--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            for (ExtensionOffer offer : ExtensionOffer.parse(List.of(text.toString()))) {
                if (offer.wellFormed()) {
                    assertFalse(offer.name().isEmpty(), text::toString);
                }
            }
            DeflateNegotiation.negotiate(List.of(text.toString()), true);
        }
    }

    @Test
    @DisplayName("no header, no offer: nothing agreed")
    void noOffer() {
        assertNull(DeflateNegotiation.negotiate(List.of(), true));
        assertNull(DeflateNegotiation.negotiate(List.of(""), true));
        assertNull(DeflateNegotiation.negotiate(List.of(" , "), true));
    }
}
