package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.stream.ConnectionUpgrade;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection process of {@code cowboy_http}: runs on the connection's own virtual thread, reads and
 * parses request heads, starts each request on a new virtual thread and waits for it, serving the body
 * reads it asks for in the meantime. Requests on a connection run one after another, so pipelined
 * responses leave in order by construction. Reads top to bottom: read, parse, dispatch, wait, repeat.
 */
final class Http1Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Http1Connection.class);
    private static final VarHandle DEMANDED;
    /** Bytes and time a closing connection spends reading what the client still sends (RFC 9112 §9.6). */
    private static final int LINGER_BYTES = 64 * 1024;
    private static final Duration LINGER_TIME = Duration.ofSeconds(1);
    /** What {@link #readHead} returns to say "hibernate": compared by identity, never parsed or served. */
    private static final RequestHead HIBERNATE = new RequestHead(null, null, null, null, null, null, false, false);

    static {
        try {
            DEMANDED = MethodHandles.lookup().findVarHandle(Http1Connection.class, "demanded", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Http1Protocol protocol;
    private final TransportConnection transport;
    private final Http1Config config;
    private final HttpHandler handler;
    private final long id;
    private final ByteArrayPool pool;
    /** Null while the connection hibernates: an idle connection keeps no parser state. */
    private Http1Parser parser;
    private final ResponseWriter writer;
    /** The thread of the current burst: request threads unpark it. */
    private volatile Thread thread;
    private final ThreadFactory requestThreads;

    /**
     * Unread client bytes, in read mode (position..limit): the connection's {@link #waitingArray} while it waits
     * for a request head to begin or for a trickled body, a pooled array once more bytes than that come at once.
     */
    private byte[] inputArray;
    private ByteBuffer input;
    /**
     * A small array of the connection's own that a read waiting for the next request head, or for a slow request
     * body, fills: a connection waiting for a client does not keep a pooled 16 KiB array for as long as the client
     * takes (the trickle flood's 10,500 waiting connections held 164 MiB that way; a keep-alive connection holds
     * its thread for {@code hibernateAfter} before it hibernates, and a flood's fresh connections did so with a
     * new 16 KiB array each). Jetty's connection, too, holds no buffer while it waits. A head or body that fills it
     * moves to a pooled array. Made when a burst begins, dropped when the connection hibernates.
     */
    private byte[] waitingArray;
    /**
     * Whether the last read, of a head or a body, brought at least {@link #WAITING_READ_SIZE} bytes or filled all the
     * space it had: bytes flow rather than trickle, more are likely waiting, and the next read goes to a pooled array.
     */
    private boolean readsFlow;
    private Duration readTimeout;
    /**
     * How long a read or write may make no progress: the configured idle timeout until a handler changes it
     * ({@link HttpExchange#setIdleTimeout}, Jetty's {@code HttpStream.setIdleTimeout}), then the new value
     * for the rest of the connection, as on Jetty's endpoints.
     */
    private volatile Duration idleTimeout;
    /** A handler set the idle timeout: it stays, whatever the protocol's changes to later. */
    private volatile boolean idleTimeoutSetByHandler;
    private int requests;
    /** When the connection started waiting for its next request ({@link System#nanoTime()}); 0 when not waiting. */
    private long idleSince;
    /**
     * Whether this burst has read yet. A woken connection reads before it may hibernate again: it was woken for
     * bytes or the end of stream, and the end of stream looks like "nothing available" to a non-reading check.
     */
    private boolean readThisBurst;
    /** Whether the last burst ended hibernating: the next one is a wake-up. */
    private boolean hibernated;

    @SuppressWarnings("unused") // through DEMANDED
    private volatile Runnable demanded;
    private volatile boolean exchangeRunning;
    private volatile boolean unusable;
    /**
     * Waiting for the first byte of a request head after at least one request: the one state a drain may close
     * without loss. Not before the first request: a client accepted just before the drain (a restart hands the
     * last queued clients to the old instance) has its request on the way, and is served, with
     * {@code Connection: close}; one that never sends ends at its idle timeout or the end of the grace period.
     */
    private final AtomicInteger waitState = new AtomicInteger(BUSY);
    /** {@link #waitState}: reading or serving a request, or waiting for the first one. */
    private static final int BUSY = 0;
    /** {@link #waitState}: waiting for the next request after one — what a drain may close. */
    private static final int IDLE = 1;
    /** {@link #waitState}: a drain closed the connection while it waited; whatever it read now is not served. */
    private static final int CLOSED_BY_DRAIN = 2;
    /** The size of {@link #waitingArray}: a trickle's bytes fit, and a read that fills it says the body flows. */
    static final int WAITING_READ_SIZE = 512;

    Http1Connection(Http1Protocol protocol, TransportConnection transport, HttpHandler handler, long id,
            ByteArrayPool pool) {
        this.protocol = protocol;
        this.transport = transport;
        this.config = protocol.config();
        this.handler = handler;
        this.id = id;
        this.pool = pool;
        this.idleTimeout = config.idleTimeout();
        this.writer = new ResponseWriter(transport, pool, idleTimeout);
        this.requestThreads = requestThreads(id, transport);
    }

    /**
     * Request threads named after their connection ({@code corral#12 192.0.2.7:50412}), so that every log
     * line a request writes (Jetty's included: its log format shows the thread name) says which connection
     * it concerns. The name is built once per connection and shared by its request threads: naming then
     * costs no allocation per request (building a name per thread was ~3% of CPU in the prototype, DESIGN §5).
     */
    private static ThreadFactory requestThreads(long id, TransportConnection transport) {
        String name = switch (transport.remoteAddress()) {
            case InetSocketAddress remote -> "corral#" + id + " " + remote.getHostString() + ":" + remote.getPort();
            case null -> "corral#" + id;
            default -> "corral#" + id + " unix"; // a Unix domain client is usually unnamed
        };
        return Thread.ofVirtual().name(name).factory();
    }

    /** How a burst of the connection's life ended: done (null), idle and hibernating, or switching protocols. */
    sealed interface Outcome permits Idle, Takeover {}

    /** Nothing to read: hibernate until bytes arrive or {@code wakeAtNanos}, then {@link #run} again. */
    record Idle(Http1Connection connection, long wakeAtNanos) implements Outcome {}

    /** What a connection switching protocols hands on: the new protocol and the bytes already read for it. */
    record Takeover(ConnectionUpgrade upgrade, ByteBuffer leftover) implements Outcome {}

    /**
     * Serves requests until the connection ends, switches protocols, or has nothing to read and may hibernate.
     * Runs again, on a new thread, after each hibernation: what lives on between bursts is in fields, and an
     * idle connection keeps neither its input buffer nor its parser.
     *
     * @return null when the connection is done; {@link Idle} to hibernate; the {@link Takeover} to run after a
     *         101, which the caller runs once this object is unreachable, so that nothing of HTTP (parser,
     *         writer, request head, these stack frames) stays alive for the whole life of, say, a WebSocket.
     */
    Outcome run() throws Exception {
        thread = Thread.currentThread();
        // A fresh connection may hibernate before its first read (a client that connects and says nothing
        // holds no thread either); a woken one reads first.
        readThisBurst = !hibernated;
        if (hibernated) {
            // Woken, most likely by the next request's bytes: no longer idle (readHead offers it again if not).
            transport.evictableSince(TransportConnection.NOT_EVICTABLE);
        }
        hibernated = false;
        DeadlineWatchdog.SHARED.watch(writer);
        waitingArray = new byte[WAITING_READ_SIZE];
        inputArray = waitingArray;
        input = ByteBuffer.wrap(inputArray, 0, 0);
        if (parser == null) {
            parser = new Http1Parser(config.limits());
        }
        Outcome outcome = null;
        try {
            outcome = serveRequests();
            return outcome;
        } finally {
            DeadlineWatchdog.SHARED.unwatch(writer);
            pool.release(inputArray); // not the waiting array: the pool only takes back arrays of its own size
            inputArray = null;
            input = null;
            waitingArray = null;
            thread = null;
            if (outcome instanceof Idle) {
                hibernated = true;
                parser = null;
                writer.dropSmallBuffer();
                handler.connectionHibernating();
            }
        }
    }

    private Outcome serveRequests() throws Exception {
        while (true) {
            RequestHead head;
            try {
                head = readHead();
            } catch (HttpParseException bad) {
                refuse(bad);
                return null;
            }
            if (head == null) {
                return null;
            }
            if (head == HIBERNATE) {
                return new Idle(this, idleDeadline());
            }
            Http1Exchange exchange = new Http1Exchange(this, handler, head, ++requests, writer);
            runExchange(exchange);
            if (unusable || exchange.isAborted() || !transport.isOpen()) {
                return null;
            }
            Http1Response response = exchange.httpResponse();
            if (response.status() == 101) {
                return takeover(exchange.pendingUpgrade());
            }
            if (!response.isPersistent()) {
                lingeringClose();
                return null;
            }
            Http1RequestBody body = exchange.requestBody();
            if (body.isUnread() && !body.discard(config.maxUnreadBodyToDiscard())) {
                return null;
            }
        }
    }

    /**
     * Reads until one request head is parsed. Null when the connection should end quietly: the client
     * closed, or stayed idle between requests past the idle timeout; {@link #HIBERNATE} when it waits for
     * its next request with nothing to read and may wait without a thread. A head that starts but does not
     * finish within the header timeout earns a 408 (slowloris).
     */
    private RequestHead readHead() throws IOException, HttpParseException {
        parser.reset();
        followLiveIdleTimeout();
        long headDeadline = 0;
        long headStartedAt = 0;
        while (true) {
            if (input.hasRemaining()) {
                idleSince = 0;
                if (headDeadline == 0) {
                    // Bytes of a request have arrived: no longer idle. Left marked, a listener at its limit could
                    // close it in the moment between this read and the parse (a loaded machine makes that moment
                    // long); a head that stays partial is offered again below, as a head still arriving.
                    transport.evictableSince(TransportConnection.NOT_EVICTABLE);
                    headStartedAt = System.nanoTime();
                    // The protocol's, not a copy: a header timeout changed live applies to the next head.
                    headDeadline = headStartedAt + protocol.config().headerTimeout().toNanos();
                }
                RequestHead head = parser.parseHead(input);
                if (head != null) {
                    // From here a request is in progress: never closed to make room for another client.
                    transport.evictableSince(TransportConnection.NOT_EVICTABLE);
                    return head;
                }
            }
            boolean waitingForRequest = headDeadline == 0 && !parser.isPartial();
            if (waitingForRequest) {
                // Set before reading the drain flag; drain() sets its flag before reading ours: one of the
                // two always sees the other, so no idle connection outlives a drain.
                waitState.set(requests > 0 ? IDLE : BUSY);
                // A request already here is read and served (with Connection: close) rather than reset by a
                // close with unread bytes.
                if (requests > 0 && protocol.isDraining() && transport.available() == 0
                        && !transport.hasUnreadBytes()) {
                    return null;
                }
                long now = System.nanoTime();
                if (idleSince == 0) {
                    idleSince = now;
                }
                if (!idleTimeout.isZero() && now - idleDeadline() >= 0) {
                    LOG.debug("closing idle connection from {}", transport.remoteAddress());
                    return null;
                }
                offerForEviction(requests > 0 ? TransportConnection.evictableMarkAfterExchange(idleSince)
                        : TransportConnection.evictableMark(idleSince));
                if (hibernatesNow(now)) {
                    return HIBERNATE; // IDLE stays set: a drain closes the hibernating connection
                }
                setReadTimeout(idleReadTimeout(now));
            } else {
                // A head that has begun and stalls is not a keep-alive client between requests, whatever came before.
                offerForEviction(TransportConnection.evictableMark(headStartedAt != 0 ? headStartedAt : System.nanoTime()));
                long left = headDeadline - System.nanoTime();
                if (left <= 0) {
                    throw headerTimeout();
                }
                setReadTimeout(Duration.ofNanos(Math.max(left, 1_000_000)));
            }
            boolean closedByDrain;
            try {
                if (fill() < 0) {
                    return null;
                }
            } catch (SocketTimeoutException timeout) {
                if (!waitingForRequest) {
                    throw headerTimeout();
                }
                // The idle deadline, or the time to hibernate: the checks above tell which.
            } catch (IOException closed) {
                if (waitingForRequest && protocol.isDraining()) {
                    return null;
                }
                throw closed;
            } finally {
                // Leaving the wait and a drain's close are one atomic choice: either the drain closed the socket
                // while it waited (what was read then is not served: the client saw its request go unanswered on
                // a closing keep-alive connection, which RFC 9112 §9.3.1 lets it retry), or the request is
                // served whole and no drain closes it midway.
                closedByDrain = waitState.getAndSet(BUSY) == CLOSED_BY_DRAIN;
            }
            if (closedByDrain) {
                return null;
            }
        }
    }

    /**
     * Lets a listener at its connection limit close this connection, longest waiting first, to admit a new
     * client: it is waiting for a request to begin (idle between requests, or a head still arriving), so closing
     * it loses no request in progress. Not in a burst woken by bytes that has not read them yet: those bytes are
     * most likely a request, and its connection is no longer idle. {@code mark} says since when, and whether
     * after an exchange ({@link TransportConnection#evictableMarkAfterExchange}: protected longer).
     */
    private void offerForEviction(long mark) {
        if (readThisBurst || requests == 0) {
            transport.evictableSince(mark);
        }
    }

    /**
     * Whether a connection waiting for its next request gives up its thread now: when the transport can
     * hibernate, the input buffer is empty, and either it hibernates at once and nothing is there to read,
     * or it has waited {@code hibernateAfter} already (a timed read ran out).
     */
    private boolean hibernatesNow(long now) throws IOException {
        if (!transport.canHibernate() || input.hasRemaining() || !readThisBurst) {
            return false;
        }
        long after = config.hibernateAfter().toNanos();
        if (after == 0) {
            return transport.available() == 0;
        }
        return now - idleSince >= after;
    }

    /** How long the next read waits for a request: up to the idle deadline, or until it is time to hibernate. */
    private Duration idleReadTimeout(long now) {
        long until = idleTimeout.isZero() ? Long.MAX_VALUE : idleDeadline() - now;
        if (transport.canHibernate() && !config.hibernateAfter().isZero()) {
            until = Math.min(until, idleSince + config.hibernateAfter().toNanos() - now);
        }
        return until == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(until, 1_000_000));
    }

    /** When a connection waiting for its next request is closed; {@link Hibernation#NEVER} without idle timeout. */
    private long idleDeadline() {
        Duration timeout = idleTimeout;
        return timeout.isZero() ? Hibernation.NEVER : idleSince + timeout.toNanos();
    }

    private HttpParseException headerTimeout() {
        return new HttpParseException(408, "request head not complete within the header timeout of "
                + protocol.config().headerTimeout().toMillis() + " ms");
    }

    /** Starts the request process and serves its body demands until it ends. */
    private void runExchange(Http1Exchange exchange) {
        exchangeRunning = true;
        requestThreads.newThread(exchange).start();
        while (exchangeRunning) {
            Runnable demand = (Runnable) DEMANDED.getAndSet(this, null);
            if (demand == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    // A stopping listener: the request cannot finish on this connection. Closing it fails
                    // the request's I/O so it ends soon; clearing the flag lets park() block again meanwhile
                    // instead of returning at once in a busy loop.
                    markUnusable();
                    transport.close();
                }
                continue;
            }
            exchange.requestBody().awaitAvailable();
            try {
                demand.run();
            } catch (Throwable failure) {
                LOG.warn("body demand callback failed for {}", exchange, failure);
            }
        }
        DEMANDED.setVolatile(this, (Runnable) null);
    }

    /** From the request side: run {@code onAvailable} on the connection thread once body bytes can be read. */
    void demand(Runnable onAvailable) {
        if (!DEMANDED.compareAndSet(this, (Runnable) null, onAvailable)) {
            throw new IllegalStateException("body demand already pending");
        }
        LockSupport.unpark(thread);
    }

    /** From the request thread, last thing it does. */
    void exchangeEnded() {
        exchangeRunning = false;
        LockSupport.unpark(thread);
    }

    /** The upgraded protocol and a copy of any bytes read past the 101 request, for the caller to run. */
    private Outcome takeover(ConnectionUpgrade upgrade) throws IOException {
        if (upgrade == null) {
            LOG.warn("101 response without an upgrade handler on connection from {}: closing",
                    transport.remoteAddress());
            return null;
        }
        ByteBuffer leftover = ByteBuffer.allocate(input.remaining());
        leftover.put(input).flip();
        setReadTimeout(Duration.ZERO);
        return new Takeover(upgrade, leftover);
    }

    /**
     * Counts, answers and closes on bad input in a request head. DEBUG, not INFO: any client can send bad
     * input at will, and one line each would let it flood the log; the protocol's counters show it instead.
     */
    private void refuse(HttpParseException bad) {
        protocol.badRequests().record(bad.status());
        LOG.debug("bad request from {}: {} {}", transport.remoteAddress(), bad.status(), bad.getMessage());
        respondAndClose(bad.status(), bad.getMessage());
    }

    /** Records bad input found in a request body (the exchange answers it). */
    void countBadRequest(int status) {
        protocol.badRequests().record(status);
    }

    /** Answers bad input the engine found itself (no request process exists), then closes. */
    private void respondAndClose(int status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        writer.lock();
        try {
            writer.statusLine(status, ReasonPhrase.of(status));
            // Always, even where the handler's responses leave Date to someone else (Jetty adds its own):
            // this answer is the engine's alone, and RFC 9110 §6.6.1 wants a Date on it.
            writer.raw(DateHeader.line());
            if (config.serverHeader() != null) {
                writer.header("Server", config.serverHeader());
            }
            writer.header("Content-Type", "text/plain; charset=utf-8");
            writer.header("Content-Length", Integer.toString(body.length));
            writer.header("Connection", "close");
            writer.endOfHead();
            writer.body(ByteBuffer.wrap(body));
            writer.flush();
            lingeringClose();
        } catch (IOException e) {
            writer.discard();
            LOG.debug("could not send {} to {}: {}", status, transport.remoteAddress(), e.toString());
        } finally {
            writer.unlock();
        }
    }

    /**
     * Closes in stages so the response is not lost to a reset: stop sending, then read and drop what the
     * client still sends for a bounded while (RFC 9112 §9.6).
     */
    private void lingeringClose() {
        try {
            transport.shutdownOutput();
            setReadTimeout(LINGER_TIME);
            byte[] sink = inputArray != null ? inputArray : new byte[512];
            long deadline = System.nanoTime() + LINGER_TIME.toNanos();
            int drained = 0;
            while (drained < LINGER_BYTES && System.nanoTime() < deadline) {
                int n = transport.read(sink, 0, sink.length);
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException e) {
            // The client is gone or slow: either way the listener closes the socket now.
        }
    }

    /**
     * Reads more client bytes after what {@link #input} holds, blocking.
     *
     * @return bytes read, or -1 at end of stream
     */
    int fill() throws IOException {
        if (!input.hasRemaining() && !parser.isPartial()) {
            toWaitingInput(); // no head begun and nothing buffered: wait for it in the small array
        } else if (inputArray == waitingArray && readsFlow) {
            toPooledInput(); // a head longer than the small array is arriving: the rest in full-size reads
        }
        int at = prepareFill();
        readThisBurst = true;
        int space = inputArray.length - at;
        int n = transport.read(inputArray, at, space);
        readsFlow = n >= WAITING_READ_SIZE || n == space;
        filled(at, n);
        return n;
    }

    /**
     * Makes room after the unread bytes of {@link #input} and says where a read may put more. Only one
     * thread fills at a time (the request body sees to it while a request runs).
     */
    int prepareFill() {
        if (!input.hasRemaining()) {
            input.clear().limit(0);
        } else if (input.limit() == inputArray.length) {
            if (inputArray == waitingArray) {
                toPooledInput();
            } else if (input.position() == 0) {
                growInput();
            } else {
                input.compact().flip();
            }
        }
        return input.limit();
    }

    /**
     * As {@link #prepareFill}, for a read of request body bytes: when nothing is buffered and the last read (of the
     * head or the body) did not flow ({@link #readsFlow}), the read waits in the small {@link #waitingArray} and the
     * pooled array goes back to the pool meanwhile, as Jetty's connection acquires its buffer only once bytes are
     * there; when the last read flowed, reads go to a pooled array again. Called with the body's lock held, like
     * {@link #prepareFill}.
     */
    int prepareBodyFill() {
        if (!input.hasRemaining()) {
            if (!readsFlow) {
                toWaitingInput();
            } else if (inputArray == waitingArray) {
                toPooledInput();
            }
        }
        return prepareFill();
    }

    /** With nothing buffered: reads go to the small {@link #waitingArray}, and a pooled array held goes back. */
    private void toWaitingInput() {
        if (inputArray != waitingArray) {
            pool.release(inputArray); // a grown array is not the pool's: it is just dropped
            inputArray = waitingArray;
            input = ByteBuffer.wrap(waitingArray, 0, 0);
        }
    }

    /** Moves what the waiting array holds into a pooled array, at the same indices (the parser's may point there). */
    private void toPooledInput() {
        byte[] pooled = pool.acquire();
        System.arraycopy(inputArray, 0, pooled, 0, input.limit());
        ByteBuffer moved = ByteBuffer.wrap(pooled);
        moved.limit(input.limit()).position(input.position());
        inputArray = pooled;
        input = moved;
    }

    /**
     * Reads body bytes into the input array at {@code at} (from {@link #prepareBodyFill}), blocking up to the
     * idle timeout for the first one. It touches nothing but the array past the input's limit, so other
     * threads may look at what {@link #input} holds meanwhile.
     *
     * @return bytes read, or -1 at end of stream
     */
    int readBody(int at) throws IOException {
        setReadTimeout(idleTimeout);
        int space = inputArray.length - at;
        int n = transport.read(inputArray, at, space);
        readsFlow = n >= WAITING_READ_SIZE || n == space;
        return n;
    }

    /** Makes {@code n} bytes read at {@code at} part of {@link #input}. */
    void filled(int at, int n) {
        if (n > 0) {
            input.limit(at + n);
        }
    }

    /**
     * Changes how long reads and writes may make no progress, from now on for this connection (the read
     * waiting right now keeps the timeout it started with).
     */
    void setIdleTimeout(Duration timeout) {
        idleTimeoutSetByHandler = true;
        idleTimeout = timeout;
        writer.setWriteTimeout(timeout);
    }

    /**
     * Between requests, takes an idle timeout the operator changed live since this connection began (unless a
     * handler chose one for it): the wait for the next request and everything after it run with the new value.
     */
    private void followLiveIdleTimeout() {
        if (idleTimeoutSetByHandler) {
            return;
        }
        Duration live = protocol.config().idleTimeout();
        if (!live.equals(idleTimeout)) {
            idleTimeout = live;
            writer.setWriteTimeout(live);
        }
    }

    Duration idleTimeout() {
        return idleTimeout;
    }

    private void growInput() {
        byte[] larger = new byte[inputArray.length * 2];
        System.arraycopy(inputArray, 0, larger, 0, input.limit());
        pool.release(inputArray);
        inputArray = larger;
        input = ByteBuffer.wrap(larger, 0, input.limit());
    }

    ByteBuffer input() {
        return input;
    }

    private void setReadTimeout(Duration timeout) throws IOException {
        if (!timeout.equals(readTimeout)) {
            transport.setReadTimeout(timeout);
            readTimeout = timeout;
        }
    }

    boolean holdsInputBuffer() {
        return inputArray != null;
    }

    /**
     * From a draining protocol: ends this connection if it is between requests — unless its next request has
     * arrived and waits unread in the kernel (its reader is about to wake for it): closing a socket with unread
     * bytes resets it, and the client loses that request to "Connection reset". Such a request is served instead,
     * with {@code Connection: close}, and the connection ends after it.
     */
    void closeIfIdle() {
        if (transport.hasUnreadBytes()) {
            return;
        }
        if (waitState.compareAndSet(IDLE, CLOSED_BY_DRAIN)) {
            transport.close();
        }
    }

    boolean isDraining() {
        return protocol.isDraining();
    }

    GoingAway goingAway() {
        return protocol.goingAway();
    }

    void markUnusable() {
        unusable = true;
    }

    boolean isUnusable() {
        return unusable;
    }

    boolean isLastAllowedRequest(int requestNumber) {
        int max = config.maxRequestsPerConnection();
        return max > 0 && requestNumber >= max;
    }

    Http1Config config() {
        return config;
    }

    /** Whether the listener is near its connection limit, as the protocol was told. */
    io.corral.connector.listener.Admission admission() {
        return protocol.admission();
    }

    TransportConnection transport() {
        return transport;
    }

    long id() {
        return id;
    }
}
