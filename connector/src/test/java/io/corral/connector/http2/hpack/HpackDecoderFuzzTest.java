package io.corral.connector.http2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link HpackDecoder} with Jazzer: whatever the octets, decoding ends in fields, an
 * {@link HpackException} or a {@link HeaderListTooLargeException} — never another exception — and what it
 * returns keeps the limits (list size, string length, table size). The input is cut into two blocks on one
 * connection, so the dynamic table carries from one to the next; what the first block decodes to must survive a
 * round trip through Corral's encoder and a fresh decoder.
 *
 * <p>In the normal build, surefire runs this class on its own with {@code JAZZER_FUZZ=1} for {@code maxExecutions}
 * runs from a fixed seed; run alone with {@code -Dtest=HpackDecoderFuzzTest} it replays the seeds in
 * {@code HpackDecoderFuzzTestInputs/}.
 */
class HpackDecoderFuzzTest {

    @FuzzTest(maxExecutions = 50_000)
    void decodesAnyBlockSafely(byte[] input) throws Exception {
        int cut = input.length == 0 ? 0 : (input[0] & 0xFF) % (input.length + 1);
        check(input, cut, 4096, 8192, 8192);
        check(input, cut, 64, 100, 40);
    }

    private static void check(byte[] input, int cut, int tableSize, int maxListSize, int maxString) throws Exception {
        HpackDecoder decoder = new HpackDecoder(tableSize, maxListSize, maxString);
        for (ByteBuffer block : List.of(ByteBuffer.wrap(input, 0, cut), ByteBuffer.wrap(input, cut, input.length - cut))) {
            List<HeaderField> fields;
            try {
                fields = decoder.decode(block);
            } catch (HpackException e) {
                return;
            } catch (HeaderListTooLargeException e) {
                assertTrue(e.size() > maxListSize || e.longestString() > Math.max(maxString, tableSize),
                        "refused under the limits: " + e.size() + ", " + e.longestString());
                assertTrue(decoder.tableOccupancy() <= decoder.tableSize());
                continue;
            }
            long size = 0;
            for (HeaderField field : fields) {
                size += field.size();
                assertTrue(field.name().length() <= Math.max(maxString, tableSize));
                assertTrue(field.value().length() <= Math.max(maxString, tableSize));
            }
            assertTrue(size <= maxListSize, "list over the limit: " + size);
            assertTrue(decoder.tableOccupancy() <= decoder.tableSize());
            assertTrue(decoder.tableSize() <= tableSize);
            roundTrip(fields);
        }
    }

    private static void roundTrip(List<HeaderField> fields) throws Exception {
        HpackEncoder encoder = new HpackEncoder();
        HpackDecoder fresh = new HpackDecoder(4096, Integer.MAX_VALUE, Integer.MAX_VALUE);
        List<HeaderField> twice = new ArrayList<>(fields);
        twice.addAll(fields);
        assertEquals(fields, fresh.decode(ByteBuffer.wrap(encoder.encode(fields))));
        assertEquals(twice, fresh.decode(ByteBuffer.wrap(encoder.encode(twice))), "with the table in use");
    }
}
