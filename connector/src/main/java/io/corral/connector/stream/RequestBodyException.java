package io.corral.connector.stream;

import io.corral.connector.http1.HttpParseException;
import java.io.IOException;

/**
 * A request body that broke its framing or its size limit, or arrived too slowly, as the handler sees it while
 * reading. Carries the status the client earns (400, 413 or 408); the connection cannot carry another request after it.
 */
public final class RequestBodyException extends IOException {

    private final int status;

    public RequestBodyException(HttpParseException cause) {
        super(cause.getMessage(), cause);
        this.status = cause.status();
    }

    /** A body the engine itself gave up on (408 for one that arrives too slowly). */
    public RequestBodyException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
