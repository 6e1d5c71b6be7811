package io.corral.connector.stream;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * What every exchange has in common, whichever protocol carried it: the connection it came on (its addresses,
 * whether it is secure, its id: one answer for every exchange on that connection), the {@code 100 Continue} sent
 * once, and the life of its request thread (Cowboy's request process) — run the handler, finish the response it
 * left open, and turn a failure into an error response while nothing is committed, or cut the exchange off once
 * something is. An HTTP/1.1 exchange ({@code http1.Http1Exchange}) and an HTTP/2 stream ({@code http2.Http2Stream})
 * say only how they finish, answer with an error, abort and end, so a handler that fails or leaves its response
 * open meets the same rules on both.
 */
public abstract class AbstractExchange implements HttpExchange, Runnable {

    private static final VarHandle CONTINUE_HANDLED;

    static {
        try {
            CONTINUE_HANDLED = MethodHandles.lookup().findVarHandle(AbstractExchange.class, "continueHandled",
                    boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TransportConnection transport;
    private final long connectionId;
    private final HttpHandler handler;
    private final RequestHead request;

    @SuppressWarnings("unused") // through CONTINUE_HANDLED
    private volatile boolean continueHandled;

    protected AbstractExchange(TransportConnection transport, long connectionId, HttpHandler handler,
            RequestHead request) {
        this.transport = transport;
        this.connectionId = connectionId;
        this.handler = handler;
        this.request = request;
    }

    /** The request thread's whole life: the handler, then the response finished or the failure answered. */
    @Override
    public final void run() {
        try {
            handler.handle(this);
            if (!isAborted()) {
                finishResponse();
            }
        } catch (Throwable failure) {
            onHandlerFailure(failure);
        } finally {
            ended();
        }
    }

    private void onHandlerFailure(Throwable failure) {
        if (isAborted()) {
            return;
        }
        HttpResponse response = response();
        if (failure instanceof RequestBodyException bad && !response.isCommitted()) {
            // DEBUG: a client can send bad bodies at will; the protocol's counters show them instead.
            log().debug("bad request body from {} on {} {}: {}", remoteAddress(), request.method(), request.target(),
                    bad.getMessage());
            respondWithError(bad.status(), bad.getMessage());
        } else if (failure instanceof IOException && isConnectionLost()) {
            log().debug("connection to {} lost during {} {}: {}", remoteAddress(), request.method(), request.target(),
                    failure.toString());
        } else if (!response.isCommitted()) {
            log().warn("handler failed on {} {} from {}", request.method(), request.target(), remoteAddress(), failure);
            respondWithError(500, "Internal Server Error");
        } else {
            log().warn("handler failed after committing {} {} from {}: closing the connection", request.method(),
                    request.target(), remoteAddress(), failure);
            abort(failure);
        }
    }

    /**
     * Sends {@code 100 Continue} the first time the handler reaches for a body the client holds back behind
     * {@code Expect: 100-continue} (RFC 9110 §10.1.1), unless the response is committed already; at most once,
     * whichever thread asks first. A failure to send is left to the body's next read to report.
     */
    public final void sendContinueIfExpected() {
        if (!request.expectContinue() || response().isCommitted()
                || !CONTINUE_HANDLED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            response().sendInformational(100, null);
        } catch (IOException e) {
            log().debug("could not send 100 Continue to {}: {}", remoteAddress(), e.toString());
        }
    }

    /** Whether the {@code 100 Continue} question is settled: sent, or no longer to be sent. */
    protected final boolean continueHandled() {
        return continueHandled;
    }

    /** The logger of the protocol's exchange class, so that operators keep one logger name per protocol. */
    protected abstract Logger log();

    /** The handler returned: ends the response it left open (what it wrote becomes the whole body). */
    protected abstract void finishResponse() throws IOException;

    /** Whether the exchange was cut off (aborted, or its stream reset): nothing more goes out for it. */
    protected abstract boolean isAborted();

    /** Whether the connection (or the stream) under the exchange is gone, so an I/O failure is no handler bug. */
    protected abstract boolean isConnectionLost();

    /** Answers with an error of the engine's own (plain text) in place of a response nothing was committed of. */
    protected abstract void respondWithError(int status, String message);

    /** The request thread is about to end, whatever happened: tell the connection. */
    protected abstract void ended();

    /** Applies a new idle timeout, already checked not to be negative. */
    protected abstract void changeIdleTimeout(Duration timeout);

    /** The transport the exchange's connection runs on. */
    protected final TransportConnection transport() {
        return transport;
    }

    @Override
    public final RequestHead request() {
        return request;
    }

    @Override
    public final SocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public final SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public final boolean isSecure() {
        return transport.isSecure();
    }

    @Override
    public final long connectionId() {
        return connectionId;
    }

    @Override
    public final void setIdleTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must not be negative: " + timeout);
        }
        changeIdleTimeout(timeout);
    }

    @Override
    public String toString() {
        return request.method() + " " + request.target() + " #" + requestNumber() + " from " + remoteAddress();
    }
}
