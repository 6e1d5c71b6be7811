package io.corral.connector.http2.hpack;

import static io.corral.connector.http2.hpack.Rfc7541ExamplesTest.block;
import static io.corral.connector.http2.hpack.Rfc7541ExamplesTest.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 7541's decoding errors (each a COMPRESSION_ERROR in HTTP/2, RFC 9113 §4.3) and the dynamic table size
 * rules of §4.2 and §6.3.
 */
class Rfc7541DecodingErrorsTest {

    private final HpackDecoder decoder = new HpackDecoder(4096, 16384, 16384);

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        // §6.1: "The index value of 0 is not used. It MUST be treated as a decoding error if found in an indexed
        // header field representation."
        "80, indexed field with index 0",
        // §2.3.3: "Indices strictly greater than the sum of the lengths of both tables MUST be treated as a
        // decoding error."
        "be, index 62 with an empty dynamic table",
        "7f00 0161, literal naming index 63 with an empty dynamic table",
        "0f31 0161, literal without indexing naming index 15 + 49 = 64",
        // §5.1/§5.2: the block ends inside an integer or a string.
        "40, literal with no name length",
        "4005 6162, name length 5 with 2 octets left",
        "4001 61, name and no value length",
        "ff, indexed field truncated in its integer",
        // §5.2: Huffman errors inside a block.
        "4081 ff01 61, Huffman name that is only padding (8 ones)",
        // §4.2: "This dynamic table size update MUST occur at the beginning of the first header block following
        // the change to the dynamic table size." and §6.3 the new size "MUST be lower than or equal to the limit".
        "8220, size update after a field",
        "3fe2 1f, size update to 4097 with a limit of 4096",
    })
    void refuses(String hex, String why) {
        assertThrows(HpackException.class, () -> decoder.decode(block(hex)), why);
    }

    @Test
    void literalNamingTheLastStaticEntryIsFine() throws Exception {
        // 0x0f 0x2e: without indexing, name index 15 + 46 = 61 (www-authenticate)
        assertEquals(List.of(field("www-authenticate", "a")), decoder.decode(block("0f2e 0161")));
    }

    @Test
    void sizeUpdateAtTheStartResizesAndEvicts() throws Exception {
        decoder.decode(block("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572"));
        assertEquals(55, decoder.tableOccupancy());
        assertEquals(List.of(field(":method", "GET")), decoder.decode(block("20 3fe1 1f 82")),
                "to 0 (evicting all) then back to 4096, the smallest then the final size");
        assertEquals(0, decoder.tableOccupancy());
        assertEquals(4096, decoder.tableSize());
        assertThrows(HpackException.class, () -> decoder.decode(block("be")), "the entry is gone");
    }

    @Test
    void aLoweredLimitObligesTheNextBlockToStartWithASizeUpdate() throws Exception {
        decoder.setTableSizeLimit(100);
        assertThrows(HpackException.class, () -> decoder.decode(block("82")));
        HpackDecoder fresh = new HpackDecoder(4096, 16384, 16384);
        fresh.setTableSizeLimit(100);
        assertEquals(List.of(field(":method", "GET")), fresh.decode(block("3f45 82")), "update to 100");
        assertEquals(List.of(field(":method", "GET")), fresh.decode(block("82")), "owed once only");
    }

    @Test
    void anEncoderFollowsThePeersTableSizeWithTheUpdatesTheDecoderExpects() throws Exception {
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder peer = new HpackDecoder(4096, 16384, 16384);
        List<HeaderField> fields = List.of(field("x-custom", "one"));
        peer.decode(java.nio.ByteBuffer.wrap(encoder.encode(fields)));
        encoder.setPeerTableSizeLimit(0);
        encoder.setPeerTableSizeLimit(2048);
        peer.setTableSizeLimit(2048);
        byte[] block = encoder.encode(fields);
        assertEquals("203f e10f", Hex.of(java.util.Arrays.copyOf(block, 4)).replaceFirst("(....)", "$1 "),
                "0 then 2048 (31 + 2017)");
        assertEquals(fields, peer.decode(java.nio.ByteBuffer.wrap(block)));
        assertEquals(2048, peer.tableSize());
        assertEquals(fields.getFirst().size(), peer.tableOccupancy(), "emptied by 0, then the field again");
    }
}
