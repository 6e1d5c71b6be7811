package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;

/**
 * The decoder of a request without a body: complete from the start, it never consumes a byte. Stateless,
 * so one instance serves every such request.
 */
final class NoBodyDecoder implements BodyDecoder {

    static final NoBodyDecoder INSTANCE = new NoBodyDecoder();

    /** What decoders return when there is no content to give; zero capacity, so sharing it is harmless. */
    static final ByteBuffer NO_CONTENT = ByteBuffer.allocate(0);

    private NoBodyDecoder() {}

    @Override
    public ByteBuffer decode(ByteBuffer input) {
        return NO_CONTENT;
    }

    @Override
    public boolean isComplete() {
        return true;
    }

    @Override
    public HttpHeaders trailers() {
        return new HttpHeaders();   // a fresh one: a shared instance could be filled by one of its users
    }

    @Override
    public long contentLength() {
        return 0;
    }
}
