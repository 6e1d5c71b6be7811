package io.corral.connector.http2.hpack;

import java.io.ByteArrayOutputStream;

/**
 * The static Huffman code of HPACK (RFC 7541 §5.2 and Appendix B): encoding, its length, and decoding with the
 * checks the RFC requires of a decoder: padding of at most 7 bits, all of them ones (the most significant bits
 * of EOS), and no EOS symbol inside a string.
 *
 * <p>Decoding walks a binary tree built once from the table, one bit at a time: simple to check against the
 * RFC, and fast enough for header blocks (a few hundred octets). A nibble-at-a-time state table is the known
 * faster form if a benchmark ever asks for it.
 */
final class Huffman {

    static final int EOS = 256;

    /**
     * RFC 7541 Appendix B, "code as hex" aligned to the LSB, symbol by symbol (0-255, then EOS). Lengths follow
     * in {@link #LENGTHS}. {@code HuffmanTableTest} checks that the two form the complete canonical code the
     * appendix describes.
     */
    private static final int[] CODES = {
        // 0-15
        0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7,
        0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,
        // 16-31
        0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3,
        0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,
        // 32-47: ' ' ! " # $ % & ' ( ) * + , - . /
        0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa,
        0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,
        // 48-63: 0-9 : ; < = > ?
        0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
        0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,
        // 64-79: @ A-O
        0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62,
        0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
        // 80-95: P-Z [ \ ] ^ _
        0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,
        0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,
        // 96-111: ` a-o
        0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26,
        0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,
        // 112-127: p-z { | } ~ DEL
        0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78,
        0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,
        // 128-143
        0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9,
        0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,
        // 144-159
        0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3,
        0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,
        // 160-175
        0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde,
        0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,
        // 176-191
        0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef,
        0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,
        // 192-207
        0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec,
        0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,
        // 208-223
        0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2,
        0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,
        // 224-239
        0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3,
        0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,
        // 240-255
        0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea,
        0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,
        // EOS
        0x3fffffff,
    };

    /** RFC 7541 Appendix B, "len in bits", for the same symbols. */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    /**
     * The decoding tree: node {@code n} has its 0-child at {@code [2n]} and its 1-child at {@code [2n + 1]};
     * a child below 0 is the leaf of symbol {@code -child - 1}. Node 0 is the root. A complete code of 257
     * symbols has 256 inner nodes.
     */
    private static final int[] TREE = buildTree();

    private Huffman() {
    }

    static int code(int symbol) {
        return CODES[symbol];
    }

    static int length(int symbol) {
        return LENGTHS[symbol];
    }

    /** How many octets {@code text} (one char per octet) takes Huffman-coded. */
    static int encodedLength(CharSequence text) {
        long bits = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            bits += LENGTHS[text.charAt(i) & 0xFF];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes {@code text} (one char per octet) Huffman-coded, padded with the most significant bits of EOS. */
    static void encode(CharSequence text, ByteArrayOutputStream out) {
        long pending = 0;
        int pendingBits = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            int symbol = text.charAt(i) & 0xFF;
            pending = (pending << LENGTHS[symbol]) | CODES[symbol];
            pendingBits += LENGTHS[symbol];
            while (pendingBits >= 8) {
                pendingBits -= 8;
                out.write((int) (pending >>> pendingBits));
            }
        }
        if (pendingBits > 0) {
            int padding = 8 - pendingBits;
            out.write((int) ((pending << padding) | ((1 << padding) - 1)));
        }
    }

    /**
     * Decodes {@code length} octets from {@code in[offset..]} into one char per octet.
     *
     * @throws HpackException on EOS inside the string, padding longer than 7 bits, or padding that is not
     *                        all ones (RFC 7541 §5.2)
     */
    static String decode(byte[] in, int offset, int length) throws HpackException {
        // At most 8 symbols per 5 octets: the shortest code has 5 bits.
        char[] out = new char[(int) ((length * 8L) / 5)];
        int count = 0;
        int node = 0;
        int bitsSinceSymbol = 0;
        boolean onlyOnesSinceSymbol = true;
        for (int i = offset, end = offset + length; i < end; i++) {
            int octet = in[i] & 0xFF;
            for (int bit = 7; bit >= 0; bit--) {
                int one = (octet >>> bit) & 1;
                int child = TREE[2 * node + one];
                bitsSinceSymbol++;
                onlyOnesSinceSymbol &= one == 1;
                if (child < 0) {
                    int symbol = -child - 1;
                    if (symbol == EOS) {
                        throw new HpackException("EOS in Huffman string");
                    }
                    out[count++] = (char) symbol;
                    node = 0;
                    bitsSinceSymbol = 0;
                    onlyOnesSinceSymbol = true;
                } else {
                    node = child;
                }
            }
        }
        if (bitsSinceSymbol > 7) {
            throw new HpackException("Huffman padding over 7 bits");
        }
        if (!onlyOnesSinceSymbol) {
            throw new HpackException("Huffman padding not EOS");
        }
        return new String(out, 0, count);
    }

    private static int[] buildTree() {
        int[] tree = new int[2 * 256];
        int nodes = 1;
        for (int symbol = 0; symbol <= EOS; symbol++) {
            int node = 0;
            for (int bit = LENGTHS[symbol] - 1; bit >= 0; bit--) {
                int slot = 2 * node + ((CODES[symbol] >>> bit) & 1);
                if (bit == 0) {
                    if (tree[slot] != 0) {
                        throw new IllegalStateException("Huffman table: code of " + symbol + " is taken");
                    }
                    tree[slot] = -symbol - 1;
                } else {
                    if (tree[slot] < 0) {
                        throw new IllegalStateException("Huffman table: code of " + symbol + " has a prefix");
                    }
                    if (tree[slot] == 0) {
                        tree[slot] = nodes++;
                    }
                    node = tree[slot];
                }
            }
        }
        return tree;
    }
}
