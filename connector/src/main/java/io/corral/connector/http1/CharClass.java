package io.corral.connector.http1;

/**
 * Byte classes of the HTTP grammar (RFC 9110 §5.6.2 tokens, §5.5 field values, RFC 3986 scheme), looked
 * up in one 256-entry table so that the parsers test a byte with one load and one mask instead of a chain
 * of comparisons.
 */
final class CharClass {

    static final byte SP = ' ';
    static final byte HTAB = '\t';
    static final byte CR = '\r';
    static final byte LF = '\n';

    private static final int TCHAR = 1;
    /** VCHAR: 0x21-0x7E, what a request-target may hold. */
    private static final int VCHAR = 2;
    /** field-vchar: VCHAR or obs-text (0x80-0xFF), what a field value holds besides SP and HTAB. */
    private static final int FIELD_VCHAR = 4;
    /** qdtext of a quoted-string (RFC 9110 §5.6.4): HTAB, SP, VCHAR except '"' and '\', obs-text. */
    private static final int QDTEXT = 8;
    /** What may follow the first letter of a URI scheme (RFC 3986 §3.1). */
    private static final int SCHEME = 16;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] HEX_VALUES = new byte[256];

    static {
        for (int c = 0x21; c <= 0x7E; c++) {
            CLASSES[c] |= VCHAR | FIELD_VCHAR | QDTEXT;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            CLASSES[c] |= FIELD_VCHAR | QDTEXT;
        }
        CLASSES[SP] |= QDTEXT;
        CLASSES[HTAB] |= QDTEXT;
        CLASSES['"'] &= ~QDTEXT;
        CLASSES['\\'] &= ~QDTEXT;
        for (int c = 0x21; c <= 0x7E; c++) {
            if (isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                CLASSES[c] |= TCHAR;
            }
            if (isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.') {
                CLASSES[c] |= SCHEME;
            }
        }
        java.util.Arrays.fill(HEX_VALUES, (byte) -1);
        for (int c = '0'; c <= '9'; c++) HEX_VALUES[c] = (byte) (c - '0');
        for (int c = 'a'; c <= 'f'; c++) HEX_VALUES[c] = (byte) (c - 'a' + 10);
        for (int c = 'A'; c <= 'F'; c++) HEX_VALUES[c] = (byte) (c - 'A' + 10);
    }

    private CharClass() {}

    /** @param c a byte as an unsigned value, 0-255 */
    static boolean isTchar(int c) {
        return (CLASSES[c] & TCHAR) != 0;
    }

    static boolean isVchar(int c) {
        return (CLASSES[c] & VCHAR) != 0;
    }

    static boolean isFieldVchar(int c) {
        return (CLASSES[c] & FIELD_VCHAR) != 0;
    }

    static boolean isQdtext(int c) {
        return (CLASSES[c] & QDTEXT) != 0;
    }

    static boolean isSchemeChar(int c) {
        return (CLASSES[c] & SCHEME) != 0;
    }

    static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isWhitespace(int c) {
        return c == SP || c == HTAB;
    }

    /** The value of a hexadecimal digit, or -1. */
    static int hexValue(int c) {
        return HEX_VALUES[c];
    }

    /** A byte for an error message: printable ASCII as itself in quotes, anything else as hex. */
    static String describe(int c) {
        return c > 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("0x%02X", c);
    }
}
