package io.corral.connector.http2;

import io.corral.connector.stream.AbstractExchange;
import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream: one request and its response (Cowboy's {@code cowboy_stream}), run by a native
 * {@link HttpHandler} on a new virtual thread of its own, which the stream never reuses. It is the same
 * {@link HttpExchange} a handler gets on HTTP/1.1, and its request thread lives by the same rules
 * ({@link AbstractExchange}), so a handler cannot tell the protocols apart except by {@link RequestHead#version()}.
 *
 * <p>States (RFC 9113 §5.1) are two flags: the remote side ended (END_STREAM received) and the local side ended
 * (END_STREAM sent), or the stream was reset; the connection forgets it once both ended or on a reset.
 *
 * <p>An extended CONNECT (RFC 8441) answered 2xx becomes a tunnel once the handler returns: if the handler
 * {@linkplain #upgrade upgraded} it, this same thread then runs the {@link ConnectionUpgrade} (a WebSocket) on an
 * {@link Http2Tunnel}, the stream seen as a byte connection, exactly as HTTP/1.1's connection thread runs it on the
 * socket after a 101.
 */
final class Http2Stream extends AbstractExchange {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Stream.class);

    private final int id;
    private final Http2Connection connection;
    private final Http2RequestBody body;
    private final Http2Response response;
    private final FlowControl.StreamWindow sendWindow;
    private volatile long idleTimeoutNanos;
    /** What runs on this stream once its 2xx answer to an extended CONNECT went out; null on any other stream. */
    private volatile ConnectionUpgrade tunnel;
    /** The stream as a byte connection, made when first asked for; only on an extended CONNECT. */
    private Http2Tunnel tunnelConnection;

    /** What the client may still send on this stream; the reader takes, the handler's reads give back. */
    private int receiveWindow;
    /** The connection's thread only: the body octets received so far. */
    long received;

    private boolean remoteEnded;
    private boolean localEnded;
    private boolean reset;
    /** The response's last frame is being written and the request had ended: no longer counted as open. */
    private boolean ending;
    /** Octets the handler read and the client has not been told about yet (WINDOW_UPDATE). */
    private int unannouncedCredit;

    Http2Stream(int id, Http2Connection connection, HttpHandler handler, RequestHead head, boolean endStream,
            FlowControl.StreamWindow sendWindow, int receiveWindow, Duration idleTimeout) {
        super(connection.transport(), connection.id(), handler, head);
        this.id = id;
        this.connection = connection;
        this.body = new Http2RequestBody(this, endStream);
        this.response = new Http2Response(this);
        this.sendWindow = sendWindow;
        this.receiveWindow = receiveWindow;
        this.remoteEnded = endStream;
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    int id() {
        return id;
    }

    Http2Connection connection() {
        return connection;
    }

    Http2RequestBody requestBody() {
        return body;
    }

    Http2Response http2Response() {
        return response;
    }

    @Override
    protected Logger log() {
        return LOG;
    }

    /**
     * Finishes the response the handler left open; a 2xx to an extended CONNECT is a head alone, and its stream then
     * becomes the tunnel (run here, on the request's thread).
     */
    @Override
    protected void finishResponse() throws IOException {
        if (request().isExtendedConnect() && response.status() / 100 == 2) {
            if (!response.isCommitted()) {
                response.end(); // the head alone: no END_STREAM
            }
            // Run even if the client reset the stream meanwhile: the upgrade then sees a connection that fails at
            // once, as HTTP/1.1's sees a socket reset right after its 101. No upgrade: the tunnel just ends.
            runTunnel(tunnel);
            return;
        }
        response.finish();
    }

    /**
     * Runs the upgraded protocol on the stream until it closes its side, then gives the client
     * {@link Http2Tunnel#CLOSE_LINGER} to end its own (as a WebSocket client does once it has the close frame)
     * before {@link #ended()} resets what is left, so that a closed tunnel never holds a concurrent-stream slot long.
     */
    private void runTunnel(ConnectionUpgrade upgrade) throws IOException {
        Http2Tunnel connection = tunnel();
        try {
            if (upgrade != null) {
                upgrade.takeOver(connection, ByteBuffer.allocate(0)); // never hibernates: the tunnel cannot
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the upgrade on " + this + " failed", e);
        } finally {
            connection.close();
            awaitRemoteEnd(Http2Tunnel.CLOSE_LINGER.toNanos());
        }
    }

    private synchronized void awaitRemoteEnd(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long left;
        try {
            while (!remoteEnded && !reset && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the engine is stopping: ended() resets the stream
        }
    }

    @Override
    protected boolean isAborted() {
        return isReset();
    }

    /** A reset stream, or one whose connection ended (every stream is reset then). */
    @Override
    protected boolean isConnectionLost() {
        return isReset();
    }

    @Override
    protected void respondWithError(int status, String message) {
        try {
            response.errorResponse(status, message);
        } catch (IOException | RuntimeException e) {
            abort(e);
        }
    }

    @Override
    protected void ended() {
        // §8.1: a server that answered before the request ended may tell the client to stop sending with
        // RST_STREAM NO_ERROR. Not when the request's END_STREAM has already reached its body: the connection's
        // thread hands the last bytes over before it marks the stream ended, and a handler that read them and
        // answered in between would otherwise reset a request that was whole (Jetty's client fails on it).
        boolean stopClient;
        synchronized (this) {
            stopClient = !remoteEnded && !reset;
        }
        stopClient &= !body.hasEnded();
        if (stopClient) {
            connection.reset(this, Http2ErrorCode.NO_ERROR);
        }
    }

    /** The response went out whole (END_STREAM sent). */
    void localEnded() {
        boolean closed;
        synchronized (this) {
            localEnded = true;
            closed = remoteEnded;
        }
        if (closed) {
            connection.closed(this);
        }
    }

    /**
     * The response's last frame (END_STREAM) is about to be written. Says whether the stream stops counting against
     * SETTINGS_MAX_CONCURRENT_STREAMS now, which it does when the request had ended: the client may open its next
     * stream as soon as it reads that frame, before this thread returns from the write and removes the stream.
     */
    boolean endingLocally() {
        synchronized (this) {
            if (!remoteEnded || reset || ending) {
                return false;
            }
            ending = true;
            return true;
        }
    }

    synchronized boolean isEnding() {
        return ending;
    }

    /** From the connection's thread: END_STREAM arrived. */
    void remoteEnded() {
        boolean closed;
        synchronized (this) {
            remoteEnded = true;
            closed = localEnded;
            notifyAll();
        }
        if (closed) {
            connection.closed(this);
        }
    }

    synchronized boolean isRemoteEnded() {
        return remoteEnded;
    }

    /** Marks the stream reset (by either side); says whether it was not already. */
    boolean markReset() {
        synchronized (this) {
            if (reset || (localEnded && remoteEnded)) {
                return false;
            }
            reset = true;
            notifyAll();
        }
        body.fail(new IOException("stream reset"));
        connection.flowControl().close(sendWindow);
        return true;
    }

    synchronized boolean isReset() {
        return reset;
    }

    void checkWritable() throws IOException {
        if (isReset()) {
            throw new IOException("stream " + id + " was reset");
        }
    }

    /** Waits for send window; a stall past the timeout resets the stream with CANCEL. */
    int acquireWindow(int wanted) throws IOException {
        try {
            return connection.flowControl().acquire(sendWindow, wanted, connection.config().streamStallTimeout()
                    .toNanos());
        } catch (FlowControl.StallException stalled) {
            connection.reset(this, Http2ErrorCode.CANCEL);
            throw stalled;
        }
    }

    /** Takes send window if it is open now, without waiting: 0 when it is not (then {@link #acquireWindow}). */
    int tryAcquireWindow(int wanted) {
        return connection.flowControl().tryAcquire(sendWindow, wanted);
    }

    FlowControl.StreamWindow sendWindow() {
        return sendWindow;
    }

    /** The handler read {@code n} octets: reopen the window by as much, in batches of half the initial window. */
    void consumed(int n) {
        int credit;
        synchronized (this) {
            unannouncedCredit += n;
            if (unannouncedCredit < connection.config().initialWindowSize() / 2 || remoteEnded || reset) {
                return;
            }
            credit = unannouncedCredit;
            unannouncedCredit = 0;
        }
        connection.openReceiveWindow(this, credit);
    }

    /** The reader takes a DATA frame's length from the window; false when the client sent more than allowed. */
    synchronized boolean takeReceiveWindow(int length) {
        receiveWindow -= length;
        return receiveWindow >= 0;
    }

    synchronized void receiveWindowOpened(int credit) {
        receiveWindow += credit;
    }

    long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    @Override
    public RequestBody body() {
        return body;
    }

    @Override
    public HttpResponse response() {
        return response;
    }

    /** Client streams are odd, 1, 3, 5…: the first request is 1, then 2, 3… as on HTTP/1.1. */
    @Override
    public int requestNumber() {
        return (id + 1) / 2;
    }

    /**
     * HTTP/2 has no HTTP/1.1 upgrade (RFC 9113 §8.6): only an extended CONNECT (RFC 8441) may turn its stream into a
     * tunnel, which happens if the response is a 2xx; the upgrade then runs on this stream's thread once the handler
     * returns.
     */
    @Override
    public void upgrade(ConnectionUpgrade upgrade) {
        if (!request().isExtendedConnect()) {
            throw new UnsupportedOperationException("no connection upgrade on HTTP/2 but an extended CONNECT");
        }
        tunnel = upgrade;
    }

    @Override
    public synchronized Http2Tunnel tunnel() {
        if (tunnelConnection == null && request().isExtendedConnect()) {
            tunnelConnection = new Http2Tunnel(this);
        }
        return tunnelConnection;
    }

    @Override
    public GoingAway goingAway() {
        return connection.goingAway();
    }

    /** For this stream's reads of the request body. */
    @Override
    protected void changeIdleTimeout(Duration timeout) {
        idleTimeoutNanos = timeout.toNanos();
    }

    @Override
    public void abort(Throwable cause) {
        connection.reset(this, Http2ErrorCode.INTERNAL_ERROR);
    }

    @Override
    public String toString() {
        return "stream " + id + " of " + connection;
    }
}
