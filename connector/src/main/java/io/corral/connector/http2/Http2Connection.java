package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.COMPRESSION_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.ENHANCE_YOUR_CALM;
import static io.corral.connector.http2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.PROTOCOL_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.STREAM_CLOSED;
import static io.corral.connector.http2.Http2Exception.connectionError;
import static io.corral.connector.http2.Http2Exception.streamError;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HeaderListTooLargeException;
import io.corral.connector.http2.hpack.HpackDecoder;
import io.corral.connector.http2.hpack.HpackException;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection (RFC 9113) on its own virtual thread, which reads and demultiplexes: it checks the
 * client's preface, exchanges SETTINGS, and turns frames into stream events — a request head starts a new
 * {@link Http2Stream} on a new virtual thread, DATA feeds its body, WINDOW_UPDATE opens send windows — while the
 * streams' threads write their responses through the shared {@link Http2Output}. Connection errors end in GOAWAY
 * with the last stream id; stream errors reset one stream.
 *
 * <p>Limits against the known attacks: concurrent streams (REFUSED_STREAM past SETTINGS_MAX_CONCURRENT_STREAMS),
 * rapid reset (client resets and refused streams counted per window; past the limit GOAWAY ENHANCE_YOUR_CALM),
 * floods of cheap frames — SETTINGS, PING, PRIORITY, empty DATA, frames on closed streams, unknown types — (counted
 * the same way against one limit), CONTINUATION floods ({@link FieldBlockAssembler}), HPACK bombs
 * ({@link HpackDecoder}'s list limit: a 431 on that stream), and zero-window stalls ({@link FlowControl}).
 */
final class Http2Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Http2Connection.class);

    /** RFC 9113 §3.4: the client connection preface starts with these 24 octets. */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Floods logged for the whole process, at a bounded rate. */
    private static final FloodWarnings FLOODS = new FloodWarnings();
    /**
     * How long a graceful shutdown waits for the client to answer the PING sent with the first GOAWAY before it
     * sends the final one (RFC 9113 §6.8: "at least one round-trip time"): streams the client opened meanwhile are
     * still taken. A client that never answers delays the final GOAWAY by this much and no more.
     */
    static final Duration GRACEFUL_GOAWAY_WAIT = Duration.ofSeconds(1);
    /** 2^31-1: the first GOAWAY of a graceful shutdown names it, so that no stream in flight is refused yet. */
    static final int LARGEST_STREAM_ID = Integer.MAX_VALUE;
    /** The opaque data of the PING that follows the first GOAWAY of a graceful shutdown ("corral!!"). */
    static final long DRAIN_PING = 0x636f7272616c2121L;
    /** How often a reader with streams open looks whether the last one ended, when hibernateAfter is shorter. */
    private static final Duration HIBERNATION_CHECK = Duration.ofMillis(50);

    private final TransportConnection transport;
    /** Input buffers of {@code HEADER_LENGTH + maxFrameSize} octets, borrowed for a burst, never held idle. */
    private final ByteArrayPool inputBuffers;
    private final Http2Config config;
    private final HttpHandler handler;
    private final long id;
    /** Where tunnels (WebSocket over extended CONNECT) hear that the engine drains. */
    private final GoingAway goingAway;
    private final Http2FrameParser parser;
    private final FieldBlockAssembler assembler;
    private final HpackDecoder decoder;
    private final Http2Output output;
    private final FlowControl flowControl = new FlowControl();
    private final Map<Integer, Http2Stream> streams = new ConcurrentHashMap<>();
    /**
     * Streams still in {@link #streams} whose last frame is being written after their request ended: closed as far
     * as the client can tell, so not counted against SETTINGS_MAX_CONCURRENT_STREAMS. Decremented once such a
     * stream is forgotten (after its removal: for an instant the count may let one more stream in, never refuse one
     * that the client was right to open).
     */
    private final AtomicInteger endingStreams = new AtomicInteger();
    private final EventRateLimit resets;
    private final RecentResets recentResets;
    private final EventRateLimit controlFrames;
    /** Ids the client jumped over, closed without use: HEADERS on one is a PROTOCOL_ERROR (§5.1.1). */
    private final SkippedStreamIds skippedStreamIds = new SkippedStreamIds();

    /**
     * When the connection last read a byte or saw a stream end ({@link System#nanoTime()}): the idle timeout and
     * {@code hibernateAfter} count from here. Streams' threads write it too.
     */
    private volatile long quietSince = System.nanoTime();
    /** Whether the last burst ended hibernating: the next one is a wake-up. */
    private boolean hibernated;
    /** Whether this burst has read yet (see {@link #readFrames}). */
    private boolean readThisBurst;
    private volatile int lastStreamId;
    /** A graceful shutdown was asked for (it begins once our SETTINGS went out). */
    private volatile boolean draining;
    /** Set once the graceful shutdown began: the first GOAWAY, with the largest stream id, and a PING went out. */
    private final AtomicBoolean shutdownAnnounced = new AtomicBoolean();
    /** The client answered the PING of {@link #shutdownAnnounced}: the final GOAWAY may go out. */
    private final CountDownLatch drainPingAnswered = new CountDownLatch(1);
    /** Guards {@link #lastStreamId} against {@link #refusingNewStreams}: a stream is either taken or refused. */
    private final Object streamIdLock = new Object();
    /** The final GOAWAY went out (or is going): streams above its last stream id are refused. */
    private volatile boolean refusingNewStreams;
    /** Drained and without streams: the connection closes after the config's drained linger at the latest; set once. */
    private final AtomicBoolean lingering = new AtomicBoolean();
    /** The connection's thread while it waits for the last streams after the client's FIN; null otherwise. */
    private volatile Thread awaitingStreams;
    /** Whether our SETTINGS went out: nothing else, GOAWAY included, may come before it (§3.4). */
    private volatile boolean settingsSent;
    private long receiveWindow = Http2Config.DEFAULT_WINDOW;
    private boolean settingsAcknowledged;
    private long settingsDeadline;
    private boolean prefaceSettingsSeen;
    /** The HEADERS frame whose field block CONTINUATION frames are completing. */
    private Http2Frame.Headers openHeaders;

    Http2Connection(TransportConnection transport, Http2Config config, HttpHandler handler, long id,
            ByteArrayPool inputBuffers, GoingAway goingAway) {
        this.transport = transport;
        this.inputBuffers = inputBuffers;
        this.goingAway = goingAway;
        this.config = config;
        this.handler = handler;
        this.id = id;
        this.parser = Http2FrameParser.forServer(config.maxFrameSize());
        this.assembler = new FieldBlockAssembler(config.maxFieldBlockSize(), config.maxContinuations());
        this.decoder = new HpackDecoder(config.headerTableSize(), config.maxHeaderListSize(),
                config.maxHeaderListSize());
        this.output = new Http2Output(transport, config.streamStallTimeout());
        this.resets = new EventRateLimit(config.maxResetsPerWindow(), config.floodWindow());
        this.recentResets = new RecentResets(2 * config.maxConcurrentStreams() + 16);
        this.controlFrames = new EventRateLimit(config.maxControlFramesPerWindow(), config.floodWindow());
    }

    /**
     * Serves the connection from its preface until it ends (null: the caller closes the transport) or has nothing
     * to do and hibernates: then the returned {@link Hibernation} carries it on, on a new thread, once bytes
     * arrive or its idle deadline passes.
     */
    Hibernation serve() throws IOException {
        return serve(null, List.of(), EMPTY);
    }

    /**
     * Serves a connection upgraded from HTTP/1.1 with {@code Upgrade: h2c} (RFC 7540 §3.2) once the 101 went out:
     * the request that asked becomes stream 1, half-closed, and the client's {@code HTTP2-Settings} apply as a
     * SETTINGS frame the 101 acknowledged; then the client's preface is read as usual. Returns as {@link #serve()}.
     */
    Hibernation serveUpgraded(RequestHead request, List<Http2Frame.Setting> settings, ByteBuffer leftover)
            throws IOException {
        return serve(request, settings, leftover);
    }

    private Hibernation serve(RequestHead upgraded, List<Http2Frame.Setting> upgradeSettings, ByteBuffer leftover)
            throws IOException {
        return burst(leftover, in -> {
            if (upgraded == null && !readPreface(in)) {
                return false;
            }
            output.write(new Http2Frame.Settings(false, ourSettings()));
            settingsSent = true;
            settingsDeadline = System.nanoTime() + config.settingsTimeout().toNanos();
            if (draining) {
                drain();
            }
            if (upgraded != null) {
                applySettings(upgradeSettings);
                lastStreamId = 1;
                startStream(1, upgraded, true);
                if (!readPreface(in)) {
                    return false;
                }
            }
            return readFrames(in);
        });
    }

    /** What one burst of the connection's life does with its input buffer: true to hibernate, false when done. */
    @FunctionalInterface
    private interface Burst {
        boolean serve(ByteBuffer in) throws IOException;
    }

    /**
     * One burst on the current thread, with an input buffer borrowed for it alone: connection errors end in GOAWAY,
     * and the connection is shut down unless it hibernates. What lives on between bursts (HPACK tables, windows,
     * settings, streams' ids, flood counts) is in this object's fields; the buffer, the thread and its stack do not.
     */
    private Hibernation burst(ByteBuffer leftover, Burst body) throws IOException {
        output.awake();
        byte[] array = leftover.remaining() == 0 && inputBuffers.arraySize() == Http2Frame.HEADER_LENGTH
                + config.maxFrameSize() ? inputBuffers.acquire()
                : new byte[Http2Frame.HEADER_LENGTH + config.maxFrameSize() + leftover.remaining()];
        ByteBuffer in = ByteBuffer.wrap(array);
        in.put(leftover).flip();
        boolean hibernates = false;
        try {
            hibernates = body.serve(in);
        } catch (Http2Exception e) {
            LOG.debug("{}: connection error {}: {}", this, e.errorCode(), e.getMessage());
            if (e.errorCode() == ENHANCE_YOUR_CALM) {
                FLOODS.ended(this, transport.remoteAddress(), e.getMessage());
            }
            output.goAway(lastStreamId, e.errorCode(), e.getMessage());
        } catch (IOException e) {
            if (!draining) {
                throw e;
            }
            // Once a drained connection was closed (drainedLinger), reads and writes fail: expected.
        } finally {
            inputBuffers.release(array);
            if (hibernates) {
                output.hibernating();
                handler.connectionHibernating(); // no stream runs: what the handler keeps per connection may go
            } else {
                shutDown();
            }
        }
        if (!hibernates) {
            return null;
        }
        hibernated = true;
        Duration idleTimeout = config.idleTimeout();
        long wakeAt = idleTimeout.isZero() ? Hibernation.NEVER : quietSince + idleTimeout.toNanos();
        return new Hibernation(wakeAt, () -> burst(EMPTY, this::readFrames));
    }

    private List<Http2Frame.Setting> ourSettings() {
        List<Http2Frame.Setting> settings = new ArrayList<>(List.of(
                new Http2Frame.Setting(Http2Frame.Settings.MAX_CONCURRENT_STREAMS, config.maxConcurrentStreams()),
                new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, config.initialWindowSize()),
                new Http2Frame.Setting(Http2Frame.Settings.MAX_FRAME_SIZE, config.maxFrameSize()),
                new Http2Frame.Setting(Http2Frame.Settings.MAX_HEADER_LIST_SIZE, config.maxHeaderListSize()),
                new Http2Frame.Setting(Http2Frame.Settings.HEADER_TABLE_SIZE, config.headerTableSize()),
                new Http2Frame.Setting(Http2Frame.Settings.ENABLE_PUSH, 0)));
        if (config.connectProtocol()) {
            // RFC 8441 §3: only a server that sent this may receive extended CONNECT; never sent as 0, so that
            // turning it off leaves the setting out.
            settings.add(new Http2Frame.Setting(Http2Frame.Settings.ENABLE_CONNECT_PROTOCOL, 1));
        }
        return settings;
    }

    /** §3.4: anything but the preface is a connection error of type PROTOCOL_ERROR. */
    private boolean readPreface(ByteBuffer in) throws IOException {
        transport.setReadTimeout(config.idleTimeout());
        while (true) {
            int n = Math.min(in.remaining(), PREFACE.length);
            if (!Arrays.equals(in.array(), in.position(), in.position() + n, PREFACE, 0, n)) {
                throw connectionError(PROTOCOL_ERROR, "invalid connection preface");
            }
            if (n == PREFACE.length) {
                break;
            }
            if (!fill(in)) {
                return false;
            }
        }
        in.position(in.position() + PREFACE.length);
        return true;
    }

    /** Reads and handles frames until the connection ends (false) or may hibernate (true). */
    private boolean readFrames(ByteBuffer in) throws IOException {
        // A woken connection reads before it may hibernate again: the end of stream that may have woken it looks
        // like "nothing available" until a read meets it.
        readThisBurst = !hibernated;
        hibernated = false;
        while (true) {
            Http2Frame frame;
            try {
                frame = parser.parse(in);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                reset(e.streamId(), e.errorCode());
                continue;
            }
            if (frame == null) {
                Fill fill = fillOrTimeOut(in);
                if (fill == Fill.ENDED) {
                    answerStreamsAfterClientEnd();
                }
                if (fill != Fill.READ) {
                    return fill == Fill.HIBERNATE;
                }
                continue;
            }
            try {
                onFrame(frame);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                reset(e.streamId(), e.errorCode());
            }
        }
    }

    /**
     * The client ended its side with a FIN — a half-close, as an HTTP/1.1 client may make after its last request —
     * or went away: the streams whose request arrived whole still get their response, as they would over HTTP/1.1,
     * and those whose request was cut are reset (their handler's read fails). No WINDOW_UPDATE can come any more,
     * so a response that needs more window than it has fails at once instead of stalling. Returns once no stream
     * is left, or after the idle timeout (the stall timeout if there is none): a hung handler does not keep the
     * socket open for ever.
     */
    private void answerStreamsAfterClientEnd() {
        if (streams.isEmpty()) {
            return;
        }
        flowControl.peerEnded();
        for (Http2Stream stream : streams.values()) {
            if (!stream.isRemoteEnded()) {
                reset(stream, Http2ErrorCode.CANCEL);
            }
        }
        Duration limit = config.idleTimeout().isZero() ? config.streamStallTimeout() : config.idleTimeout();
        long deadline = System.nanoTime() + limit.toNanos();
        awaitingStreams = Thread.currentThread();
        try {
            while (!streams.isEmpty() && deadline - System.nanoTime() > 0) {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        } finally {
            awaitingStreams = null;
        }
    }

    /** What waiting for more input came to. */
    private enum Fill { READ, ENDED, HIBERNATE }

    /**
     * Reads more: {@link Fill#ENDED} at the end of the stream or at the idle timeout with no stream in flight
     * (after a GOAWAY), {@link Fill#HIBERNATE} when the connection is idle and may wait without a thread.
     */
    private Fill fillOrTimeOut(ByteBuffer in) throws IOException {
        while (true) {
            long now = System.nanoTime();
            if (!settingsAcknowledged && now - settingsDeadline >= 0) {
                throw connectionError(Http2ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged");
            }
            boolean idle = isIdle(in);
            long idleTimeout = config.idleTimeout().toNanos();
            if (idleTimeout != 0 && now - (quietSince + idleTimeout) >= 0) {
                // Not isIdle(): a frame left half-sent is no reason to stay.
                if (settingsAcknowledged && streams.isEmpty() && transport.available() == 0) {
                    output.goAway(lastStreamId, Http2ErrorCode.NO_ERROR, "idle");
                    return Fill.ENDED;
                }
                quietSince = now; // streams in flight: a whole idle timeout more, as for any silence
            }
            if (idle && hibernatesNow(now)) {
                return Fill.HIBERNATE;
            }
            transport.setReadTimeout(readTimeout(now, idle));
            try {
                boolean filled = fill(in);
                readThisBurst = true;
                if (!filled) {
                    return Fill.ENDED;
                }
                quietSince = System.nanoTime();
                return Fill.READ;
            } catch (SocketTimeoutException e) {
                readThisBurst = true; // the checks above tell which deadline it was
            }
        }
    }

    /**
     * Idle in the sense of hibernation: no stream open, nothing half-read (a partial frame, a field block waiting
     * for CONTINUATION), our SETTINGS acknowledged and no frame being written.
     */
    private boolean isIdle(ByteBuffer in) {
        return settingsAcknowledged && streams.isEmpty() && !in.hasRemaining() && openHeaders == null
                && !output.isBusy();
    }

    /** An idle connection gives up its thread now when {@code hibernateAfter} has passed (0: at once, if quiet). */
    private boolean hibernatesNow(long now) throws IOException {
        if (!readThisBurst || !transport.canHibernate() || !config.hibernatesBeforeIdleTimeout()) {
            return false;
        }
        long after = config.hibernateAfter().toNanos();
        return after == 0 ? transport.available() == 0 : now - quietSince >= after;
    }

    /**
     * How long the next read may wait: until the idle deadline, the SETTINGS deadline, or the time to hibernate.
     * With streams open, the reader cannot see the last one end while it waits in a read, so it looks again every
     * {@code hibernateAfter} (at least every {@link #HIBERNATION_CHECK}).
     */
    private Duration readTimeout(long now, boolean idle) {
        long idleTimeout = config.idleTimeout().toNanos();
        long until = idleTimeout == 0 ? Long.MAX_VALUE : quietSince + idleTimeout - now;
        if (!settingsAcknowledged) {
            until = Math.min(until, settingsDeadline - now);
        }
        if (transport.canHibernate() && config.hibernatesBeforeIdleTimeout()) {
            long after = config.hibernateAfter().toNanos();
            until = Math.min(until, idle && readThisBurst ? quietSince + after - now
                    : Math.max(after, HIBERNATION_CHECK.toNanos()));
        }
        return until == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(1_000_000, until));
    }

    private boolean fill(ByteBuffer in) throws IOException {
        in.compact();
        try {
            int n = transport.read(in.array(), in.position(), in.remaining());
            if (n < 0) {
                return false;
            }
            in.position(in.position() + n);
            return true;
        } finally {
            in.flip();
        }
    }

    private void onFrame(Http2Frame frame) throws IOException {
        if (!prefaceSettingsSeen) {
            // §3.4: the preface "MUST be followed by a SETTINGS frame".
            if (!(frame instanceof Http2Frame.Settings settings) || settings.ack()) {
                throw connectionError(PROTOCOL_ERROR, "preface not followed by SETTINGS");
            }
            prefaceSettingsSeen = true;
        }
        switch (frame) {
            case Http2Frame.Settings settings -> onSettings(settings);
            case Http2Frame.Ping ping -> {
                if (!ping.ack()) {
                    countCheapFrame("PING");
                    output.write(new Http2Frame.Ping(true, ping.opaqueData()));
                } else if (ping.opaqueData() == DRAIN_PING) {
                    drainPingAnswered.countDown();
                }
            }
            case Http2Frame.Headers headers -> {
                if (headers.fragment().length == 0 && !headers.endHeaders()) {
                    countCheapFrame("empty HEADERS");
                }
                byte[] block = assembler.start(headers.fragment(), headers.endHeaders());
                if (block == null) {
                    openHeaders = headers;
                } else {
                    onFieldBlock(headers, block);
                }
            }
            case Http2Frame.Continuation continuation -> {
                if (continuation.fragment().length == 0 && !continuation.endHeaders()) {
                    countCheapFrame("empty CONTINUATION");
                }
                byte[] block = assembler.continueWith(continuation.fragment(), continuation.endHeaders());
                if (block != null) {
                    Http2Frame.Headers headers = openHeaders;
                    openHeaders = null;
                    onFieldBlock(headers, block);
                }
            }
            case Http2Frame.Data data -> onData(data);
            case Http2Frame.RstStream reset -> onReset(reset);
            case Http2Frame.WindowUpdate update -> onWindowUpdate(update);
            case Http2Frame.PriorityFrame ignored -> {
                // RFC 9113 §5.3.2: priority signals may be ignored; the parser checked the frame itself. Counted:
                // cheap to send, not free to parse (CVE-2019-9513).
                countCheapFrame("PRIORITY");
            }
            case Http2Frame.GoAway goAway -> {
                LOG.debug("{}: client GOAWAY {} last stream {}", this, Http2ErrorCode.nameOf(goAway.errorCode()),
                        goAway.lastStreamId());
                // §6.8: the client opens no more streams, so the connection has nothing left once the streams it
                // has finish: our final GOAWAY at once (no stream can be in flight towards us), and our side ends
                // then, not at the idle timeout.
                draining = true;
                if (settingsSent && shutdownAnnounced.compareAndSet(false, true)) {
                    finalGoAway();
                }
            }
            case Http2Frame.PushPromise ignored -> throw connectionError(PROTOCOL_ERROR, "PUSH_PROMISE");
            case Http2Frame.Unknown ignored -> {
                // §5.5: unknown frame types are ignored — and counted, as they cost a read for nothing.
                countCheapFrame("unknown");
            }
        }
    }

    /**
     * Counts a frame that costs the server work (an answer, a parse, a lookup) and carries no request: SETTINGS,
     * PING, PRIORITY, DATA that is empty without ending its stream, DATA or WINDOW_UPDATE on a closed stream, an
     * empty HEADERS or CONTINUATION fragment that does not end its block, an unknown frame type (the CVE-2019-9512,
     * -9513, -9515, -9516 and -9518 family). Past {@link Http2Config#maxControlFramesPerWindow()} in a window:
     * GOAWAY ENHANCE_YOUR_CALM, as Jetty's rate control does for the same frames.
     */
    private void countCheapFrame(String kind) throws Http2Exception {
        if (!controlFrames.allow(System.nanoTime())) {
            throw connectionError(ENHANCE_YOUR_CALM, "too many frames carrying no request (last: " + kind + ")");
        }
    }

    private void countReset() throws Http2Exception {
        if (!resets.allow(System.nanoTime())) {
            throw connectionError(ENHANCE_YOUR_CALM, "too many stream resets");
        }
    }

    private void onSettings(Http2Frame.Settings settings) throws IOException {
        if (settings.ack()) {
            settingsAcknowledged = true;
            return;
        }
        countCheapFrame("SETTINGS");
        applySettings(settings.settings());
        output.write(Http2Frame.Settings.ACK);
    }

    private void applySettings(List<Http2Frame.Setting> settings) throws Http2Exception {
        for (Http2Frame.Setting setting : settings) {
            switch (setting.id()) {
                case Http2Frame.Settings.HEADER_TABLE_SIZE ->
                        output.setPeerTableSize((int) Math.min(setting.value(), Integer.MAX_VALUE));
                case Http2Frame.Settings.INITIAL_WINDOW_SIZE -> flowControl.setInitialStreamWindow(setting.value());
                case Http2Frame.Settings.MAX_FRAME_SIZE -> output.setPeerMaxFrameSize((int) setting.value());
                default -> {
                    // ENABLE_PUSH: Corral never pushes. MAX_CONCURRENT_STREAMS: only limits pushes. The rest is
                    // advisory or unknown.
                }
            }
        }
    }

    private void onFieldBlock(Http2Frame.Headers headers, byte[] block) throws IOException {
        int streamId = headers.streamId();
        List<HeaderField> fields;
        boolean tooLarge = false;
        try {
            fields = decoder.decode(ByteBuffer.wrap(block));
        } catch (HpackException e) {
            throw connectionError(COMPRESSION_ERROR, e.getMessage());
        } catch (HeaderListTooLargeException e) {
            fields = List.of();
            tooLarge = true;
        }
        Http2Stream existing = streams.get(streamId);
        if (existing != null) {
            onTrailers(existing, headers, fields, tooLarge);
            return;
        }
        // §5.1.1: a client opens streams with odd, increasing identifiers.
        if ((streamId & 1) == 0) {
            throw connectionError(PROTOCOL_ERROR, "even stream id from a client");
        }
        int previous = lastStreamId;
        if (streamId <= previous) {
            if (recentResets.contains(streamId)) {
                return; // trailers the client sent before it saw our reset
            }
            if (skippedStreamIds.contains(streamId)) {
                // §5.1.1: never opened, yet lower than one the client opened: "an unexpected stream identifier".
                throw connectionError(PROTOCOL_ERROR, "HEADERS opening stream " + streamId + " below " + previous);
            }
            throw connectionError(STREAM_CLOSED, "HEADERS on a closed stream");
        }
        skippedStreamIds.opened(previous, streamId);
        boolean refused;
        synchronized (streamIdLock) {
            refused = refusingNewStreams;
            lastStreamId = streamId;
        }
        if (refused) {
            // §6.8: streams above the final GOAWAY's last stream id are not processed; REFUSED_STREAM tells the
            // client it may retry them elsewhere. Those opened between the first GOAWAY and the final one are.
            reset(streamId, Http2ErrorCode.REFUSED_STREAM);
            return;
        }
        if (headers.priority() != null && headers.priority().dependency() == streamId) {
            throw streamError(streamId, PROTOCOL_ERROR, "stream depends on itself");
        }
        // Ending streams do not count, up to as many again: a client that stops reading cannot pile up streams whose
        // last frame waits for the socket, each holding a thread.
        int open = streams.size();
        if (open - endingStreams.get() >= config.maxConcurrentStreams() || open >= 2 * config.maxConcurrentStreams()) {
            countReset();
            reset(streamId, Http2ErrorCode.REFUSED_STREAM);
            return;
        }
        if (tooLarge) {
            // RFC 9113 §10.5.1: "A server that receives a larger field block than it is willing to handle can
            // send an HTTP 431 (Request Header Fields Too Large) status code".
            output.writeFieldBlock(streamId, List.of(new HeaderField(":status", "431")), true);
            if (!headers.endStream()) {
                reset(streamId, Http2ErrorCode.NO_ERROR);
            }
            return;
        }
        if ("CONNECT".equals(Http2RequestHead.method(fields)) && !Http2RequestHead.hasProtocol(fields)) {
            // Corral is no proxy: a plain CONNECT (RFC 9113 §8.5) is not implemented. An extended CONNECT
            // (RFC 8441, with :protocol) is a request like any other, checked below.
            output.writeFieldBlock(streamId, List.of(new HeaderField(":status", "501")), true);
            if (!headers.endStream()) {
                reset(streamId, Http2ErrorCode.NO_ERROR);
            }
            return;
        }
        startStream(streamId, Http2RequestHead.of(streamId, fields, headers.endStream(), config.connectProtocol()),
                headers.endStream());
    }

    private void startStream(int streamId, RequestHead head, boolean endStream) {
        Http2Stream stream = new Http2Stream(streamId, this, handler, head, endStream, flowControl.open(),
                config.initialWindowSize(), config.idleTimeout());
        streams.put(streamId, stream);
        Thread.ofVirtual().name("corral#" + id + " h2 stream " + streamId).start(stream);
    }

    private void onTrailers(Http2Stream stream, Http2Frame.Headers headers, List<HeaderField> fields, boolean tooLarge)
            throws Http2Exception {
        if (stream.isRemoteEnded()) {
            throw streamError(stream.id(), STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        // §8.1: trailers end the stream; pseudo-header fields in trailers make the message malformed.
        if (!headers.endStream() || tooLarge) {
            throw streamError(stream.id(), PROTOCOL_ERROR, "trailers without END_STREAM or too large");
        }
        HttpHeaders trailers = Http2RequestHead.trailers(stream.id(), fields);
        checkContentLength(stream);
        stream.requestBody().onTrailers(trailers);
        stream.remoteEnded();
    }

    private void onData(Http2Frame.Data data) throws IOException {
        int length = data.flowControlledLength();
        // §6.9.1: the connection window counts every DATA frame, even one for a stream that is gone.
        receiveWindow -= length;
        if (receiveWindow < 0) {
            throw connectionError(FLOW_CONTROL_ERROR, "connection receive window exceeded");
        }
        if (receiveWindow < Http2Config.DEFAULT_WINDOW / 2) {
            // Each stream's window bounds what it buffers, so the connection's is reopened at once: one stream
            // whose handler does not read must not stop the others.
            output.write(new Http2Frame.WindowUpdate(0, (int) (Http2Config.DEFAULT_WINDOW - receiveWindow)));
            receiveWindow = Http2Config.DEFAULT_WINDOW;
        }
        if (data.data().length == 0 && !data.endStream()) {
            countCheapFrame("empty DATA"); // CVE-2019-9518: nothing to read, a wake-up for the stream's reader
        }
        Http2Stream stream = streams.get(data.streamId());
        if (stream == null) {
            if (data.streamId() > lastStreamId) {
                throw connectionError(PROTOCOL_ERROR, "DATA on an idle stream");
            }
            countCheapFrame("DATA on a closed stream");
            if (recentResets.contains(data.streamId())) {
                return; // sent before the client saw our reset; the connection window was reopened above
            }
            throw streamError(data.streamId(), STREAM_CLOSED, "DATA on a closed stream");
        }
        if (stream.isRemoteEnded()) {
            throw streamError(data.streamId(), STREAM_CLOSED, "DATA after END_STREAM");
        }
        if (!stream.takeReceiveWindow(length)) {
            throw streamError(data.streamId(), FLOW_CONTROL_ERROR, "stream receive window exceeded");
        }
        stream.received += data.data().length;
        if (length > data.data().length) {
            stream.consumed(length - data.data().length); // padding: nothing to read, credit it back now
        }
        if (data.endStream()) {
            checkContentLength(stream);
        }
        stream.requestBody().onData(data.data(), data.endStream());
        if (data.endStream()) {
            stream.remoteEnded();
        }
    }

    /** §8.1.1: a content-length that does not match the DATA received makes the request malformed. */
    private static void checkContentLength(Http2Stream stream) throws Http2Exception {
        if (stream.request().framing() instanceof io.corral.connector.stream.BodyFraming.Length declared
                && declared.length() != stream.received) {
            throw streamError(stream.id(), PROTOCOL_ERROR, "content-length does not match the body");
        }
    }

    private void onReset(Http2Frame.RstStream reset) throws Http2Exception {
        if (reset.streamId() > lastStreamId) {
            throw connectionError(PROTOCOL_ERROR, "RST_STREAM on an idle stream");
        }
        countReset();
        Http2Stream stream = streams.get(reset.streamId());
        if (stream != null && forget(stream)) {
            stream.markReset();
            closeIfDrained();
        }
    }

    private void onWindowUpdate(Http2Frame.WindowUpdate update) throws Http2Exception {
        if (update.streamId() == 0) {
            flowControl.connectionUpdate(update.increment());
            return;
        }
        Http2Stream stream = streams.get(update.streamId());
        if (stream != null) {
            flowControl.streamUpdate(update.streamId(), stream.sendWindow(), update.increment());
        } else if (update.streamId() > lastStreamId) {
            throw connectionError(PROTOCOL_ERROR, "WINDOW_UPDATE on an idle stream");
        } else {
            // §5.1: allowed (it may have crossed our END_STREAM) but useless, so counted.
            countCheapFrame("WINDOW_UPDATE on a closed stream");
        }
    }

    /** Resets a stream (ours to reset: a stream error, a stall, a handler's abort); once per stream. */
    void reset(Http2Stream stream, Http2ErrorCode code) {
        if (stream.markReset()) {
            recentResets.add(stream.id());
            forget(stream);
            try {
                output.write(new Http2Frame.RstStream(stream.id(), code.code()));
            } catch (IOException e) {
                LOG.debug("{}: could not reset stream {}", this, stream.id(), e);
            }
            closeIfDrained();
        }
    }

    private void reset(int streamId, Http2ErrorCode code) throws IOException {
        Http2Stream stream = streams.get(streamId);
        if (stream != null) {
            reset(stream, code);
        } else {
            recentResets.add(streamId);
            output.write(new Http2Frame.RstStream(streamId, code.code()));
        }
    }

    /** Both sides of the stream ended. */
    void closed(Http2Stream stream) {
        quietSince = System.nanoTime(); // before the removal: an idle reader must not see an older silence
        forget(stream);
        flowControl.close(stream.sendWindow());
        closeIfDrained();
    }

    /** The stream's last frame is about to be written (see {@link Http2Stream#endingLocally()}). */
    void streamEnding(Http2Stream stream) {
        if (stream.endingLocally()) {
            endingStreams.incrementAndGet();
        }
    }

    /** Removes the stream from the open ones; true for the one call that did. */
    private boolean forget(Http2Stream stream) {
        if (!streams.remove(stream.id(), stream)) {
            return false;
        }
        if (stream.isEnding()) {
            endingStreams.decrementAndGet();
        }
        return true;
    }

    /**
     * Graceful shutdown in two steps (RFC 9113 §6.8): a GOAWAY with the largest stream id and a PING first, so
     * that streams the client opened before it saw the GOAWAY are still taken; once the PING is answered (or after
     * {@link #GRACEFUL_GOAWAY_WAIT}) the final GOAWAY names the last stream taken, streams above it are refused, those
     * below finish, and the connection closes when none is left. Safe from any thread, more than once; does not
     * block: the wait for the PING runs on a virtual thread of its own.
     */
    void drain() {
        draining = true;
        // serve() drains right after sending SETTINGS: it sets settingsSent, then reads draining.
        if (settingsSent && shutdownAnnounced.compareAndSet(false, true)) {
            Thread.ofVirtual().name("corral#" + id + " h2 drain").start(this::shutDownGracefully);
        }
    }

    private void shutDownGracefully() {
        try {
            output.write(new Http2Frame.GoAway(LARGEST_STREAM_ID, Http2ErrorCode.NO_ERROR.code(),
                    "shutting down".getBytes(StandardCharsets.US_ASCII)));
            output.write(new Http2Frame.Ping(false, DRAIN_PING));
            drainPingAnswered.await(GRACEFUL_GOAWAY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            LOG.debug("{}: first GOAWAY failed", this, e); // the final one fails the same way, and ends the rest
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finalGoAway();
    }

    /** The GOAWAY naming the last stream taken: from now on, streams above it are refused. */
    private void finalGoAway() {
        int last;
        synchronized (streamIdLock) {
            refusingNewStreams = true;
            last = lastStreamId;
        }
        output.goAway(last, Http2ErrorCode.NO_ERROR, "shutting down");
        closeIfDrained();
    }

    /**
     * Once drained, lets the client close first: the connection goes on reading (and answering PINGs, refusing new
     * streams) until the client's FIN, and closes after {@link Http2Config#drainedLinger()} at the latest, whether its
     * reader is awake or hibernating. Not a FIN of ours at once: the last response's frames may have reached the
     * client but not yet its application, and a client may drop what it has not handed on when the connection ends
     * under it — Jetty's HTTP2Client does, and then completes the response as successful with an empty body.
     */
    private void closeIfDrained() {
        Thread waiting = awaitingStreams;
        if (waiting != null && streams.isEmpty()) {
            LockSupport.unpark(waiting);
        }
        if (refusingNewStreams && streams.isEmpty() && lingering.compareAndSet(false, true)) {
            Thread.ofVirtual().name("corral#" + id + " h2 drained").start(() -> {
                try {
                    Thread.sleep(config.drainedLinger());
                    output.flush(); // the close after the last frames queued, not before them
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException e) {
                    // the connection failed: nothing more can go out
                }
                transport.close();
            });
        }
    }

    /**
     * The stream's handler read {@code credit} octets: let the client send as many more. The window opens before
     * the WINDOW_UPDATE goes out: the client may answer it with DATA at once, which this connection's thread checks
     * against the window while the stream's thread may not have run another instruction yet.
     */
    void openReceiveWindow(Http2Stream stream, int credit) {
        stream.receiveWindowOpened(credit);
        try {
            output.write(new Http2Frame.WindowUpdate(stream.id(), credit));
        } catch (IOException e) {
            LOG.debug("{}: WINDOW_UPDATE failed", this, e);
        }
    }

    private void shutDown() {
        drainPingAnswered.countDown(); // a graceful shutdown under way has nothing left to wait for
        flowControl.closeAll();
        for (Http2Stream stream : streams.values()) {
            stream.markReset();
        }
        streams.clear();
        output.close();
    }

    Http2Output output() {
        return output;
    }

    FlowControl flowControl() {
        return flowControl;
    }

    Http2Config config() {
        return config;
    }

    int peerMaxFrameSize() {
        return output.peerMaxFrameSize();
    }

    TransportConnection transport() {
        return transport;
    }

    long id() {
        return id;
    }

    GoingAway goingAway() {
        return goingAway;
    }

    @Override
    public String toString() {
        return "h2 connection #" + id;
    }
}
