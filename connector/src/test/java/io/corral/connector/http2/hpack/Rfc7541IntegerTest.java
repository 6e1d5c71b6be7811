package io.corral.connector.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 7541 §5.1 Integer Representation, with the examples of Appendix C.1. */
class Rfc7541IntegerTest {

    @ParameterizedTest(name = "{0} with a {1}-bit prefix is {2}")
    @CsvSource({
        "10, 5, 0a",          // C.1.1
        "1337, 5, 1f9a0a",    // C.1.2
        "42, 8, 2a",          // C.1.3
        "30, 5, 1e",          // the largest value that fits the prefix
        "31, 5, 1f00",        // the prefix all ones, then a zero group
        "2147483647, 7, 7f80ffffff07",
    })
    void encodesAndDecodes(int value, int prefix, String hex) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrefixedInteger.encode(value, prefix, 0, out);
        assertEquals(hex, Hex.of(out.toByteArray()));
        ByteBuffer in = ByteBuffer.wrap(Hex.bytes(hex));
        assertEquals(value, PrefixedInteger.decode(in, prefix));
        assertEquals(0, in.remaining());
    }

    @ParameterizedTest(name = "flags above the prefix are kept apart: {0}")
    @CsvSource({"ea, 10", "ff9a0a, 1337"})
    void ignoresBitsAboveThePrefix(String hex, int value) throws Exception {
        assertEquals(value, PrefixedInteger.decode(ByteBuffer.wrap(Hex.bytes(hex)), 5));
    }

    @ParameterizedTest(name = "decoding error: {0}")
    @CsvSource({
        "7f, truncated after the prefix",
        "7f9a, truncated inside the groups",
        "7f80808080808000, redundant zero groups past what 2^31 - 1 needs",
        "7f81ffffff07, 2^31 + 128: over 2^31 - 1",
        "7fffffffff0f, over 2^31 - 1",
    })
    void refuses(String hex, String why) {
        assertThrows(HpackException.class, () -> PrefixedInteger.decode(ByteBuffer.wrap(Hex.bytes(hex)), 7), why);
    }
}
