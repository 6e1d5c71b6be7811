package io.corral.connector.http2;

import java.time.Duration;

/**
 * The limits and timeouts of Corral's HTTP/2 (RFC 9113), each finite and documented, the first four sent to the
 * client in SETTINGS.
 *
 * @param maxConcurrentStreams   SETTINGS_MAX_CONCURRENT_STREAMS: streams past it are refused with REFUSED_STREAM
 * @param initialWindowSize      SETTINGS_INITIAL_WINDOW_SIZE: what each stream may send before its handler reads;
 *                               so also the most request body buffered per stream
 * @param maxFrameSize           SETTINGS_MAX_FRAME_SIZE: larger frames are a FRAME_SIZE_ERROR
 * @param maxHeaderListSize      SETTINGS_MAX_HEADER_LIST_SIZE: a larger decoded request head gets a 431
 * @param headerTableSize        SETTINGS_HEADER_TABLE_SIZE for the client's HPACK encoder
 * @param maxContinuations       the most CONTINUATION frames one field block may take (CONTINUATION flood)
 * @param idleTimeout            how long a connection with no stream may stay silent before GOAWAY and close
 * @param settingsTimeout        how long the client may take to acknowledge our SETTINGS (SETTINGS_TIMEOUT)
 * @param streamStallTimeout     how long a response may wait for flow-control window (a zero-window stall)
 *                               before its stream is reset with CANCEL; also how long a blocked socket write
 *                               may make no progress before the connection is closed
 * @param maxResetsPerWindow     client resets (and refused streams) allowed per {@code floodWindow} before GOAWAY
 *                               ENHANCE_YOUR_CALM: the rapid reset attack, CVE-2023-44487
 * @param maxControlFramesPerWindow frames that cost work and carry no request allowed per {@code floodWindow}
 *                               before GOAWAY ENHANCE_YOUR_CALM: SETTINGS and PING (each costs an answer),
 *                               PRIORITY, empty DATA without END_STREAM, DATA or WINDOW_UPDATE on a closed stream,
 *                               empty HEADERS or CONTINUATION fragments that do not end their block, and unknown
 *                               frame types (the CVE-2019-9512/9513/9515/9516/9518 family)
 * @param floodWindow            the window both flood counts use
 * @param hibernateAfter         how long a connection with no open stream, nothing half-read and no SETTINGS
 *                               acknowledgement outstanding waits on its own thread before it hibernates: gives up
 *                               the thread and its input buffer and waits on the transport's {@code Hibernator}
 *                               until bytes arrive, keeping its HPACK tables, flow-control windows and settings
 *                               (Cowboy's {@code hibernate}); zero hibernates as soon as a read would wait; at
 *                               {@code idleTimeout} or more, never. Also how long a {@link CleartextProtocol}
 *                               connection that has sent nothing yet waits before it hibernates. Default 1 s, as
 *                               for HTTP/1.1 and WebSocket connections
 * @param connectProtocol        SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3): whether clients may open extended
 *                               CONNECT streams (WebSocket over HTTP/2); on by default, since the native
 *                               WebSocket upgrade ({@code WebSocketUpgrade}) serves them and any other handler just
 *                               answers the request as it would a GET it does not upgrade. A plain CONNECT is
 *                               refused with 501 either way: Corral is no proxy.
 * @param drainedLinger          how long a drained connection with no stream left waits for the client to close it
 *                               (reading, answering PINGs, refusing new streams) before closing it itself: time for
 *                               the client's application to take the last response, which a client may drop when the
 *                               connection ends under it. Default 1 s, as Jetty's default {@code shutdownIdleTimeout}
 *                               (under Jetty, that setting's value when it is not negative)
 */
public record Http2Config(
        int maxConcurrentStreams,
        int initialWindowSize,
        int maxFrameSize,
        int maxHeaderListSize,
        int headerTableSize,
        int maxContinuations,
        Duration idleTimeout,
        Duration settingsTimeout,
        Duration streamStallTimeout,
        int maxResetsPerWindow,
        int maxControlFramesPerWindow,
        Duration floodWindow,
        Duration hibernateAfter,
        boolean connectProtocol,
        Duration drainedLinger) {

    /** HTTP/2's own initial window size (RFC 9113 §6.9.2), which the connection window always starts at. */
    public static final int DEFAULT_WINDOW = 65_535;

    /** See {@code drainedLinger}. */
    public static final Duration DEFAULT_DRAINED_LINGER = Duration.ofSeconds(1);

    public static final Http2Config DEFAULTS = new Http2Config(100, DEFAULT_WINDOW, Http2Frame.DEFAULT_MAX_FRAME_SIZE,
            8192, 4096, 16, Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(30), 200, 1000,
            Duration.ofSeconds(10), Duration.ofSeconds(1), true, DEFAULT_DRAINED_LINGER);

    /**
     * Without {@code hibernateAfter} and {@code connectProtocol}, which take their defaults (1 s, on): the
     * constructor before they came.
     */
    public Http2Config(int maxConcurrentStreams, int initialWindowSize, int maxFrameSize, int maxHeaderListSize,
            int headerTableSize, int maxContinuations, Duration idleTimeout, Duration settingsTimeout,
            Duration streamStallTimeout, int maxResetsPerWindow, int maxControlFramesPerWindow, Duration floodWindow) {
        this(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, Duration.ofSeconds(1), true, DEFAULT_DRAINED_LINGER);
    }

    /** Without {@code connectProtocol}, which takes its default (on). */
    public Http2Config(int maxConcurrentStreams, int initialWindowSize, int maxFrameSize, int maxHeaderListSize,
            int headerTableSize, int maxContinuations, Duration idleTimeout, Duration settingsTimeout,
            Duration streamStallTimeout, int maxResetsPerWindow, int maxControlFramesPerWindow, Duration floodWindow,
            Duration hibernateAfter) {
        this(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, true, DEFAULT_DRAINED_LINGER);
    }

    /** Without {@code drainedLinger}, which takes its default (1 s). */
    public Http2Config(int maxConcurrentStreams, int initialWindowSize, int maxFrameSize, int maxHeaderListSize,
            int headerTableSize, int maxContinuations, Duration idleTimeout, Duration settingsTimeout,
            Duration streamStallTimeout, int maxResetsPerWindow, int maxControlFramesPerWindow, Duration floodWindow,
            Duration hibernateAfter, boolean connectProtocol) {
        this(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, DEFAULT_DRAINED_LINGER);
    }

    public Http2Config {
        if (maxConcurrentStreams < 1 || initialWindowSize < 0 || maxHeaderListSize < 1 || headerTableSize < 0
                || maxContinuations < 0 || maxResetsPerWindow < 1 || maxControlFramesPerWindow < 1) {
            throw new IllegalArgumentException("HTTP/2 limit out of range");
        }
        if (maxFrameSize < Http2Frame.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > Http2Frame.LARGEST_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize);
        }
        if (hibernateAfter == null || hibernateAfter.isNegative()) {
            throw new IllegalArgumentException("hibernateAfter " + hibernateAfter);
        }
        if (drainedLinger == null || drainedLinger.isNegative()) {
            throw new IllegalArgumentException("drainedLinger " + drainedLinger);
        }
    }

    /**
     * The largest encoded field block held across CONTINUATION frames: a block past this cannot decode to a list
     * under {@code maxHeaderListSize} (a field costs at least its octets plus 32 there, and at most its octets
     * plus a few in the block), plus room for the table size updates and some slack.
     */
    public int maxFieldBlockSize() {
        return maxHeaderListSize + 1024;
    }

    /** Whether an idle connection gets to hibernate: {@code hibernateAfter} comes before the idle timeout. */
    public boolean hibernatesBeforeIdleTimeout() {
        return idleTimeout.isZero() || hibernateAfter.compareTo(idleTimeout) < 0;
    }

    public Http2Config withMaxConcurrentStreams(int value) {
        return new Http2Config(value, initialWindowSize, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withInitialWindowSize(int value) {
        return new Http2Config(maxConcurrentStreams, value, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withStreamStallTimeout(Duration value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, settingsTimeout, value, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withFloodLimits(int resets, int controlFrames, Duration window) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, resets,
                controlFrames, window, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withSettingsTimeout(Duration value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, value, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withIdleTimeout(Duration value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, value, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, drainedLinger);
    }

    public Http2Config withHibernateAfter(Duration value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, value, connectProtocol, drainedLinger);
    }

    /** With extended CONNECT (RFC 8441) offered or not. */
    public Http2Config withConnectProtocol(boolean value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, value, drainedLinger);
    }

    /** With how long a drained connection with no stream left waits for the client to close it. */
    public Http2Config withDrainedLinger(Duration value) {
        return new Http2Config(maxConcurrentStreams, initialWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuations, idleTimeout, settingsTimeout, streamStallTimeout, maxResetsPerWindow,
                maxControlFramesPerWindow, floodWindow, hibernateAfter, connectProtocol, value);
    }
}
