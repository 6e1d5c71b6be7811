package io.corral.connector.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A request's body, decoded from its framing (Content-Length or chunked) as it arrives. Either read it
 * blocking ({@link #read}, {@link #asInputStream}) or ask to be told when bytes are there
 * ({@link #demand}, then {@link #readAvailable}); do not mix the two at the same time. When the client
 * sent {@code Expect: 100-continue}, the first read or demand is what sends the {@code 100 Continue}.
 */
public interface RequestBody {

    /**
     * Reads decoded body bytes, blocking until at least one is there.
     *
     * @return bytes read, or -1 once the body has ended
     * @throws IOException when the client sent bad framing (the connection will close), the body went
     *                     over the size limit, the client went away, or a read timed out
     */
    int read(byte[] buffer, int offset, int length) throws IOException;

    /**
     * The body bytes that can be had now without blocking, as a buffer valid until the next call; an
     * empty buffer when none are there yet, or null once the body has ended.
     */
    ByteBuffer readAvailable() throws IOException;

    /**
     * Calls {@code onAvailable} once when {@link #readAvailable} has something to give (bytes, the end,
     * or an error to throw). Never calls it from inside this method: it runs on another thread.
     */
    void demand(Runnable onAvailable);

    /** Whether the whole body has been read. */
    boolean isFinished();

    /** Trailer fields of a chunked body; empty until {@link #isFinished()}, or when there were none. */
    HttpHeaders trailers();

    /** A blocking stream over {@link #read}. */
    InputStream asInputStream();
}
