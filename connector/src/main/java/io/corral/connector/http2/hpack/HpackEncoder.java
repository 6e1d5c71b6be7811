package io.corral.connector.http2.hpack;

import java.io.ByteArrayOutputStream;
import java.util.Set;

/**
 * Encodes fields into field blocks (RFC 7541 §6): a whole match in the static or dynamic table becomes one
 * index, anything else a literal that names a table entry when it can, Huffman-coded when that is not longer.
 * Literals are added to the dynamic table, except:
 * <ul>
 * <li>credentials ({@code authorization}, {@code proxy-authorization}), sent "never indexed" (§7.1.3) so that no
 *     intermediary indexes them either, where table probing (CRIME-like attacks) could guess them;</li>
 * <li>values that change with nearly every message ({@code :path}, {@code content-length}), which would only
 *     evict useful entries;</li>
 * <li>fields larger than three quarters of the table, which would flush it.</li>
 * </ul>
 * When the peer changes SETTINGS_HEADER_TABLE_SIZE, the next block starts with the size updates §4.2 asks for
 * (the smallest size reached, then the final one). One encoder per connection; not thread-safe.
 */
public final class HpackEncoder {

    private static final Set<String> NEVER_INDEXED = Set.of("authorization", "proxy-authorization");
    private static final Set<String> NOT_INDEXED = Set.of(":path", "content-length");

    private final DynamicTable table;
    private final int maxTableSize;
    private final boolean huffman;
    /** Size updates owed at the start of the next block; -1 when none is. */
    private int smallestPendingSize = -1;
    private int pendingSize = -1;

    /** An encoder for a peer that kept HTTP/2's initial table size (4096), with Huffman coding. */
    public HpackEncoder() {
        this(HpackDecoder.DEFAULT_TABLE_SIZE, true);
    }

    /**
     * @param maxTableSize the largest dynamic table this encoder keeps, whatever the peer allows; the table
     *                     starts at this size, which the peer must already expect (HTTP/2 starts at 4096)
     * @param huffman      whether to Huffman-code strings where that is not longer (false only to reproduce
     *                     the RFC's examples without it)
     */
    public HpackEncoder(int maxTableSize, boolean huffman) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("negative table size");
        }
        this.maxTableSize = maxTableSize;
        this.table = new DynamicTable(maxTableSize);
        this.huffman = huffman;
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE arrived: the table follows it, never above our own maximum. */
    public void setPeerTableSizeLimit(int limit) {
        int size = Math.min(limit, maxTableSize);
        int current = pendingSize >= 0 ? pendingSize : table.maxSize();
        if (size == current) {
            return;
        }
        smallestPendingSize = smallestPendingSize < 0 ? size : Math.min(smallestPendingSize, size);
        pendingSize = size;
    }

    /** Encodes one field block. */
    public byte[] encode(Iterable<HeaderField> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        encode(fields, out);
        return out.toByteArray();
    }

    /** Encodes one field block into {@code out}. */
    public void encode(Iterable<HeaderField> fields, ByteArrayOutputStream out) {
        writePendingSizeUpdates(out);
        for (HeaderField field : fields) {
            encode(field, out);
        }
    }

    private void writePendingSizeUpdates(ByteArrayOutputStream out) {
        if (pendingSize < 0) {
            return;
        }
        if (smallestPendingSize < pendingSize) {
            PrefixedInteger.encode(smallestPendingSize, 5, 0x20, out);
            table.setMaxSize(smallestPendingSize);
        }
        PrefixedInteger.encode(pendingSize, 5, 0x20, out);
        table.setMaxSize(pendingSize);
        pendingSize = -1;
        smallestPendingSize = -1;
    }

    private void encode(HeaderField field, ByteArrayOutputStream out) {
        int index = StaticTable.indexOf(field);
        if (index == 0) {
            index = dynamicIndexOf(field);
        }
        if (index != 0) {
            PrefixedInteger.encode(index, 7, 0x80, out);
            return;
        }
        int nameIndex = StaticTable.indexOfName(field.name());
        if (nameIndex == 0) {
            nameIndex = dynamicIndexOfName(field.name());
        }
        if (NEVER_INDEXED.contains(field.name())) {
            literal(field, nameIndex, 4, 0x10, out);
        } else if (NOT_INDEXED.contains(field.name()) || field.size() > table.maxSize() * 3 / 4) {
            literal(field, nameIndex, 4, 0x00, out);
        } else {
            literal(field, nameIndex, 6, 0x40, out);
            table.add(field);
        }
    }

    private void literal(HeaderField field, int nameIndex, int prefixBits, int flags, ByteArrayOutputStream out) {
        PrefixedInteger.encode(nameIndex, prefixBits, flags, out);
        if (nameIndex == 0) {
            string(field.name(), out);
        }
        string(field.value(), out);
    }

    private void string(String text, ByteArrayOutputStream out) {
        int huffmanLength = huffman ? Huffman.encodedLength(text) : Integer.MAX_VALUE;
        if (huffmanLength <= text.length()) {
            PrefixedInteger.encode(huffmanLength, 7, 0x80, out);
            Huffman.encode(text, out);
        } else {
            PrefixedInteger.encode(text.length(), 7, 0x00, out);
            for (int i = 0, n = text.length(); i < n; i++) {
                out.write(text.charAt(i));
            }
        }
    }

    private int dynamicIndexOf(HeaderField field) {
        for (int i = 1, n = table.length(); i <= n; i++) {
            if (table.get(i).equals(field)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }

    private int dynamicIndexOfName(String name) {
        for (int i = 1, n = table.length(); i <= n; i++) {
            if (table.get(i).name().equals(name)) {
                return StaticTable.LENGTH + i;
            }
        }
        return 0;
    }
}
