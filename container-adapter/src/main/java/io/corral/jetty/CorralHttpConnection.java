package io.corral.jetty;

import io.corral.connector.listener.Hibernation;
import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.transport.TransportConnection;
import io.corral.jetty.websocket.UpgradeRequestGuard;
import io.corral.jetty.websocket.WebSocketFraming;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractMetaDataConnection;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Corral connection as Jetty sees it: the jetty-io {@link Connection} on the {@link CorralEndPoint}
 * and the {@link org.eclipse.jetty.server.ConnectionMetaData} every request carries. It is also the
 * per-connection {@link HttpHandler} Corral's engine calls for each request, on that request's own new
 * virtual thread: the handler wraps the exchange in a {@link CorralHttpStream}, hands it to an {@link HttpChannel}
 * (recycled from request to request, see {@link RecycledChannels}), runs Jetty's handlers and then waits until
 * Jetty completes the stream, so the engine never moves on while a servlet is still async.
 *
 * <p>Over HTTP/2 (h2c) the engine calls the same handler once per stream, concurrently, each on the stream's own
 * virtual thread: one connection, one endpoint, many exchanges in progress. Each stream then has a channel of its
 * own (Jetty's channel holds one request's state), taken from the connection's recycled ones, up to as many as
 * streams may run at once; the connection tracks every stream in progress, and what one stream does (its idle
 * timeout, its failure) stays that stream's, as on Jetty's own HTTP/2 connection.
 */
final class CorralHttpConnection extends AbstractMetaDataConnection implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CorralHttpConnection.class);
    private static final AtomicLong IDS = new AtomicLong();

    private final CorralConnector connector;
    private final CorralEndPoint endPoint;
    private final HttpChannel.Factory channelFactory;
    private final long maxUnreadBodyToDiscard;
    private final Attributes attributes = new Attributes.Lazy();
    /** Channels whose request ended well, for the next ones; one for HTTP/1.1, up to the stream limit for HTTP/2. */
    private final RecycledChannels recycled = new RecycledChannels();
    private final LastHostField hosts = new LastHostField();
    private final RepeatedFields repeatedFields = new RepeatedFields();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final long id = IDS.incrementAndGet();
    /** HTTP/1.1: the exchange in progress, at most one. */
    private volatile CorralHttpStream current;
    /**
     * HTTP/2: every stream in progress; null until the first one, so that an HTTP/1.1 connection (and an idle one)
     * pays nothing for it.
     */
    private volatile StreamsInProgress streams;
    private volatile boolean closing;
    private volatile long streamIdleTimeoutMs;

    CorralHttpConnection(CorralConnector connector, HttpConfiguration configuration, CorralEndPoint endPoint,
            HttpChannel.Factory channelFactory, long maxUnreadBodyToDiscard) {
        super(connector, configuration, endPoint);
        this.connector = connector;
        this.endPoint = endPoint;
        this.channelFactory = channelFactory;
        this.maxUnreadBodyToDiscard = maxUnreadBodyToDiscard;
    }

    /**
     * The idle timeout, in ms, each HTTP/2 stream starts with, as {@code streamIdleTimeout} on Jetty's HTTP/2
     * factory: 0 for the connection's, -1 for none.
     */
    void streamIdleTimeout(long ms) {
        streamIdleTimeoutMs = ms;
    }

    /**
     * How many streams may run at once if the connection speaks HTTP/2 (its {@code SETTINGS_MAX_CONCURRENT_STREAMS}):
     * the most recycled channels it keeps, since more could never be in use together.
     */
    void maxConcurrentStreams(int max) {
        recycled.bound(max);
    }

    /** One exchange, top to bottom: guard, hand to Jetty, wait until Jetty is done, then end or upgrade. */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        endPoint.notIdle();
        UpgradeRequestGuard.Refusal refusal = UpgradeRequestGuard.check(exchange.request());
        if (refusal != null) {
            refuse(exchange, refusal.status(), refusal.reason(), refusal.headers());
            return;
        }
        boolean multiplexed = exchange.request().version() == io.corral.connector.stream.HttpVersion.HTTP_2;
        if (multiplexed && exchange.request().framing() instanceof BodyFraming.Length announced
                && bodyExceedsLimit(announced.length())) {
            // As HTTP/1.1's engine answers an announced body over the connector's limit: before any handler runs.
            refuse(exchange, 413, "Content-Length " + announced.length() + " exceeds the limit of "
                    + connector.getMaxBodySize() + " bytes", new HttpHeaders());
            return;
        }
        HttpChannel httpChannel = acquireChannel();
        // HTTP/2 has no Connection: close; a stream ends alone, the connection carries on (Jetty's HTTP/2
        // connection reports itself persistent whatever the configuration says).
        boolean persistent = multiplexed
                || exchange.request().keepAlive() && getHttpConfiguration().isPersistentConnectionsEnabled();
        CorralHttpStream stream = new CorralHttpStream(this, httpChannel, exchange, persistent);
        if (multiplexed) {
            streams().add(stream);
            if (streamIdleTimeoutMs != 0) {
                stream.setIdleTimeout(Math.max(0, streamIdleTimeoutMs));
            }
        } else {
            current = stream;
        }
        httpChannel.setHttpStream(stream);
        requests.incrementAndGet();

        Runnable task = startRequest(httpChannel, stream, exchange);
        if (task != null) {
            task.run(); // Jetty's handlers, on this request's own virtual thread
        }
        if (!stream.awaitCompletion()) {
            exchange.abort(new InterruptedIOException("interrupted while " + stream + " was in progress"));
            return;
        }
        endPoint.notIdle();
        finish(exchange, stream);
    }

    /** The task that runs Jetty's handlers for the request, or renders Jetty's error for one it refuses. */
    private Runnable startRequest(HttpChannel httpChannel, CorralHttpStream stream, HttpExchange exchange) {
        long begin = NanoTime.now();
        try {
            MetaData.Request request = RequestMetaData.from(exchange.request(), begin, exchange.isSecure(),
                    this, getHttpConfiguration().getHttpCompliance(), hosts, repeatedFields);
            return httpChannel.onRequest(request);
        } catch (Throwable refused) {
            // As Jetty's own connection does with a bad message: a request exists only to carry the
            // error, Jetty's error handling renders it, and the connection does not carry another.
            stream.notPersistent();
            if (httpChannel.getRequest() == null) {
                httpChannel.onRequest(RequestMetaData.forRefusal(exchange.request(), begin));
            }
            return httpChannel.onFailure(refused instanceof HttpException ? refused
                    : new HttpException.RuntimeException(400, refused.getMessage(), refused));
        }
    }

    /** After Jetty completed the stream: cut the connection on failure, or hand it over on an upgrade. */
    private void finish(HttpExchange exchange, CorralHttpStream stream) {
        Throwable failure = stream.failure();
        if (failure != null) {
            LOG.debug("aborting {} after {}", stream, failure.toString());
            exchange.abort(failure);
            return;
        }
        Connection upgrade = stream.upgradeTo();
        if (upgrade != null) {
            // The HTTP side is done for good: the channel was not kept (onStreamCompleted), so neither is its
            // request state, which an idle upgraded connection (a WebSocket) would otherwise keep for its whole life.
            // Over HTTP/2 (RFC 8441) the upgraded connection runs on its stream's endpoint, not the socket's.
            CorralEndPoint tunnel = stream.tunnelEndPoint();
            exchange.upgrade(tunnel == null ? takeOver(upgrade, endPoint, connector)
                    : tracked(takeOver(upgrade, tunnel, connector), tunnel, connector));
        }
    }

    /**
     * A request Corral's own engine would refuse (a WebSocket handshake breaking RFC 6455 MUSTs Jetty's handshaker
     * does not enforce; over HTTP/2, a body announced over the limit) is answered as the engine answers it, before
     * any handler runs.
     */
    private static void refuse(HttpExchange exchange, int status, String reason, HttpHeaders headers)
            throws IOException {
        HttpResponse response = exchange.response().status(status);
        for (HttpHeaders.Field field : headers) {
            response.headers().set(field.name(), field.value());
        }
        if (status == 426) {
            response.headers().set("Upgrade", "websocket"); // RFC 9110 §15.5.22: name the protocol to upgrade to
        }
        response.headers().set("Content-Type", "text/plain; charset=utf-8");
        response.write(ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8)), true);
    }

    /**
     * Once the 101 is written, the socket belongs to the upgraded protocol, on the connection's own thread.
     * A Jetty WebSocket session runs on Corral's frame parser and writer when that seam is available;
     * anything else (or a WebSocket session without the seam) runs Jetty's own connection on this endpoint.
     */
    private static ConnectionUpgrade takeOver(Connection upgrade, CorralEndPoint endPoint, CorralConnector connector) {
        // Static: the takeover must not capture this HTTP connection, which the socket has outgrown.
        return (transport, leftover) -> {
            connector.upgraded();
            if (CorralConnector.isJettyWebSocket(upgrade)) {
                Hibernation.Resume corralFramed = WebSocketFraming.onCorralFraming(upgrade, endPoint, transport,
                        leftover, connector, connector.hibernateAfterDuration(), connector.getWebSocketMaxQueuedFrames(),
                        connector.getWebSocketMaxControlFramesPerSecond());
                if (corralFramed != null) {
                    return corralFramed.resume();
                }
            }
            // Corral's engine enforced the timeouts until now; from here Jetty's idle timer must, at the
            // connector's idle timeout (a session may set its own).
            endPoint.setIdleTimeout(endPoint.getIdleTimeout());
            endPoint.upgrade(upgrade);
            endPoint.serveReads(leftover);
            return null;
        };
    }

    /** The streams of an HTTP/2 connection, made on its first stream. */
    private StreamsInProgress streams() {
        StreamsInProgress all = streams;
        if (all == null) {
            synchronized (this) {
                all = streams;
                if (all == null) {
                    streams = all = new StreamsInProgress();
                }
            }
        }
        return all;
    }

    /** Every exchange in progress: the HTTP/1.1 one, or HTTP/2's streams. */
    private List<CorralHttpStream> inProgress() {
        CorralHttpStream one = current;
        StreamsInProgress all = streams;
        if (all == null) {
            return one == null ? List.of() : List.of(one);
        }
        List<CorralHttpStream> list = all.snapshot();
        if (one != null) {
            list.add(one);
        }
        return list;
    }

    /**
     * A takeover on an HTTP/2 stream's endpoint, which the connector lists with its WebSocket sessions (a drain
     * tells them to go away) while it runs: a tunnel cannot hibernate, so the takeover returns when it is over.
     */
    private static ConnectionUpgrade tracked(ConnectionUpgrade takeOver, CorralEndPoint tunnel,
            CorralConnector connector) {
        return (transport, leftover) -> {
            connector.tunnelStarted(tunnel);
            try {
                return takeOver.takeOver(transport, leftover);
            } finally {
                connector.tunnelEnded(tunnel);
            }
        };
    }

    /**
     * An endpoint on an extended CONNECT's stream (RFC 8441), for Jetty's handshaker: the stream's tunnel is its
     * transport, so what runs on it (Corral's framing under Jetty's session, or Jetty's own connection) reads and
     * writes the stream's DATA; the connector's idle timeout is what it reports until a session sets its own.
     */
    CorralEndPoint tunnelEndPoint(TransportConnection tunnel) {
        CorralEndPoint tunnelEndPoint = new CorralEndPoint(tunnel, connector.getScheduler(), connector::getIdleTimeout);
        tunnelEndPoint.onOpen();
        return tunnelEndPoint;
    }

    /** A channel a finished request left recycled, or a new one when none is kept (every one is in use). */
    private HttpChannel acquireChannel() {
        HttpChannel httpChannel = recycled.poll();
        return httpChannel != null ? httpChannel : channelFactory.newHttpChannel(this);
    }

    /**
     * Called once per stream, from whichever thread Jetty completes it on; never blocks. Only the channel of a
     * request that ended well is kept for another, as on Jetty's HTTP/2 connection: a failed one may still be in use
     * by what failed it (an async servlet, a timeout). The channel of an upgrade is recycled but not kept: the
     * HTTP side of its connection is over for good.
     */
    void onStreamCompleted(CorralHttpStream stream, HttpChannel httpChannel, boolean succeeded, boolean upgraded) {
        responses.incrementAndGet();
        connector.requestCompleted();
        if (current == stream) {
            current = null;
        }
        StreamsInProgress all = streams;
        if (all != null) {
            all.remove(stream);
        }
        if (succeeded) {
            httpChannel.recycle();
            if (!upgraded) {
                recycled.offer(httpChannel);
            }
        }
    }

    /**
     * The connection is idle and hibernates: Jetty's channels (a request, response and servlet state each: about a
     * kilobyte) are dropped and made anew for the next requests, and so are the last request's fields kept for the
     * next one, so that an idle connection keeps almost nothing.
     * A busy connection (the next request within {@code hibernateAfter}) keeps reusing them. The engine calls this
     * only when no request of the connection is in progress.
     */
    @Override
    public void connectionHibernating() {
        recycled.clear();
        hosts.clear();
        repeatedFields.clear();
    }

    /** How many recycled channels the connection keeps now (tests). */
    int recycledChannels() {
        return recycled.size();
    }

    /** Interrupts the threads of the exchanges in progress, if any (the connector is stopping). */
    void interruptExchange() {
        for (CorralHttpStream stream : inProgress()) {
            stream.interruptHandler();
        }
    }

    /**
     * The endpoint's idle timeout changed while HTTP/1.1 is spoken: the engine times the exchange in progress
     * (and the connection after it) with the new value. Jetty reads zero or less as "no timeout", as here. An
     * HTTP/2 stream's timeout is its own ({@link CorralHttpStream#setIdleTimeout}), not the endpoint's.
     */
    void idleTimeoutChanged(long idleTimeoutMs) {
        CorralHttpStream stream = current;
        if (stream != null) {
            stream.applyIdleTimeout(idleTimeoutMs > 0 ? Duration.ofMillis(idleTimeoutMs) : Duration.ZERO);
        }
    }

    /** Whether a request body of {@code size} bytes is over the connector's limit ({@code maxBodySize}). */
    boolean bodyExceedsLimit(long size) {
        long max = connector.getMaxBodySize();
        return max >= 0 && size > max;
    }

    long maxUnreadBodyToDiscard() {
        return maxUnreadBodyToDiscard;
    }

    boolean isHandling() {
        StreamsInProgress all = streams;
        return current != null || all != null && !all.isEmpty();
    }

    @Override
    public CorralConnector getConnector() {
        return connector;
    }

    @Override
    public CorralEndPoint getEndPoint() {
        return endPoint;
    }

    @Override
    public String getId() {
        return getRemoteSocketAddress() + "@" + Integer.toHexString(hashCode()) + "#" + id;
    }

    @Override
    public HttpVersion getHttpVersion() {
        if (streams != null) {
            return HttpVersion.HTTP_2; // once HTTP/2, always: the preface or the upgrade decided for good
        }
        CorralHttpStream stream = current;
        return stream == null ? HttpVersion.HTTP_1_1 : stream.version();
    }

    @Override
    public String getProtocol() {
        return getHttpVersion().asString();
    }

    @Override
    public boolean isPersistent() {
        if (streams != null) {
            return !closing;
        }
        CorralHttpStream stream = current;
        return stream != null && stream.isPersistent() && !closing;
    }

    @Override
    public boolean isSecure() {
        return endPoint.isSecure();
    }

    @Override
    public void onFillable() {
        // Corral's engine reads while HTTP/1.1 is spoken: Jetty never has fill interest on this connection.
    }

    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        // Only an idle connection may be closed by Jetty's timer (graceful shutdown shortens it):
        // an exchange in progress finishes, and its response then carries Connection: close.
        return !isHandling();
    }

    /** Closes the connection, failing the exchanges in progress first so that Jetty completes them. */
    @Override
    public void close() {
        closing = true;
        try {
            for (CorralHttpStream stream : inProgress()) {
                try {
                    Runnable task = stream.channel().onClose();
                    if (task != null) {
                        task.run();
                    }
                } catch (Throwable x) {
                    LOG.debug("failing {} on close of {}", stream, this, x);
                }
            }
        } finally {
            super.close();
        }
    }

    @Override
    public long getMessagesIn() {
        return requests.get();
    }

    @Override
    public long getMessagesOut() {
        return responses.get();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.getAttribute(name);
    }

    @Override
    public Object setAttribute(String name, Object attribute) {
        return attributes.setAttribute(name, attribute);
    }

    @Override
    public Object removeAttribute(String name) {
        return attributes.removeAttribute(name);
    }

    @Override
    public Set<String> getAttributeNameSet() {
        return attributes.getAttributeNameSet();
    }

    @Override
    public void clearAttributes() {
        attributes.clearAttributes();
    }

    @Override
    public String toConnectionString() {
        StreamsInProgress all = streams;
        return "CorralHttpConnection@" + Integer.toHexString(hashCode()) + "#" + id + "{requests=" + requests.get()
                + (all == null ? ", current=" + current : ", streams=" + all.size()) + "}";
    }
}
