package io.corral.jetty;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestBodyException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.Trailers;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.TunnelSupport;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * One request/response exchange as Jetty's {@link HttpStream}: the bridge between a Corral
 * {@link HttpExchange} and the {@link HttpChannel} that runs Jetty's handlers. Reads hand out what
 * Corral's engine has decoded, demand waits on the engine, sends write through Corral's response writer
 * (which owns the framing), and {@link #succeeded()}/{@link #failed} wake the request's own virtual
 * thread, parked in {@link #awaitCompletion()}, so that the native handler returns only when Jetty is done
 * with the exchange, however asynchronous the servlet was.
 */
final class CorralHttpStream implements HttpStream {

    private static final int RUNNING = 0;
    private static final int WAITING = 1;
    private static final int DONE = 2;
    private static final VarHandle STATE;
    private static final VarHandle COMPLETED;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(CorralHttpStream.class, "state", int.class);
            COMPLETED = MethodHandles.lookup().findVarHandle(CorralHttpStream.class, "completed", boolean.class);
        } catch (ReflectiveOperationException x) {
            throw new ExceptionInInitializerError(x);
        }
    }

    private final CorralHttpConnection connection;
    private final HttpChannel channel;
    private final HttpExchange exchange;
    private final HttpVersion version;
    private final long id;
    private final Thread handlerThread;
    /** Made on the first demand: most requests (a GET) never demand a body. */
    private Runnable onBodyAvailable;
    private final long declaredLength;

    private static final long UNSET = Long.MIN_VALUE;

    private volatile int state = RUNNING;
    /** HTTP/2 only: this stream's idle timeout in ms once set, else {@link #UNSET} (the endpoint's). */
    private volatile long streamIdleTimeout = UNSET;
    @SuppressWarnings("unused") // through COMPLETED
    private volatile boolean completed;
    private volatile boolean committed;
    private volatile boolean sending;
    private volatile boolean persistent;
    /** Returned by every read once the body ended or failed (EOF, then the same failure again and again). */
    private Content.Chunk terminal;
    private long bodyBytesRead;
    /** Whether Jetty asked for body bytes on the application's behalf (not just to consume leftovers). */
    private boolean bodyWanted;
    private Throwable failure;
    private Connection upgradeTo;
    /** The neighbours of this stream among its connection's streams in progress, and whether it is listed there. */
    CorralHttpStream previous;
    CorralHttpStream next;
    boolean listed;
    /** An extended CONNECT's tunnel as Jetty sees it (RFC 8441), made when Jetty first asks; else null. */
    private volatile TunnelSupport tunnelSupport;

    CorralHttpStream(CorralHttpConnection connection, HttpChannel channel, HttpExchange exchange, boolean persistent) {
        this.connection = connection;
        this.channel = channel;
        this.exchange = exchange;
        this.version = RequestMetaData.version(exchange.request());
        this.id = exchange.requestNumber();
        this.handlerThread = Thread.currentThread();
        this.persistent = persistent;
        this.declaredLength = exchange.request().framing() instanceof BodyFraming.Length length ? length.length() : -1;
        if (exchange.request().isExtendedConnect()) {
            // The stream's DATA is the tunnel's (a WebSocket's frames), not a request body: Jetty must neither read
            // nor consume it, as on its own HTTP/2 connection.
            terminal = Content.Chunk.EOF;
        }
    }

    HttpVersion version() {
        return version;
    }

    /** The channel running Jetty's handlers for this exchange. */
    HttpChannel channel() {
        return channel;
    }

    /** One of many streams on an HTTP/2 connection, rather than the one exchange of an HTTP/1.1 connection. */
    private boolean isMultiplexed() {
        return version == HttpVersion.HTTP_2;
    }

    boolean isPersistent() {
        return persistent;
    }

    /** Makes the connection close after this response (bad input, unread body, shutdown). */
    void notPersistent() {
        persistent = false;
    }

    @Override
    public String getId() {
        return Long.toString(id);
    }

    // ---- request body -------------------------------------------------------------------------

    @Override
    public Content.Chunk read() {
        bodyWanted = true;
        Content.Chunk chunk = terminal;
        if (chunk != null) {
            terminal = Content.Chunk.next(chunk);
            return chunk;
        }
        RequestBody body = exchange.body();
        try {
            ByteBuffer available = body.readAvailable();
            if (available == null) {
                HttpHeaders trailers = body.trailers();
                chunk = trailers == null || trailers.isEmpty()
                        ? Content.Chunk.EOF
                        : new Trailers(HeaderTranslation.toJetty(trailers));
                terminal = Content.Chunk.next(chunk);
                return chunk;
            }
            int length = available.remaining();
            if (length == 0) {
                return null;
            }
            if (isMultiplexed() && connection.bodyExceedsLimit(bodyBytesRead + length)) {
                // HTTP/1.1's engine cuts a body at the connector's limit itself; over HTTP/2 the adapter does.
                available.position(available.limit());
                throw new RequestBodyException(HttpStatus.PAYLOAD_TOO_LARGE_413, "request body exceeds the limit of "
                        + connection.getConnector().getMaxBodySize() + " bytes");
            }
            bodyBytesRead += length;
            // The engine's buffer is only valid until the next read, while Jetty may retain a chunk for
            // longer (multipart keeps parts in memory): hand out a pooled copy.
            ByteBufferPool pool = connection.getConnector().getByteBufferPool();
            RetainableByteBuffer.Mutable copy = pool.acquire(length, false);
            copy.append(available);
            return Content.Chunk.from(copy, false);
        } catch (IOException x) {
            persistent = false;
            chunk = Content.Chunk.from(asJettyFailure(x), true);
            terminal = chunk;
            return chunk;
        }
    }

    /**
     * A body that broke its framing earns the client a 4xx, as on Jetty's own connector: the reader still
     * gets an IOException, with Jetty's {@link HttpException} inside for the error handling to find. A
     * client that went away mid-body (end of stream, reset) is reported as Jetty's own connector reports
     * it, an {@link EofException}: Jetty treats that as the client's business and logs it at DEBUG, where
     * any other IOException a servlet lets through is a WARN (one per aborted upload, at a client's will).
     */
    private static IOException asJettyFailure(IOException failure) {
        if (failure instanceof RequestBodyException bad) {
            return new IOException(bad.getMessage(),
                    new HttpException.RuntimeException(bad.status(), bad.getMessage(), bad));
        }
        if (failure instanceof EOFException || failure instanceof SocketException) {
            return failure instanceof EofException ? failure : new EofException(failure);
        }
        return failure;
    }

    @Override
    public void demand() {
        bodyWanted = true;
        if (terminal != null) {
            onBodyAvailable();
            return;
        }
        Runnable callback = onBodyAvailable;
        if (callback == null) {
            onBodyAvailable = callback = this::onBodyAvailable;
        }
        exchange.body().demand(callback);
    }

    private void onBodyAvailable() {
        Runnable task = channel.onContentAvailable();
        if (task != null) {
            task.run();
        }
    }

    @Override
    public Throwable consumeAvailable() {
        if (isMultiplexed()) {
            // Nothing to keep in step: an HTTP/2 stream's unread body ends with the stream, the engine telling the
            // client to stop sending with RST_STREAM NO_ERROR once the response is out (RFC 9113 §8.1). Reporting it
            // unconsumed would make Jetty fail the stream, a reset with INTERNAL_ERROR racing the response.
            return null;
        }
        if (exchange.request().expectContinue() && exchange.request().hasBody() && !bodyWanted) {
            // Reading now would send the 100 Continue the application never asked for; the client still
            // holds the body back, so the connection cannot carry another request (Jetty does the same).
            persistent = false;
            terminal = Content.Chunk.from(HttpStream.CONTENT_NOT_CONSUMED, true);
            return HttpStream.CONTENT_NOT_CONSUMED;
        }
        Throwable unconsumed = HttpStream.consumeAvailable(this, connection.getHttpConfiguration());
        if (unconsumed == null) {
            return null;
        }
        if (!Content.Chunk.isFailure(terminal) && declaredLength >= 0
                && declaredLength - bodyBytesRead <= connection.maxUnreadBodyToDiscard()) {
            // The engine reads and drops a small unread remainder itself when the exchange ends, and
            // keeps the connection; a larger or unknown one would stall it, so it closes instead.
            return null;
        }
        persistent = false;
        terminal = Content.Chunk.from(unconsumed, true);
        return unconsumed;
    }

    // ---- response -----------------------------------------------------------------------------

    /**
     * An extended CONNECT's tunnel (RFC 8441): its protocol, and an endpoint on the stream itself (the engine's
     * {@link HttpExchange#tunnel()}), which Jetty's RFC 8441 handshaker builds its WebSocket connection on; null for
     * any other request, as on Jetty's own HTTP/2 connection.
     */
    @Override
    public TunnelSupport getTunnelSupport() {
        TunnelSupport support = tunnelSupport;
        if (support == null && exchange.request().isExtendedConnect()) {
            synchronized (this) {
                support = tunnelSupport;
                if (support == null) {
                    String protocol = exchange.request().protocol();
                    CorralEndPoint endPoint = connection.tunnelEndPoint(exchange.tunnel());
                    tunnelSupport = support = new TunnelSupport() {
                        @Override
                        public String getProtocol() {
                            return protocol;
                        }

                        @Override
                        public EndPoint getEndPoint() {
                            return endPoint;
                        }
                    };
                }
            }
        }
        return support;
    }

    /** The tunnel's endpoint once Jetty asked for it, else null. */
    CorralEndPoint tunnelEndPoint() {
        TunnelSupport support = tunnelSupport;
        return support == null ? null : (CorralEndPoint) support.getEndPoint();
    }

    @Override
    public void prepareResponse(HttpFields.Mutable headers) {
        // Corral's writer owns Connection and Keep-Alive: nothing protocol-specific to add here.
    }

    @Override
    public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
            Callback callback) {
        if (response == null) {
            if (!last && BufferUtil.isEmpty(content)) {
                callback.succeeded();
                return;
            }
        } else if (HttpStatus.isInformational(response.getStatus())
                && response.getStatus() != HttpStatus.SWITCHING_PROTOCOLS_101) {
            if (response.getStatus() == HttpStatus.CONTINUE_100) {
                // Corral's engine sends 100 Continue itself on the first read or demand of the body.
                callback.succeeded();
                return;
            }
        } else if (committed) {
            callback.failed(new IllegalStateException("Committed"));
            return;
        } else {
            committed = true;
        }
        // Writes block until the client took the bytes (memory stays bounded). On a request's virtual
        // thread that is what we want; a Jetty pool thread (async I/O, error pages) must not be held, so
        // the write moves to a virtual thread of its own. Jetty never has two sends outstanding.
        if (Thread.currentThread().isVirtual()) {
            write(response, last, content, callback);
        } else {
            Thread.ofVirtual().name("corral-send").start(() -> write(response, last, content, callback));
        }
    }

    private void write(MetaData.Response response, boolean last, ByteBuffer content, Callback callback) {
        sending = true;
        try {
            HttpResponse out = exchange.response();
            if (response != null && HttpStatus.isInformational(response.getStatus())
                    && response.getStatus() != HttpStatus.SWITCHING_PROTOCOLS_101) {
                out.sendInformational(response.getStatus(), HeaderTranslation.toCorral(response.getHttpFields(), new HttpHeaders()));
                sending = false;
                callback.succeeded();
                return;
            }
            if (response != null) {
                commit(out, response);
            }
            out.write(content == null ? BufferUtil.EMPTY_BUFFER : content, last);
            sending = false;
            callback.succeeded();
        } catch (Throwable x) {
            sending = false;
            persistent = false;
            if (content != null) {
                BufferUtil.clear(content);
            }
            callback.failed(asJettyWriteFailure(x));
        }
    }

    /**
     * A write the client ended (reset, broken pipe, closed) is reported as Jetty's own connector reports it,
     * an {@link EofException} (its endpoint wraps every I/O failure of a flush so): Jetty logs that at DEBUG,
     * where any other IOException a servlet lets through is a WARN — one per client that resets mid-response,
     * at the client's will. A write that timed out stays what it is.
     */
    private static Throwable asJettyWriteFailure(Throwable failure) {
        if (failure instanceof IOException io && !(failure instanceof EofException)
                && !(failure instanceof java.io.InterruptedIOException)) {
            return new EofException(io);
        }
        return failure;
    }

    private void commit(HttpResponse out, MetaData.Response response) {
        HttpConfiguration configuration = connection.getHttpConfiguration();
        HttpFields fields = response.getHttpFields();
        int limit = Math.max(configuration.getResponseHeaderSize(), configuration.getMaxResponseHeaderSize());
        if (headerBytes(fields) > limit) {
            committed = false;
            throw new HttpException.RuntimeException(HttpStatus.INTERNAL_SERVER_ERROR_500, "Response Header Fields Too Large");
        }
        out.status(response.getStatus());
        // Jetty's reason phrases, not the engine's, so that the status line reads as on ServerConnector.
        out.reason(response.getReason() != null ? response.getReason() : HttpStatus.getMessage(response.getStatus()));
        HttpHeaders headers = HeaderTranslation.toCorral(fields, out.headers());
        long contentLength = response.getContentLength();
        if (isMultiplexed() && response.getStatus() == HttpStatus.NO_CONTENT_204) {
            // RFC 9110 §8.6: "A server MUST NOT send a Content-Length header field in any response with a status
            // code of ... 204". Jetty's metadata has 0 there or not, by timing; HTTP/1.1's writer drops it itself.
            headers.remove(HttpHeader.CONTENT_LENGTH.asString());
        } else if (contentLength >= 0 && !headers.contains(HttpHeader.CONTENT_LENGTH.asString())) {
            headers.add(HttpHeader.CONTENT_LENGTH.asString(), Long.toString(contentLength));
        }
        if (!persistent && !isMultiplexed()) {
            headers.set(HttpHeader.CONNECTION.asString(), "close");
        }
        Supplier<HttpFields> trailers = response.getTrailersSupplier();
        if (trailers != null) {
            out.trailers(() -> HeaderTranslation.toCorral(trailers.get(), new HttpHeaders()));
        }
    }

    /** What the status line and header section take on the wire, as Jetty's generator counts it. */
    private static int headerBytes(HttpFields fields) {
        int bytes = 32;
        for (HttpField field : fields) {
            String value = field.getValue();
            bytes += field.getName().length() + (value == null ? 0 : value.length()) + 4;
        }
        return bytes;
    }

    @Override
    public Runnable cancelSend(Throwable cause, Callback appCallback) {
        return () -> {
            if (sending) {
                // A blocked write only returns once the connection is gone; its callback then fails.
                exchange.abort(cause);
            }
            appCallback.failed(cause);
        };
    }

    /**
     * HTTP/1.1: the endpoint's, since the exchange has the connection to itself. HTTP/2: the stream's own, as on
     * Jetty's HTTP/2 connection, so that one servlet's timeout does not become its neighbours'.
     */
    @Override
    public long getIdleTimeout() {
        long own = streamIdleTimeout;
        return isMultiplexed() && own != UNSET ? own : connection.getEndPoint().getIdleTimeout();
    }

    @Override
    public void setIdleTimeout(long idleTimeoutMs) {
        if (isMultiplexed()) {
            streamIdleTimeout = idleTimeoutMs;
            applyIdleTimeout(idleTimeoutMs > 0 ? Duration.ofMillis(idleTimeoutMs) : Duration.ZERO);
        } else {
            connection.getEndPoint().setIdleTimeout(idleTimeoutMs);
        }
    }

    /** The engine's reads and writes of this exchange, and of the connection after it, time out after this. */
    void applyIdleTimeout(Duration timeout) {
        exchange.setIdleTimeout(timeout);
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    // ---- completion ---------------------------------------------------------------------------

    @Override
    public void succeeded() {
        if (!claimCompletion()) {
            return;
        }
        Request request = channel.getRequest();
        Connection upgrade = request == null ? null
                : request.getAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE) instanceof Connection c ? c : null;
        if (upgrade != null) {
            // Taken: the upgrade request outlives the exchange (a WebSocket session keeps it), and with the
            // attribute it would keep Jetty's own WebSocketConnection, which Corral's framing replaces, alive
            // for the whole life of the session.
            request.removeAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE);
        }
        // Recycle before waking the handler thread: the connection's next exchange then finds the channel free.
        connection.onStreamCompleted(this, channel, true, upgrade != null);
        wake(null, upgrade);
    }

    @Override
    public void failed(Throwable x) {
        if (!claimCompletion()) {
            return;
        }
        connection.onStreamCompleted(this, channel, false, false);
        wake(x == null ? new IOException("failed") : x, null);
    }

    /** Only the first of succeeded()/failed() counts. */
    private boolean claimCompletion() {
        return COMPLETED.compareAndSet(this, false, true);
    }

    /** Records the outcome and wakes the handler thread if it already parked: at most one unpark. */
    private void wake(Throwable cause, Connection upgrade) {
        failure = cause;
        upgradeTo = upgrade;
        if ((int) STATE.getAndSet(this, DONE) == WAITING) {
            LockSupport.unpark(handlerThread);
        }
    }

    /**
     * Parks the request's thread until Jetty completes this stream. A servlet that finished on this
     * thread has already completed it, and then this returns without parking at all.
     *
     * @return false when the thread was interrupted before completion (the exchange is then aborted)
     */
    boolean awaitCompletion() {
        if (STATE.compareAndSet(this, RUNNING, WAITING)) {
            while (state != DONE) {
                LockSupport.park(this);
                if (Thread.interrupted() && state != DONE) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** Interrupts the request's own thread: whatever it blocks in (servlet code, or the wait for Jetty) ends. */
    void interruptHandler() {
        if (state != DONE) {
            handlerThread.interrupt();
        }
    }

    /** After completion: why Jetty failed the stream, or null when it succeeded. */
    Throwable failure() {
        return failure;
    }

    /** After completion: the Jetty connection that takes the socket over, or null. */
    Connection upgradeTo() {
        return upgradeTo;
    }

    @Override
    public String toString() {
        return "CorralHttpStream#" + id + "@" + Integer.toHexString(hashCode()) + "{" + exchange.request().method()
                + " " + exchange.request().target() + ", committed=" + committed + ", state=" + state + "}";
    }
}
