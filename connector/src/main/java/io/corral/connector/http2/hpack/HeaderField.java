package io.corral.connector.http2.hpack;

/**
 * One decoded or to-be-encoded field. Names and values hold one char per octet (ISO-8859-1), as on the wire:
 * HPACK carries octets, and the HTTP/2 layer above decides which octets a field may hold.
 */
public record HeaderField(String name, String value) {

    /** What an entry costs in the dynamic table and in a header list (RFC 7541 §4.1, RFC 9113 §6.5.2). */
    public static final int ENTRY_OVERHEAD = 32;

    public HeaderField {
        if (name == null || value == null) {
            throw new NullPointerException("name and value");
        }
    }

    /** The field's size: its name and value octets plus 32. */
    public int size() {
        return sizeOf(name.length(), value.length());
    }

    static int sizeOf(int nameLength, int valueLength) {
        return nameLength + valueLength + ENTRY_OVERHEAD;
    }
}
