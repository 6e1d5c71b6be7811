package io.corral.connector.http1;

/**
 * Bad input from a client, with the status it earns (400, 408, 413, 414, 417, 431, 501, 505). The message says
 * what was wrong and where, for the log line and the error response body; it never echoes raw input.
 */
public final class HttpParseException extends Exception {

    private final int status;

    public HttpParseException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The response status this input deserves. */
    public int status() {
        return status;
    }
}
