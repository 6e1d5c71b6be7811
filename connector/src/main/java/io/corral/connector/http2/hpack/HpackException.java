package io.corral.connector.http2.hpack;

/**
 * A field block that cannot be decoded (RFC 7541 §3.2: "a decoding error"): HTTP/2 treats it as a connection
 * error of type COMPRESSION_ERROR (RFC 9113 §4.3), because the dynamic table can no longer be trusted to match
 * the peer's. The message is a short fixed text that never echoes peer bytes.
 */
public final class HpackException extends Exception {

    public HpackException(String message) {
        super(message, null);
    }

    /** Decoding errors happen under attack or with broken peers; the stack trace says nothing useful. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
