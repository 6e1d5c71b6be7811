package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;

/**
 * Decoder of a body framed by Content-Length (RFC 9112 §6.2): the next {@code length} bytes are the
 * content, handed out as slices of the input as they arrive, and not one byte more.
 */
final class LengthBodyDecoder implements BodyDecoder {

    private final long length;
    private final Http1Limits limits;
    private long remaining;

    LengthBodyDecoder(long length, Http1Limits limits) {
        if (length < 0) {
            throw new IllegalArgumentException("negative body length " + length);
        }
        this.length = length;
        this.limits = limits;
        this.remaining = length;
    }

    @Override
    public ByteBuffer decode(ByteBuffer input) throws HttpParseException {
        if (remaining == length && limits.bodyExceedsLimit(length)) {
            // The parser refuses such a head already; this guards decoders built from other framings.
            throw new HttpParseException(413, "Content-Length " + length + " exceeds the limit of "
                    + limits.maxBodySize() + " bytes");
        }
        int count = (int) Math.min(remaining, input.remaining());
        if (count == 0) {
            return NoBodyDecoder.NO_CONTENT;
        }
        int position = input.position();
        ByteBuffer content = input.slice(position, count);
        input.position(position + count);
        remaining -= count;
        return content;
    }

    @Override
    public boolean isComplete() {
        return remaining == 0;
    }

    @Override
    public HttpHeaders trailers() {
        return new HttpHeaders();
    }

    @Override
    public long contentLength() {
        return length - remaining;
    }
}
