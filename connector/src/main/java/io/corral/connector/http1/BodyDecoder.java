package io.corral.connector.http1;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;

/**
 * Turns the bytes that follow a request head into body content, according to the head's
 * {@link BodyFraming}: a fixed length (RFC 9112 §6.2), the chunked coding (§7.1), or nothing. It works
 * on whatever the connection has read so far, hands content out without copying, and stops exactly at
 * the body's end so that a pipelined request behind it stays in the buffer. One decoder per request.
 */
public interface BodyDecoder {

    /**
     * Decodes the next piece of body content found in {@code input}, consuming what it used. Returns a
     * slice sharing input's bytes (no copy) — possibly empty when input holds no content yet (e.g. only a
     * chunk header). Never consumes bytes past the end of the body (they belong to the next request).
     *
     * @throws HttpParseException on bad framing (400) or a body over the size limit (413)
     */
    ByteBuffer decode(ByteBuffer input) throws HttpParseException;

    /** Whether the whole body, and for chunked its trailer section, has been consumed. */
    boolean isComplete();

    /** Trailer fields (chunked only); empty until complete. */
    HttpHeaders trailers();

    /** Content bytes delivered so far. */
    long contentLength();

    /** A decoder for a body framed this way; {@link BodyFraming.None} gives one that is already complete. */
    static BodyDecoder of(BodyFraming framing, Http1Limits limits) {
        return switch (framing) {
            case BodyFraming.None none -> NoBodyDecoder.INSTANCE;
            case BodyFraming.Length length -> length.length() == 0
                    ? NoBodyDecoder.INSTANCE : new LengthBodyDecoder(length.length(), limits);
            case BodyFraming.Chunked chunked -> new ChunkedBodyDecoder(limits);
        };
    }
}
