package io.corral.connector.http1;

import io.corral.connector.stream.AbstractExchange;
import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.RequestBody;
import io.corral.connector.stream.RequestHead;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request/response on an HTTP/1.1 connection: its body decoded from the connection's input, its response
 * framed by the connection's writer. How the request thread runs the handler and answers a failure is the stream
 * layer's ({@link AbstractExchange}); what is HTTP/1.1's here is finishing (a response after which the
 * connection closes ends its output at once), the engine's error answer, whether the connection may carry the
 * next request, and telling the connection thread the exchange is done.
 */
final class Http1Exchange extends AbstractExchange {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Exchange.class);

    private final Http1Connection connection;
    private final int requestNumber;
    private final Http1RequestBody body;
    private final Http1Response response;

    private volatile ConnectionUpgrade upgrade;
    private volatile boolean aborted;

    Http1Exchange(Http1Connection connection, HttpHandler handler, RequestHead request, int requestNumber,
            ResponseWriter writer) {
        super(connection.transport(), connection.id(), handler, request);
        this.connection = connection;
        this.requestNumber = requestNumber;
        this.body = new Http1RequestBody(this, connection,
                BodyDecoder.of(request.framing(), connection.config().limits()));
        this.response = new Http1Response(this, writer);
    }

    @Override
    protected Logger log() {
        return LOG;
    }

    @Override
    protected void finishResponse() throws IOException {
        response.finish();
        endOutputIfLast();
    }

    @Override
    protected void ended() {
        connection.exchangeEnded();
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

    @Override
    protected boolean isConnectionLost() {
        return connection.isUnusable();
    }

    @Override
    protected void respondWithError(int status, String message) {
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

    /**
     * Whether the connection can carry another request after this one: the client and configuration allow
     * it, and the connection is in a state to read the next head (a body the client still holds back
     * behind {@code Expect: 100-continue} could never be told apart from the next request).
     */
    boolean mayKeepConnection() {
        RequestHead request = request();
        if (!request.keepAlive() || !connection.config().persistentConnections() || connection.isUnusable()
                || connection.isDraining()
                || connection.isLastAllowedRequest(requestNumber)) {
            return false;
        }
        return !(request.expectContinue() && !continueHandled() && body.isUnread());
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

    @Override
    protected boolean isAborted() {
        return aborted;
    }

    Http1RequestBody requestBody() {
        return body;
    }

    Http1Response httpResponse() {
        return response;
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
    public int requestNumber() {
        return requestNumber;
    }

    @Override
    protected void changeIdleTimeout(Duration timeout) {
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
        LOG.debug("exchange {} {} from {} aborted: {}", request().method(), request().target(), remoteAddress(),
                String.valueOf(cause));
        connection.markUnusable();
        connection.transport().close();
    }
}
