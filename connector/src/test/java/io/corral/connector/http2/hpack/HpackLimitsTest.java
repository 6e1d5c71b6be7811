package io.corral.connector.http2.hpack;

import static io.corral.connector.http2.hpack.Rfc7541ExamplesTest.block;
import static io.corral.connector.http2.hpack.Rfc7541ExamplesTest.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder's own limits: the decoded header list size (RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE, and
 * the HPACK bomb it stops) and the longest string, each on both sides of the limit, and the dynamic table still
 * in step with the peer's after a refused block.
 */
class HpackLimitsTest {

    @Test
    void aListOfExactlyTheLimitPassesAndOneOctetMoreIsRefused() throws Exception {
        // "a: b" is 1 + 1 + 32 = 34 octets.
        byte[] block = Hex.bytes("0001 6101 62");
        assertEquals(List.of(field("a", "b")), new HpackDecoder(4096, 34, 4096).decode(ByteBuffer.wrap(block)));
        HeaderListTooLargeException refused = assertThrows(HeaderListTooLargeException.class,
                () -> new HpackDecoder(4096, 33, 4096).decode(ByteBuffer.wrap(block)));
        assertEquals(34, refused.size());
    }

    /**
     * The bomb: a 4,000-octet entry in the table, then one block naming it 4,000 times (4 KB on the wire, 16 MB
     * decoded). The decoder refuses it without building the list, and the table still matches the peer's.
     */
    @Test
    void anHpackBombIsRefusedAndTheTableStaysInStep() throws Exception {
        HpackDecoder decoder = new HpackDecoder(4096, 8192, 8192);
        String big = "x".repeat(4000);
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        entry.writeBytes(Hex.bytes("4004 626f 6d62")); // literal with incremental indexing, new name "bomb"
        PrefixedInteger.encode(big.length(), 7, 0, entry);
        entry.writeBytes(big.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(List.of(field("bomb", big)), decoder.decode(ByteBuffer.wrap(entry.toByteArray())));

        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        for (int i = 0; i < 4000; i++) {
            bomb.write(0xbe);
        }
        HeaderListTooLargeException refused = assertThrows(HeaderListTooLargeException.class,
                () -> decoder.decode(ByteBuffer.wrap(bomb.toByteArray())));
        assertTrue(refused.size() > 8192);

        assertEquals(List.of(field("bomb", big)), decoder.decode(block("be")), "the entry is still index 62");
    }

    @Test
    void aStringOverTheLongestIsSkippedAndStillEmptiesTheTableAsThePeersDoes() throws Exception {
        // Table limit 64, strings up to 80 octets: a 100-octet value with incremental indexing is larger than the
        // table, so the peer's table empties (§4.4); ours must too, though the decoder never read the value.
        HpackDecoder decoder = new HpackDecoder(64, 16384, 80);
        assertEquals(List.of(field("k", "v")), decoder.decode(block("4001 6b01 76")));
        assertEquals(34, decoder.tableOccupancy());
        byte[] over = Hex.bytes("4001 78 64" + "61".repeat(100));
        HeaderListTooLargeException refused = assertThrows(HeaderListTooLargeException.class,
                () -> decoder.decode(ByteBuffer.wrap(over)));
        assertEquals(100, refused.longestString());
        assertEquals(0, decoder.tableOccupancy());
        byte[] atLimit = Hex.bytes("0001 78 50" + "61".repeat(80));
        assertEquals(List.of(field("x", "a".repeat(80))), decoder.decode(ByteBuffer.wrap(atLimit)));
    }

    @Test
    void aHuffmanStringOverTheLongestOnceDecodedIsRefused() throws Exception {
        HpackDecoder decoder = new HpackDecoder(0, 16384, 10);
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        Huffman.encode("0".repeat(11), value); // 55 bits: 7 octets that decode to 11
        byte[] block = new byte[4 + value.size()];
        System.arraycopy(Hex.bytes("000178" + "87"), 0, block, 0, 4);
        System.arraycopy(value.toByteArray(), 0, block, 4, value.size());
        assertEquals(11, assertThrows(HeaderListTooLargeException.class,
                () -> decoder.decode(ByteBuffer.wrap(block))).longestString());
    }
}
