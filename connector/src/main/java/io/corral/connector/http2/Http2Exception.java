package io.corral.connector.http2;

import java.io.IOException;

/**
 * The peer broke RFC 9113: either a connection error (§5.4.1: GOAWAY with this code, then close) or, when
 * {@link #streamId()} is not 0, a stream error (§5.4.2: RST_STREAM on that stream, the connection goes on).
 * The message is a short fixed text that never echoes peer bytes, fit for GOAWAY's debug data and a DEBUG log.
 */
public final class Http2Exception extends IOException {

    private final Http2ErrorCode errorCode;
    private final int streamId;

    private Http2Exception(Http2ErrorCode errorCode, int streamId, String message) {
        super(message, null);
        this.errorCode = errorCode;
        this.streamId = streamId;
    }

    /** An error that ends the connection. */
    public static Http2Exception connectionError(Http2ErrorCode errorCode, String message) {
        return new Http2Exception(errorCode, 0, message);
    }

    /** An error that ends one stream. */
    public static Http2Exception streamError(int streamId, Http2ErrorCode errorCode, String message) {
        if (streamId == 0) {
            throw new IllegalArgumentException("a stream error needs a stream");
        }
        return new Http2Exception(errorCode, streamId, message);
    }

    public Http2ErrorCode errorCode() {
        return errorCode;
    }

    /** The stream to reset, or 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnectionError() {
        return streamId == 0;
    }

    /** Protocol failures happen per connection under attack or bugs; the stack trace says nothing useful. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
