package io.corral.connector.websocket;

/**
 * The frame opcodes RFC 6455 §5.2 defines. The other eight values are reserved for future use and a
 * frame carrying one fails the connection (1002), so they have no constant here and {@link #of} answers
 * null for them.
 */
public enum Opcode {
    CONTINUATION(0x0),
    TEXT(0x1),
    BINARY(0x2),
    CLOSE(0x8),
    PING(0x9),
    PONG(0xA);

    private static final Opcode[] BY_CODE = new Opcode[16];

    static {
        for (Opcode opcode : values()) {
            BY_CODE[opcode.code] = opcode;
        }
    }

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit value on the wire. */
    public int code() {
        return code;
    }

    /** Close, ping and pong: opcodes with the most significant bit set (§5.5). */
    public boolean isControl() {
        return code >= 0x8;
    }

    /** The opcode for a 4-bit wire value, or null when that value is reserved. */
    public static Opcode of(int code) {
        return BY_CODE[code & 0xF];
    }
}
