package io.corral.connector.http1;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestBodyException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request's body, decoded straight out of the connection's input buffer. Blocking reads run on the
 * caller's thread (the connection thread is parked while the exchange runs, so the socket is free);
 * {@link #demand} instead asks the connection thread to wait for bytes and then run the callback, so
 * Servlet async I/O never blocks a request thread.
 *
 * <p>A lock guards the decoding state and is never held across a socket read: whoever needs bytes marks
 * itself the one filler, lets go of the lock, reads, and takes the lock back to publish what came. So
 * {@link #readAvailable()} and {@link #isFinished()} never block, even while the connection thread waits
 * for a demand's bytes — an async servlet that completes with its body unread completes at once. A second
 * blocking reader waits for the filler's bytes instead of reading beside it.
 */
final class Http1RequestBody implements RequestBody {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Http1Exchange exchange;
    private final Http1Connection connection;
    private final BodyDecoder decoder;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a filler published its bytes (or failed). */
    private final Condition filled = lock.newCondition();
    /** Some thread is reading from the socket with the lock released. */
    private boolean filling;

    /** Decoded content handed out but not yet consumed; a slice of the connection's input buffer. */
    private ByteBuffer pending = EMPTY;
    private IOException failure;
    private InputStream stream;
    private final BodyDataRate rate;

    Http1RequestBody(Http1Exchange exchange, Http1Connection connection, BodyDecoder decoder) {
        this.exchange = exchange;
        this.connection = connection;
        this.decoder = decoder;
        Http1Config config = connection.config();
        this.rate = decoder.isComplete() ? new BodyDataRate(0)
                : new BodyDataRate(config.minRequestDataRate(), config.minRequestDataRateNearFull(),
                        connection.admission());
        // Body bytes that came with the head count as the body's first.
        rate.arrived(connection.input() == null ? 0 : connection.input().remaining(), System.nanoTime());
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (!pending.hasRemaining()) {
                if (decodeBuffered() == null) {
                    return -1;
                }
                if (!pending.hasRemaining()) {
                    fill();
                }
            }
            int count = Math.min(length, pending.remaining());
            pending.get(buffer, offset, count);
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ByteBuffer readAvailable() throws IOException {
        lock.lock();
        try {
            if (!pending.hasRemaining() && decodeBuffered() == null) {
                return null;
            }
            ByteBuffer available = pending;
            pending = EMPTY;
            return available;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void demand(Runnable onAvailable) {
        exchange.sendContinueIfExpected();
        connection.demand(onAvailable);
    }

    /** Called on the connection thread for a demand: blocks until something can be read, or failure. */
    void awaitAvailable() {
        lock.lock();
        try {
            while (decodeBuffered() != null && !pending.hasRemaining()) {
                fill();
            }
        } catch (IOException e) {
            // Recorded as the body's failure: the demanding reader gets it from readAvailable().
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decodes what the input buffer holds into {@link #pending}; null once the body has ended. Never
     * blocks.
     */
    private ByteBuffer decodeBuffered() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (pending.hasRemaining()) {
            return pending;
        }
        if (decoder.isComplete()) {
            return null;
        }
        exchange.sendContinueIfExpected();
        try {
            ByteBuffer input = connection.input();
            if (input.hasRemaining()) {
                pending = decoder.decode(input);
            }
        } catch (HttpParseException e) {
            connection.countBadRequest(e.status());
            throw fail(new RequestBodyException(e.status(), e.getMessage(), e));
        }
        if (!pending.hasRemaining() && decoder.isComplete()) {
            return null;
        }
        return pending;
    }

    /**
     * Blocks for more bytes from the client into the connection's input buffer. Called and returns with
     * the lock held, which it lets go of while it reads; when another thread is reading already, waits for
     * that thread's bytes instead.
     */
    private void fill() throws IOException {
        if (filling) {
            filled.awaitUninterruptibly();
            return;
        }
        filling = true;
        int at = connection.prepareBodyFill();
        int n = 0;
        IOException error = null;
        lock.unlock();
        try {
            n = connection.readBody(at);
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            connection.filled(at, n);
            filling = false;
            filled.signalAll();
        }
        if (error != null) {
            throw fail(error);
        }
        if (rate.arrived(n, System.nanoTime())) {
            throw fail(new RequestBodyException(408, "request body data rate below the minimum of "
                    + rate.minBytesPerSecond() + " B/s"));
        }
        if (n < 0) {
            throw fail(new EOFException("client closed the connection before the end of the request body ("
                    + decoder.contentLength() + " bytes received)"));
        }
    }

    private IOException fail(IOException cause) {
        if (failure == null) {
            failure = cause;
            connection.markUnusable();
        }
        return failure;
    }

    @Override
    public boolean isFinished() {
        lock.lock();
        try {
            return failure == null && !pending.hasRemaining() && decoder.isComplete();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the client still owes body bytes (decides between discarding them and closing). */
    boolean isUnread() {
        return !decoder.isComplete() || pending.hasRemaining();
    }

    /** Reads and drops the rest of the body, up to {@code budget} bytes; says whether it all went. */
    boolean discard(long budget) {
        byte[] sink = new byte[512];
        long dropped = 0;
        try {
            for (int n = read(sink, 0, sink.length); n >= 0; n = read(sink, 0, sink.length)) {
                dropped += n;
                if (dropped > budget) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public HttpHeaders trailers() {
        return decoder.trailers();
    }

    @Override
    public InputStream asInputStream() {
        if (stream == null) {
            stream = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return Http1RequestBody.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    return Http1RequestBody.this.read(buffer, offset, length);
                }

                @Override
                public int available() {
                    return pending.remaining();
                }
            };
        }
        return stream;
    }
}
