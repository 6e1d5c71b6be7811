package io.corral.connector.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541 Appendix C, the RFC's own examples: each block decodes to the listed fields and leaves the listed
 * dynamic table size, and Corral's encoder, given the same fields in the same order on a fresh connection,
 * writes exactly the RFC's octets.
 */
class Rfc7541ExamplesTest {

    private static final String DATE_21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    /** C.2.1 Literal Header Field with Indexing. */
    @Test
    void c2_1_literalWithIndexing() throws Exception {
        HpackDecoder decoder = decoder(4096);
        assertEquals(List.of(field("custom-key", "custom-header")),
                decoder.decode(block("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertEquals(55, decoder.tableOccupancy());
    }

    /** C.2.2 Literal Header Field without Indexing. */
    @Test
    void c2_2_literalWithoutIndexing() throws Exception {
        HpackDecoder decoder = decoder(4096);
        assertEquals(List.of(field(":path", "/sample/path")),
                decoder.decode(block("040c 2f73 616d 706c 652f 7061 7468")));
        assertEquals(0, decoder.tableOccupancy());
    }

    /** C.2.3 Literal Header Field Never Indexed; the encoder sends credentials that way. */
    @Test
    void c2_3_literalNeverIndexed() throws Exception {
        HpackDecoder decoder = decoder(4096);
        assertEquals(List.of(field("password", "secret")),
                decoder.decode(block("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertEquals(0, decoder.tableOccupancy());
        byte[] encoded = new HpackEncoder(4096, false).encode(List.of(field("authorization", "secret")));
        assertEquals("1f0806736563726574", Hex.of(encoded), "never indexed (0001), name index 23 (15 + 8)");
    }

    /** C.2.4 Indexed Header Field. */
    @Test
    void c2_4_indexed() throws Exception {
        HpackDecoder decoder = decoder(4096);
        assertEquals(List.of(field(":method", "GET")), decoder.decode(block("82")));
        assertEquals(0, decoder.tableOccupancy());
    }

    /** C.3 Request Examples without Huffman Coding. */
    @Test
    void c3_requestsWithoutHuffman() throws Exception {
        conversation(4096, false, List.of(
                new Step(requestOne(), "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", 57),
                new Step(requestTwo(), "8286 84be 5808 6e6f 2d63 6163 6865", 110),
                new Step(requestThree(), "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
                        164)));
    }

    /** C.4 Request Examples with Huffman Coding. */
    @Test
    void c4_requestsWithHuffman() throws Exception {
        conversation(4096, true, List.of(
                new Step(requestOne(), "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", 57),
                new Step(requestTwo(), "8286 84be 5886 a8eb 1064 9cbf", 110),
                new Step(requestThree(), "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", 164)));
    }

    /** C.5 Response Examples without Huffman Coding: a 256-octet table, so entries get evicted. */
    @Test
    void c5_responsesWithoutHuffman() throws Exception {
        conversation(256, false, List.of(
                new Step(responseOne(), """
                        4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a
                        3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d""", 222),
                new Step(responseTwo(), "4803 3330 37c1 c0bf", 222),
                new Step(responseThree(), """
                        88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04
                        677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49
                        553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31""", 215)));
    }

    /** C.6 Response Examples with Huffman Coding. */
    @Test
    void c6_responsesWithHuffman() throws Exception {
        conversation(256, true, List.of(
                new Step(responseOne(), """
                        4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e
                        919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3""", 222),
                new Step(responseTwo(), "4883 640e ffc1 c0bf", 222),
                new Step(responseThree(), """
                        88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7
                        821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed
                        4ee5 b106 3d50 07""", 215)));
    }

    private record Step(List<HeaderField> fields, String hex, int tableSizeAfter) {
    }

    /** One connection's blocks in order: decoding and encoding both keep their table from block to block. */
    private static void conversation(int tableSize, boolean huffman, List<Step> steps) throws Exception {
        HpackDecoder decoder = decoder(tableSize);
        HpackEncoder encoder = new HpackEncoder(tableSize, huffman);
        for (Step step : steps) {
            assertEquals(step.fields(), decoder.decode(block(step.hex())));
            assertEquals(step.tableSizeAfter(), decoder.tableOccupancy());
            assertEquals(Hex.of(Hex.bytes(step.hex())), Hex.of(encoder.encode(step.fields())));
        }
    }

    private static List<HeaderField> requestOne() {
        return List.of(field(":method", "GET"), field(":scheme", "http"), field(":path", "/"),
                field(":authority", "www.example.com"));
    }

    private static List<HeaderField> requestTwo() {
        List<HeaderField> fields = new ArrayList<>(requestOne());
        fields.add(field("cache-control", "no-cache"));
        return fields;
    }

    private static List<HeaderField> requestThree() {
        return List.of(field(":method", "GET"), field(":scheme", "https"), field(":path", "/index.html"),
                field(":authority", "www.example.com"), field("custom-key", "custom-value"));
    }

    private static List<HeaderField> responseOne() {
        return List.of(field(":status", "302"), field("cache-control", "private"), field("date", DATE_21),
                field("location", "https://www.example.com"));
    }

    private static List<HeaderField> responseTwo() {
        return List.of(field(":status", "307"), field("cache-control", "private"), field("date", DATE_21),
                field("location", "https://www.example.com"));
    }

    private static List<HeaderField> responseThree() {
        return List.of(field(":status", "200"), field("cache-control", "private"), field("date", DATE_22),
                field("location", "https://www.example.com"), field("content-encoding", "gzip"),
                field("set-cookie", COOKIE));
    }

    private static HpackDecoder decoder(int tableSize) {
        return new HpackDecoder(tableSize, 16384, 16384);
    }

    static HeaderField field(String name, String value) {
        return new HeaderField(name, value);
    }

    static ByteBuffer block(String hex) {
        return ByteBuffer.wrap(Hex.bytes(hex));
    }
}
