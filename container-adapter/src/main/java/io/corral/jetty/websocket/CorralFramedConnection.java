package io.corral.jetty.websocket;

import io.corral.connector.listener.Hibernation;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import io.corral.connector.websocket.ControlFrameRate;
import io.corral.connector.websocket.FairTurn;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.Opcode;
import io.corral.connector.websocket.FrameWriter;
import io.corral.connector.websocket.WebSocketException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.WebSocketConnection;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.eclipse.jetty.websocket.core.exception.CloseException;
import org.eclipse.jetty.websocket.core.exception.WebSocketWriteTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's WebSocket session running on Corral's framing: the bytes on the wire are read by Corral's
 * {@link FrameParser} and written by Corral's {@link FrameWriter}, while Jetty's session above keeps
 * what it owns — the close handshake state, the extension stack (permessage-deflate), the Jakarta layer
 * with its encoders, decoders and remotes. It takes the place of Jetty's {@link WebSocketConnection}
 * (whose I/O methods it overrides) so that the session, which is wired to that class, needs no change.
 *
 * <p>The contract the session expects and this honours: one frame delivered per {@link #demand()};
 * frames reported as masked, with the payload already unmasked; RSV bits passed through for the
 * extension stack; a data frame larger than the session's maximum frame size handed up in pieces of at
 * most that size when the session auto-fragments (as Jetty's parser does), refused with 1009 when it
 * does not; {@link #enqueueFrame} safe from any thread, each frame written whole and in call order, so a
 * control frame waits for at most the one frame being written; nothing written after CLOSE; flush
 * entries (no bytes) completed in order. Reads run on the connection's own virtual thread
 * ({@link #serve}); an idle connection keeps only a small header buffer. Writes go through a
 * {@link FrameSendQueue}: a send returns at once and its callback completes once the frame is written by
 * the queue's writer, so an async send never waits for a slow client and a blocking one still does, and
 * what one session may hold queued is bounded (Jetty's {@code maxOutgoingFrames}, set by
 * {@link WebSocketFraming}). Every slice of a write the peer takes counts as activity
 * for Jetty's idle timer, which thus ends a write that makes no progress and never one that does; it
 * never waits for the socket on Jetty's scheduler thread.
 */
final class CorralFramedConnection extends WebSocketConnection {

    private static final Logger LOG = LoggerFactory.getLogger(CorralFramedConnection.class);
    /** Enough for any frame header and a few small frames; payloads get arrays of their own size. */
    private static final int INPUT_BUFFER_SIZE = 512;
    /** The largest payload Jetty's parser takes at all; a longer frame is 1009, as there. */
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 16;
    /** Pieces an auto-fragmenting session with no frame size limit gets a large frame in. */
    private static final int UNLIMITED_PIECE = 64 * 1024;
    /**
     * The masking key every delivered frame reports: Jetty's session requires client frames to say they
     * were masked, and the payload is already unmasked by Corral's parser, so the key it carries is the
     * all-zero one, with which unmasking again (Jetty's {@code demask}) changes nothing. Shared: zeros
     * stay zeros whoever writes them.
     */
    private static final byte[] UNMASKED = new byte[4];

    private static final int NOT_DEMANDING = 0, DEMANDING = 1, CANCELLED = 2;
    /** What {@link #readBetweenFrames} answers when the connection should hibernate. */
    private static final int HIBERNATE = -2;

    private final WebSocketCoreSession session;
    private final AbstractEndPoint endPoint;
    private final TransportConnection transport;
    private final FrameSendQueue sendQueue;
    private final AtomicInteger demand = new AtomicInteger(NOT_DEMANDING);
    /** Completes every delivered frame: the payload is the frame's own array, so success needs nothing. */
    private final Callback frameDone;

    private volatile Thread reader;
    private final ControlFrameRate controlRate;
    /** Closed for sending too many control frames (see {@link #flooded()}). */
    private volatile boolean flooded;
    private final FairTurn turn = new FairTurn();
    private ByteBuffer initialBytes;
    private long framesIn;
    private long bytesIn;

    // The read loop's state, kept in fields so that a hibernated connection resumes where it stopped.
    private final Duration hibernateAfter;
    private FrameParser parser;
    private long pieceLimit;
    /** Null while hibernating: an idle connection keeps no input buffer. */
    private byte[] input;
    private int start;
    private int end;
    /** Payload bytes of the current frame already handed up. */
    private long frameOffset;
    private Duration readTimeout;
    /** A woken connection reads before it may hibernate again: it was woken for bytes or the end of input. */
    private boolean readThisBurst = true;

    CorralFramedConnection(AbstractEndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool pool,
            WebSocketCoreSession session, TransportConnection transport, Duration hibernateAfter,
            int maxControlFramesPerSecond) {
        super(endPoint, executor, scheduler, pool, session);
        this.hibernateAfter = hibernateAfter;
        this.controlRate = new ControlFrameRate(maxControlFramesPerSecond);
        this.session = session;
        this.endPoint = endPoint;
        this.transport = transport;
        // Every slice the peer takes is activity for Jetty's idle timer, which ends a write that takes none.
        this.sendQueue = new FrameSendQueue(new StallGuard(transport, Duration.ZERO, endPoint::notIdle),
                failure -> session.processConnectionError(failure, Callback.NOOP));
        this.frameDone = new Callback() {
            @Override
            public void failed(Throwable cause) {
                session.processHandlerError(cause, Callback.NOOP);
            }
        };
    }

    /** The Jetty session running on this framing. */
    WebSocketCoreSession session() {
        return session;
    }

    /** Which framing serves this session: Corral's. Tests and the connector's counters read it. */
    static boolean isCorralFramed(Object connection) {
        return connection instanceof CorralFramedConnection;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        initialBytes = buffer;
    }

    /**
     * Jetty's opening (connection listeners told, session opened, Jetty's state machine kept), with
     * Jetty's idle timer started first: while HTTP was spoken Corral's engine timed the connection out,
     * from now on the endpoint's timer does, at the connector's idle timeout as on ServerConnector's
     * endpoints, unless the session sets its own (which {@code super.onOpen()} applies).
     */
    @Override
    public void onOpen() {
        endPoint.setIdleTimeout(endPoint.getIdleTimeout());
        super.onOpen(); // does not start Jetty's read loop: moreDemand() answers false
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        LockSupport.unpark(reader); // a reader parked for demand sees the endpoint closed and ends
    }

    @Override
    public void onFillable() {
        // Reads are Corral's: nothing is filled through the endpoint.
    }

    @Override
    public void run() {
        // Jetty's fill-and-parse task; never scheduled for this connection.
    }

    @Override
    public void demand() {
        if (demand.compareAndSet(NOT_DEMANDING, DEMANDING)) {
            LockSupport.unpark(reader);
        } else if (demand.get() == DEMANDING) {
            throw new java.nio.channels.ReadPendingException();
        }
    }

    /**
     * Only Jetty's own read loop asks this, to decide whether to go on filling; answering false keeps
     * that loop from ever starting (Jetty's {@code onOpen} asks it too): Corral's {@link #serve} reads.
     */
    @Override
    public boolean moreDemand() {
        return false;
    }

    @Override
    public boolean meetDemand() {
        return demand.compareAndSet(DEMANDING, NOT_DEMANDING) || demand.get() == CANCELLED;
    }

    @Override
    public void cancelDemand() {
        demand.set(CANCELLED);
        LockSupport.unpark(reader);
    }

    /**
     * The read loop's first burst, on the connection's own virtual thread: sets the parser up for the
     * session's limits, then reads as {@link #burst} does.
     */
    Hibernation serve() {
        // Jetty's parser rule: an auto-fragmenting session takes a data frame of any size, in pieces of
        // at most its frame size (so one large frame never needs one large buffer); otherwise a data frame
        // over the frame size is refused with 1009 before any payload is read. Both settings are read once,
        // after the endpoint's onOpen had its chance to change them.
        long maxFrameSize = session.getMaxFrameSize();
        boolean autoFragment = session.isAutoFragment();
        // A server's parser: unmasked client frames fail with 1002 (RFC 6455 section 5.1), payloads are
        // unmasked in place as they are consumed, every RSV bit is passed up for Jetty's extension stack.
        parser = FrameParser.forServer(autoFragment || maxFrameSize <= 0 ? MAX_PAYLOAD : maxFrameSize,
                FrameParser.ANY_RSV);
        pieceLimit = !autoFragment ? MAX_PAYLOAD : maxFrameSize > 0 ? maxFrameSize : UNLIMITED_PIECE;
        if (initialBytes != null) {
            input = new byte[Math.max(INPUT_BUFFER_SIZE, initialBytes.remaining())];
            end = initialBytes.remaining();
            initialBytes.get(input, 0, end);
            initialBytes = null;
        }
        return burst();
    }

    /**
     * The read loop: waits for the session to demand, reads one frame (or the next piece of a large one) with
     * Corral's parser, hands it up, until the connection ends — or until, between frames, nothing arrives for
     * {@code hibernateAfter}: then the connection hibernates (no thread, no input buffer) and the next burst
     * starts on a new thread when bytes come. Protocol errors found on the wire go to the session, which
     * closes with their code.
     *
     * @return null when the connection is done, or its hibernation
     */
    private Hibernation burst() {
        reader = Thread.currentThread();
        try {
            while (getEndPoint().isOpen()) {
                if (!awaitDemand()) {
                    return null;
                }
                if (!parser.inPayload()) {
                    while (!parser.inPayload()) {
                        if (start < end) {
                            start += parser.parseHeader(input, start, end - start);
                            continue;
                        }
                        start = end = 0;
                        int read = readBetweenFrames();
                        if (read == HIBERNATE) {
                            input = null;
                            reader = null;
                            return new Hibernation(Hibernation.NEVER, this::wakeUp);
                        }
                        if (read < 0) {
                            onEndOfInput();
                            return null;
                        }
                        endPoint.notIdle();
                        end = read;
                    }
                    frameOffset = 0;
                    // Before its payload is read: a flood of pings or pongs ends here, with 1008.
                    Opcode opcode = parser.opcode();
                    if ((opcode == Opcode.PING || opcode == Opcode.PONG) && !controlRate.admit(System.nanoTime())) {
                        flooded = true;
                        throw ControlFrameRate.exceeded();
                    }
                }
                int length = (int) Math.min(parser.remaining(), pieceLimit);
                byte[] payload = new byte[length];
                int buffered = Math.min(length, end - start);
                if (buffered > 0) {
                    System.arraycopy(input, start, payload, 0, buffered);
                    start += buffered;
                }
                for (int filled = buffered; filled < length; ) {
                    int read = transport.read(payload, filled, length - filled);
                    if (read < 0) {
                        onEndOfInput();
                        return null;
                    }
                    filled += read;
                    endPoint.notIdle();
                }
                parser.consumePayload(payload, 0, length);
                boolean lastPiece = parser.remaining() == 0;
                deliver(parser, payload, frameOffset, lastPiece);
                frameOffset += length;
                if (lastPiece) {
                    parser.endFrame();
                }
                // One connection's stream of tiny frames must not keep a carrier from every other connection.
                turn.afterFrame(length);
            }
        } catch (WebSocketException bad) {
            LOG.debug("bad frame from {}: {} {}", transport.remoteAddress(), bad.closeCode(), bad.getMessage());
            session.processConnectionError(new CloseException(bad.closeCode(), bad.getMessage()), Callback.NOOP);
        } catch (IOException | RuntimeException e) {
            if (getEndPoint().isOpen()) {
                session.processConnectionError(e, Callback.NOOP);
            }
        }
        return null;
    }

    /** A burst after hibernating: it reads before it may hibernate again (it was woken for bytes or the end). */
    private Hibernation wakeUp() {
        readThisBurst = false;
        return burst();
    }

    /**
     * Reads the next bytes when every buffered one is consumed: waits up to {@code hibernateAfter} on this
     * thread (forever for a transport that cannot hibernate), and past it answers {@link #HIBERNATE}. Jetty's
     * idle timer, not this read, ends a connection that stays silent.
     *
     * @return bytes read into {@link #input}, -1 at the end of input, or {@link #HIBERNATE}
     */
    private int readBetweenFrames() throws IOException {
        boolean mayHibernate = transport.canHibernate();
        if (mayHibernate && hibernateAfter.isZero()) {
            // The end of input also shows as "nothing available": a woken connection reads once first.
            if (readThisBurst && transport.available() == 0) {
                return HIBERNATE;
            }
            mayHibernate = false;
        }
        readThisBurst = true;
        if (input == null) {
            input = new byte[INPUT_BUFFER_SIZE];
        }
        setReadTimeout(mayHibernate ? hibernateAfter : Duration.ZERO);
        try {
            return transport.read(input, 0, input.length);
        } catch (SocketTimeoutException quiet) {
            return HIBERNATE;
        } finally {
            if (mayHibernate) {
                setReadTimeout(Duration.ZERO); // payload reads wait as long as Jetty's idle timer lets them
            }
        }
    }

    private void setReadTimeout(Duration timeout) throws IOException {
        if (!timeout.equals(readTimeout)) {
            transport.setReadTimeout(timeout);
            readTimeout = timeout;
        }
    }

    /** Parks until the session demands a frame; false when the connection closed meanwhile. */
    private boolean awaitDemand() {
        while (true) {
            int state = demand.get();
            if (state == DEMANDING || state == CANCELLED) {
                // After cancellation the loop still reads, so that a close from the peer is seen.
                return getEndPoint().isOpen();
            }
            if (!getEndPoint().isOpen()) {
                return false;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                // A stopping listener interrupts connection threads: end rather than spin in park().
                getEndPoint().close();
                return false;
            }
        }
    }

    /**
     * Hands one frame, or one piece of a frame, to the session. A piece is framed as Jetty's parser frames
     * the pieces of a frame it auto-fragments: the first keeps the opcode and RSV bits, the others are
     * continuations, and only the last keeps the frame's FIN bit.
     *
     * @param offset where the piece starts in the frame's payload
     */
    private void deliver(FrameParser parser, byte[] payload, long offset, boolean lastPiece) {
        boolean firstPiece = offset == 0;
        int fin = lastPiece && parser.fin() ? 0x80 : 0;
        byte finRsvOp = (byte) (firstPiece ? fin | parser.rsvBits() | parser.opcode().code() : fin | OpCode.CONTINUATION);
        Frame frame = new Frame(finRsvOp, UNMASKED, ByteBuffer.wrap(payload));
        framesIn++;
        bytesIn += payload.length;
        if (demand.get() != CANCELLED) {
            demand.compareAndSet(DEMANDING, NOT_DEMANDING);
            session.onFrame(frame, frameDone);
        }
    }

    /**
     * The peer sent all it ever will. After its close frame that is an orderly end: the session is answering
     * (perhaps on another thread, its endpoint's onClose first) and closes the endpoint once that answer is
     * written, so closing here would race the answer off the wire; Jetty's idle timer bounds a session that
     * never answers. Otherwise the session learns of the abrupt end, and frames already queued get out first.
     */
    private void onEndOfInput() {
        if (!session.isInputOpen() && session.isOutputOpen()) {
            return;
        }
        if (!session.isClosed()) {
            session.onEof();
        }
        awaitWritesDone();
        getEndPoint().close();
    }

    private long maxFrameSize() {
        long max = session.getMaxFrameSize();
        return max > 0 ? max : Integer.MAX_VALUE - 16;
    }

    /**
     * Jetty's idle timeout, called on Jetty's scheduler thread, which must never wait for a socket. A frame
     * that has been in a write for a whole idle period means the peer stopped reading: no close frame
     * could get through either, so the session is failed without one (1006) and the endpoint closed,
     * which ends the stuck write. Otherwise Jetty's handling (a 1001 close frame, then the endpoint
     * closes) runs on a thread of its own, so that a write starting meanwhile delays only that thread.
     */
    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        if (sendQueue.isWriting()) {
            WebSocketWriteTimeoutException stalled = new WebSocketWriteTimeoutException(
                    "no write progress for " + endPoint.getIdleTimeout() + " ms: the peer is not reading");
            stalled.initCause(timeout);
            session.processConnectionError(stalled, Callback.NOOP);
            // Closed here too: if the session was already closing (a close frame is the stuck write), it
            // only waits for that write, which only closing the endpoint can end.
            getEndPoint().close(stalled);
            return true;
        }
        Thread.ofVirtual().name("corral-websocket-idle").start(() -> {
            if (CorralFramedConnection.super.onIdleExpired(timeout)) {
                // The 1001 close frame is queued: let it out before the socket goes. A peer that does not
                // take it within an idle period gets no more time.
                awaitWritesDone();
                getEndPoint().close(timeout);
            }
        });
        return false;
    }

    /**
     * Waits, at most one idle period (or 30 s without one), until the frames sent so far are written: the
     * socket closes once the read loop ends, and a close frame queued just before must get out first.
     */
    void awaitWritesDone() {
        long idle = endPoint.getIdleTimeout();
        sendQueue.awaitWritten(Duration.ofMillis(idle > 0 ? idle : 30_000));
    }

    /**
     * Hands one outgoing frame to the session's {@link FrameSendQueue} and returns at once; the frame's
     * callback completes when it is written (a blocking remote waits on it).
     */
    @Override
    public void enqueueFrame(OutgoingEntry entry) {
        sendQueue.enqueue(entry);
    }

    /** Whether our close frame has been written: from then on, closing the endpoint lingers. */
    boolean closeFrameSent() {
        return sendQueue.closeWritten();
    }

    /** Closed for a flood of control frames: its lingering close drains little, its flood is not worth reading. */
    boolean flooded() {
        return flooded;
    }

    @Override
    public long getMessagesIn() {
        return framesIn;
    }

    @Override
    public long getBytesIn() {
        return bytesIn;
    }

    @Override
    public long getMessagesOut() {
        return sendQueue.framesOut();
    }

    @Override
    public long getBytesOut() {
        return sendQueue.bytesOut();
    }

    @Override
    public String toConnectionString() {
        return String.format("CorralFramedConnection@%x[%s,in=%d,out=%d]", hashCode(), transport.remoteAddress(),
                framesIn, sendQueue.framesOut());
    }
}
