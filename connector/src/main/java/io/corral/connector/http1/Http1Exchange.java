package io.corral.connector.http1;

import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestBodyException;
import io.corral.connector.stream.RequestHead;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response on a connection, and the body of its request thread (Cowboy's request
 * process): runs the handler, finishes the response it left open, turns a failure into a 500 or a cut
 * connection, and tells the connection thread it is done.
 */
final class Http1Exchange implements HttpExchange, Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Exchange.class);
    private static final VarHandle CONTINUE_HANDLED;

    static {
        try {
            CONTINUE_HANDLED = MethodHandles.lookup().findVarHandle(Http1Exchange.class, "continueHandled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Http1Connection connection;
    private final HttpHandler handler;
    private final RequestHead request;
    private final int requestNumber;
    private final Http1RequestBody body;
    private final Http1Response response;

    @SuppressWarnings("unused") // through CONTINUE_HANDLED
    private volatile boolean continueHandled;
    private volatile ConnectionUpgrade upgrade;
    private volatile boolean aborted;

    Http1Exchange(Http1Connection connection, HttpHandler handler, RequestHead request, int requestNumber,
            ResponseWriter writer) {
        this.connection = connection;
        this.handler = handler;
        this.request = request;
        this.requestNumber = requestNumber;
        this.body = new Http1RequestBody(this, connection,
                BodyDecoder.of(request.framing(), connection.config().limits()));
        this.response = new Http1Response(this, writer);
    }

    @Override
    public void run() {
        try {
            handler.handle(this);
            if (!aborted) {
                response.finish();
                endOutputIfLast();
            }
        } catch (Throwable failure) {
            onHandlerFailure(failure);
        } finally {
            connection.exchangeEnded();
        }
    }

    /**
     * A complete response after which the connection closes: the client learns at once that nothing
     * follows (FIN), even while the connection thread is still blocked reading a body the handler left
     * unread, which only ends when the client sends more or the idle timeout passes.
     */
    private void endOutputIfLast() {
        if (response.isComplete() && !response.isPersistent() && response.status() != 101) {
            try {
                connection.transport().shutdownOutput();
            } catch (IOException e) {
                LOG.debug("could not end output to {}: {}", remoteAddress(), e.toString());
            }
        }
    }

    private void onHandlerFailure(Throwable failure) {
        if (aborted) {
            return;
        }
        if (failure instanceof RequestBodyException bad && !response.isCommitted()) {
            // DEBUG: a client can send bad bodies at will; the protocol's counters show them instead.
            LOG.debug("bad request body from {} on {} {}: {}", remoteAddress(), request.method(), request.target(),
                    bad.getMessage());
            respondWithError(bad.status(), bad.getMessage());
        } else if (failure instanceof IOException && connection.isUnusable()) {
            LOG.debug("connection to {} lost during {} {}: {}", remoteAddress(), request.method(), request.target(),
                    failure.toString());
        } else if (!response.isCommitted()) {
            LOG.warn("handler failed on {} {} from {}", request.method(), request.target(), remoteAddress(), failure);
            respondWithError(500, "Internal Server Error");
        } else {
            LOG.warn("handler failed after committing {} {} from {}: closing the connection", request.method(),
                    request.target(), remoteAddress(), failure);
            abort(failure);
        }
    }

    private void respondWithError(int status, String message) {
        try {
            HttpHeaders headers = response.headers();
            headers.clear();
            headers.add("Content-Type", "text/plain; charset=utf-8");
            if (!config().sendDateHeader()) {
                // The engine's own answer carries a Date (RFC 9110 §6.6.1) even where handlers leave it to
                // their framework.
                headers.add("Date", DateHeader.value());
            }
            if (status >= 400 && status != 500) {
                headers.add("Connection", "close");
            }
            response.status(status).reason(null).trailers(null);
            response.write(ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), true);
        } catch (IOException | RuntimeException e) {
            abort(e);
        }
    }

    /** Sends {@code 100 Continue} the first time the handler reaches for a body the client holds back. */
    void sendContinueIfExpected() {
        if (!request.expectContinue() || response.isCommitted()
                || !CONTINUE_HANDLED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            response.sendInformational(100, null);
        } catch (IOException e) {
            LOG.debug("could not send 100 Continue to {}: {}", remoteAddress(), e.toString());
        }
    }

    /**
     * Whether the connection can carry another request after this one: the client and configuration allow
     * it, and the connection is in a state to read the next head (a body the client still holds back
     * behind {@code Expect: 100-continue} could never be told apart from the next request).
     */
    boolean mayKeepConnection() {
        if (!request.keepAlive() || !connection.config().persistentConnections() || connection.isUnusable()
                || connection.isDraining()
                || connection.isLastAllowedRequest(requestNumber)) {
            return false;
        }
        return !(request.expectContinue() && !continueHandled && body.isUnread());
    }

    void connectionBroken() {
        connection.markUnusable();
    }

    Http1Config config() {
        return connection.config();
    }

    ConnectionUpgrade pendingUpgrade() {
        return upgrade;
    }

    boolean isAborted() {
        return aborted;
    }

    Http1RequestBody requestBody() {
        return body;
    }

    Http1Response httpResponse() {
        return response;
    }

    @Override
    public RequestHead request() {
        return request;
    }

    @Override
    public RequestBody body() {
        return body;
    }

    @Override
    public HttpResponse response() {
        return response;
    }

    @Override
    public SocketAddress localAddress() {
        return connection.transport().localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.transport().remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return connection.transport().isSecure();
    }

    @Override
    public long connectionId() {
        return connection.id();
    }

    @Override
    public int requestNumber() {
        return requestNumber;
    }

    @Override
    public void setIdleTimeout(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("idle timeout must not be negative: " + timeout);
        }
        connection.setIdleTimeout(timeout);
    }

    @Override
    public void upgrade(ConnectionUpgrade upgrade) {
        this.upgrade = upgrade;
    }

    @Override
    public GoingAway goingAway() {
        return connection.goingAway();
    }

    @Override
    public void abort(Throwable cause) {
        if (aborted) {
            return;
        }
        aborted = true;
        LOG.debug("exchange {} {} from {} aborted: {}", request.method(), request.target(), remoteAddress(),
                String.valueOf(cause));
        connection.markUnusable();
        connection.transport().close();
    }

    @Override
    public String toString() {
        return request.method() + " " + request.target() + " #" + requestNumber + " from " + remoteAddress();
    }
}
