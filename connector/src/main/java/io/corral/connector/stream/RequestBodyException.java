package io.corral.connector.stream;

import java.io.IOException;

/**
 * A request body that broke its framing or its size limit, or arrived too slowly, as the handler sees it while
 * reading. Carries the status the client earns (400, 413 or 408); the connection cannot carry another request after it.
 */
public final class RequestBodyException extends IOException {

    private final int status;

    /** A body the engine itself gave up on (408 for one that arrives too slowly). */
    public RequestBodyException(int status, String message) {
        super(message);
        this.status = status;
    }

    /**
     * A body the protocol's decoder refused: {@code cause} is the protocol's own parse error (the stream layer
     * knows no protocol's exception types), its message and status the client's answer.
     */
    public RequestBodyException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
