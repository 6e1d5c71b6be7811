package io.corral.connector.websocket;

import java.io.IOException;

/**
 * The peer broke the protocol: the connection fails with the close code this carries (1002 protocol
 * error, 1007 invalid payload, 1009 too big…) and the message as the close reason. The message is a
 * short fixed text that never echoes peer bytes, and fits a close frame.
 */
public final class WebSocketException extends IOException {

    private final int closeCode;

    public WebSocketException(int closeCode, String reason) {
        super(reason, null);
        this.closeCode = closeCode;
    }

    /** The status code to send in the close frame. */
    public int closeCode() {
        return closeCode;
    }

    /** Protocol failures happen per connection under attack or bugs; the stack trace says nothing useful. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    static WebSocketException protocolError(String reason) {
        return new WebSocketException(CloseStatus.PROTOCOL_ERROR, reason);
    }
}
