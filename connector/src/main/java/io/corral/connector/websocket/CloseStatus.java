package io.corral.connector.websocket;

/**
 * Close status codes (RFC 6455 §7.4) and which of them may appear in a close frame. Codes 1004–1006 and
 * 1015 are reserved for reporting a closure locally and never travel on the wire; 1016–2999 are reserved
 * for future revisions and extensions; 3000–4999 belong to libraries and applications.
 */
public final class CloseStatus {

    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Reported locally when a close frame carried no status code; never sent. */
    public static final int NO_STATUS = 1005;
    /** Reported locally when the connection ended without a close frame; never sent. */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int MANDATORY_EXTENSION = 1010;
    public static final int INTERNAL_ERROR = 1011;

    /** Longest reason a close frame can carry: 125 payload bytes minus the 2-byte code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseStatus() {}

    /**
     * Whether a close frame may carry this code, in either direction: 1000–1003, 1007–1014 (1012–1014
     * were registered with IANA after the RFC) and 3000–4999. A received frame with any other code
     * fails the connection with 1002.
     */
    public static boolean isValidOnWire(int code) {
        return (code >= 1000 && code <= 1003)
                || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
