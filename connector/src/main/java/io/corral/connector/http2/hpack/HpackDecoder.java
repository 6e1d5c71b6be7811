package io.corral.connector.http2.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes complete field blocks (RFC 7541 §3, §6) into fields, with every limit a peer could abuse bounded:
 * <ul>
 * <li>the decoded list: once its size (octets plus 32 per field, RFC 9113 §6.5.2) passes
 *     {@code maxHeaderListSize}, the rest of the block is still decoded to keep the dynamic table in step, but
 *     no field is kept, and the block ends in a {@link HeaderListTooLargeException} (HPACK bombs: a one-octet
 *     index naming a 4 KiB entry costs nothing here);</li>
 * <li>strings: one longer than {@code maxStringLength} is skipped, never copied or Huffman-decoded, and makes
 *     the list too large as well;</li>
 * <li>the dynamic table: the peer may size it up to the limit we advertised (SETTINGS_HEADER_TABLE_SIZE),
 *     and only at the start of a block (§4.2); everything else malformed — an index of 0 or past the tables, a
 *     truncated integer or string, an integer over 2^31 - 1, bad Huffman padding or EOS — is an
 *     {@link HpackException} (COMPRESSION_ERROR).</li>
 * </ul>
 * The work per block is bounded by its length, which the HTTP/2 layer bounds across CONTINUATION frames.
 * One decoder per connection; not thread-safe.
 */
public final class HpackDecoder {

    /** HTTP/2's initial SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2). */
    public static final int DEFAULT_TABLE_SIZE = 4096;

    private final DynamicTable table;
    private final int maxHeaderListSize;
    private final int maxStringLength;
    private int tableSizeLimit;
    private boolean sizeUpdateRequired;

    /**
     * @param tableSizeLimit    the largest dynamic table the peer may use (what we advertise as
     *                          SETTINGS_HEADER_TABLE_SIZE); the table starts at that size
     * @param maxHeaderListSize the largest decoded list accepted (what we advertise as
     *                          SETTINGS_MAX_HEADER_LIST_SIZE)
     * @param maxStringLength   the longest name or value accepted, in octets; raised to {@code tableSizeLimit}
     *                          if lower, so that every string the table could hold is read
     */
    public HpackDecoder(int tableSizeLimit, int maxHeaderListSize, int maxStringLength) {
        if (tableSizeLimit < 0 || maxHeaderListSize < 0 || maxStringLength < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.tableSizeLimit = tableSizeLimit;
        this.table = new DynamicTable(tableSizeLimit);
        this.maxHeaderListSize = maxHeaderListSize;
        this.maxStringLength = maxStringLength;
    }

    /**
     * A new limit for the peer's table, once the peer acknowledged the SETTINGS that announced it. A limit below
     * the table's current size obliges the peer to shrink the table at the start of its next block (§4.2).
     */
    public void setTableSizeLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        tableSizeLimit = limit;
        if (table.maxSize() > limit) {
            sizeUpdateRequired = true;
        }
    }

    /** The dynamic table's current maximum size, as the peer last set it. */
    public int tableSize() {
        return table.maxSize();
    }

    /** The total size of the dynamic table's entries. */
    public int tableOccupancy() {
        return table.size();
    }

    /**
     * Decodes one complete field block from the buffer's position to its limit, consuming it.
     *
     * @throws HpackException              the block is malformed: a connection error (COMPRESSION_ERROR)
     * @throws HeaderListTooLargeException the block was fine but too large: refuse the stream only
     */
    public List<HeaderField> decode(ByteBuffer block) throws HpackException, HeaderListTooLargeException {
        Block state = new Block();
        while (block.hasRemaining()) {
            int first = block.get(block.position()) & 0xFF;
            if ((first & 0xE0) == 0x20) {
                sizeUpdate(block, state);
                continue;
            }
            if (sizeUpdateRequired) {
                throw new HpackException("dynamic table size update missing");
            }
            state.fieldSeen = true;
            if ((first & 0x80) != 0) {
                state.emit(indexed(PrefixedInteger.decode(block, 7)));
            } else if ((first & 0x40) != 0) {
                literal(block, 6, true, state);
            } else {
                // 0000xxxx without indexing, 0001xxxx never indexed: the same to a decoder that forwards nothing.
                literal(block, 4, false, state);
            }
        }
        if (state.tooLarge) {
            throw new HeaderListTooLargeException(state.listSize, state.longestString);
        }
        return state.fields;
    }

    private void sizeUpdate(ByteBuffer block, Block state) throws HpackException {
        if (state.fieldSeen) {
            throw new HpackException("dynamic table size update after a field");
        }
        int size = PrefixedInteger.decode(block, 5);
        if (size > tableSizeLimit) {
            throw new HpackException("dynamic table size over the limit");
        }
        table.setMaxSize(size);
        sizeUpdateRequired = false;
    }

    private HeaderField indexed(int index) throws HpackException {
        if (index == 0) {
            throw new HpackException("index 0");
        }
        if (index <= StaticTable.LENGTH) {
            return StaticTable.get(index);
        }
        if (index - StaticTable.LENGTH > table.length()) {
            throw new HpackException("index past the dynamic table");
        }
        return table.get(index - StaticTable.LENGTH);
    }

    private void literal(ByteBuffer block, int prefixBits, boolean addToTable, Block state) throws HpackException {
        int nameIndex = PrefixedInteger.decode(block, prefixBits);
        String name = nameIndex == 0 ? string(block, state) : indexed(nameIndex).name();
        String value = string(block, state);
        if (name == null || value == null) {
            state.tooLarge = true;
            state.fields = List.of();
            if (addToTable) {
                table.addOversized();
            }
            return;
        }
        HeaderField field = new HeaderField(name, value);
        if (addToTable) {
            table.add(field);
        }
        state.emit(field);
    }

    /** A string literal (§5.2), or null when it is longer than the longest accepted (it is skipped). */
    private String string(ByteBuffer block, Block state) throws HpackException {
        if (!block.hasRemaining()) {
            throw new HpackException("truncated string");
        }
        boolean huffman = (block.get(block.position()) & 0x80) != 0;
        int length = PrefixedInteger.decode(block, 7);
        if (length > block.remaining()) {
            throw new HpackException("truncated string");
        }
        int longest = Math.max(maxStringLength, tableSizeLimit);
        if (length > longest) {
            block.position(block.position() + length);
            state.longestString = Math.max(state.longestString, length);
            return null;
        }
        byte[] octets;
        int offset;
        if (block.hasArray()) {
            octets = block.array();
            offset = block.arrayOffset() + block.position();
            block.position(block.position() + length);
        } else {
            octets = new byte[length];
            offset = 0;
            block.get(octets);
        }
        if (!huffman) {
            return new String(octets, offset, length, StandardCharsets.ISO_8859_1);
        }
        String decoded = Huffman.decode(octets, offset, length);
        if (decoded.length() > longest) {
            state.longestString = Math.max(state.longestString, decoded.length());
            return null;
        }
        return decoded;
    }

    /** What one block has decoded so far. */
    private final class Block {
        List<HeaderField> fields = new ArrayList<>();
        long listSize;
        int longestString;
        boolean fieldSeen;
        boolean tooLarge;

        void emit(HeaderField field) {
            listSize += field.size();
            if (listSize > maxHeaderListSize) {
                tooLarge = true;
                fields = List.of();
            } else if (!tooLarge) {
                fields.add(field);
            }
        }
    }
}
