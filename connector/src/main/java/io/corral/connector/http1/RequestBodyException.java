package io.corral.connector.http1;

import java.io.IOException;

/**
 * A request body that broke its framing or its size limit, as the handler sees it while reading. Carries
 * the status the client earns (400 or 413); the connection cannot carry another request after it.
 */
public final class RequestBodyException extends IOException {

    private final int status;

    RequestBodyException(HttpParseException cause) {
        super(cause.getMessage(), cause);
        this.status = cause.status();
    }

    public int status() {
        return status;
    }
}
