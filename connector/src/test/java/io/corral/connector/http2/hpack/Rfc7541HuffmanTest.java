package io.corral.connector.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7541 §5.2 String Literal Representation and Appendix B, the Huffman code. */
class Rfc7541HuffmanTest {

    /**
     * Appendix B was "generated using a tool" that makes a canonical code: sorted by length then symbol, each
     * code is the previous one plus one, shifted left to its length; and it is complete (Kraft sum 1, EOS the
     * last code of all ones). A typo in the typed table breaks one of these.
     */
    @Test
    void theTableIsTheCompleteCanonicalCodeOfAppendixB() {
        Integer[] symbols = new Integer[257];
        for (int s = 0; s <= 256; s++) {
            symbols[s] = s;
        }
        java.util.Arrays.sort(symbols, (a, b) -> Huffman.length(a) != Huffman.length(b)
                ? Integer.compare(Huffman.length(a), Huffman.length(b)) : Integer.compare(a, b));
        long code = 0;
        int length = Huffman.length(symbols[0]);
        assertEquals(0, Huffman.code(symbols[0]));
        for (int i = 1; i < symbols.length; i++) {
            int next = Huffman.length(symbols[i]);
            code = (code + 1) << (next - length);
            length = next;
            assertEquals(code, Huffman.code(symbols[i]), "code of symbol " + symbols[i]);
        }
        assertEquals(Huffman.EOS, (int) symbols[256]);
        assertEquals((1L << 30) - 1, code, "EOS is thirty ones");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "www.example.com, f1e3c2e5f23a6ba0ab90f4ff",  // C.4.1
        "no-cache, a8eb10649cbf",                     // C.4.2
        "custom-key, 25a849e95ba97d7f",               // C.4.3
        "custom-value, 25a849e95bb8e8b4bf",           // C.4.3
        "302, 6402",                                  // C.6.1
        "private, aec3771a4b",                        // C.6.1
        "307, 640eff",                                // C.6.2
        "gzip, 9bd9ab",                               // C.6.3
    })
    void codesTheRfcExamples(String text, String hex) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Huffman.encode(text, out);
        assertEquals(hex, Hex.of(out.toByteArray()));
        assertEquals(hex.length() / 2, Huffman.encodedLength(text));
        byte[] octets = Hex.bytes(hex);
        assertEquals(text, Huffman.decode(octets, 0, octets.length));
    }

    @Test
    void roundTripsEveryOctet() throws Exception {
        Random random = new Random(7541);
        for (int round = 0; round < 200; round++) {
            char[] text = new char[random.nextInt(64)];
            for (int i = 0; i < text.length; i++) {
                text[i] = (char) random.nextInt(256);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Huffman.encode(new String(text), out);
            byte[] octets = out.toByteArray();
            assertEquals(new String(text), Huffman.decode(octets, 0, octets.length));
        }
    }

    @ParameterizedTest(name = "decoding error: {1}")
    @CsvSource({
        // "A padding strictly longer than 7 bits MUST be treated as a decoding error."
        "ff, a whole octet of padding",
        "1fff, 'a' (00011) then 11 bits of ones",
        // "A padding not corresponding to the most significant bits of the code for the EOS symbol MUST be
        // treated as a decoding error."
        "00, '0' (00000) then padding 000",
        "1e, 'a' (00011) then padding 110",
        // "A Huffman-encoded string literal containing the EOS symbol MUST be treated as a decoding error."
        "fffffffc, EOS (30 ones) then 2 bits",
    })
    void refuses(String hex, String why) {
        byte[] octets = Hex.bytes(hex);
        assertThrows(HpackException.class, () -> Huffman.decode(octets, 0, octets.length), why);
    }
}
