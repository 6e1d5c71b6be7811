package io.corral.connector.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * The response side of an exchange. Status and headers may change until the first write commits them.
 * The engine owns the framing headers (Cowboy's rule): it chooses Content-Length, chunked or
 * close-delimited framing and writes {@code Connection} itself, so a handler's values never break the
 * framing. A {@code Content-Length} the handler sets is honoured and enforced; {@code Connection: close}
 * the handler sets ends the connection after this response.
 */
public interface HttpResponse {

    HttpResponse status(int status);

    int status();

    /** Optional reason phrase; the standard one when null. */
    HttpResponse reason(String reason);

    /** Mutable until committed. */
    HttpHeaders headers();

    /**
     * Writes body bytes (consuming the buffer), committing the head on the first call. With
     * {@code last} set and nothing committed yet, the body length is known and Content-Length framing
     * is used. Blocks while the client is slow to read: memory stays bounded.
     */
    void write(ByteBuffer content, boolean last) throws IOException;

    /** Commits the head (if not yet) and ends the body. Same as {@code write(empty, true)}. */
    default void end() throws IOException {
        write(ByteBuffer.allocate(0), true);
    }

    /** A buffered blocking stream over {@link #write}; closing it ends the body. */
    OutputStream asOutputStream();

    /** Sends an informational (1xx) response before the final one, e.g. 103 Early Hints. */
    void sendInformational(int status, HttpHeaders headers) throws IOException;

    /**
     * Trailer fields to send after a chunked body; asked for when the body ends. Makes a response whose
     * length is not yet known use chunked framing (HTTP/1.1 only; HTTP/1.0 clients get no trailers).
     */
    void trailers(Supplier<HttpHeaders> trailers);

    boolean isCommitted();

    /** Whether the body has ended. */
    boolean isComplete();
}
