package io.corral.jetty.websocket;

import io.corral.connector.transport.TransportConnection;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.FrameWriter;
import io.corral.connector.websocket.Opcode;
import io.corral.connector.websocket.Role;
import io.corral.connector.websocket.WebSocketException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
import org.eclipse.jetty.websocket.core.internal.FrameFlusher;
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
 * ({@link #serve}); an idle connection keeps only a small header buffer. A frame is written on the
 * thread that sends it, which waits until the peer takes the bytes: a client that reads slowly holds that
 * sender back instead of letting its frames pile up in memory (frames other threads send meanwhile wait
 * in the session's own queue, as they do on Jetty's framing). Jetty's idle timeout ends a write that
 * makes no progress, and never waits for the socket on Jetty's scheduler thread.
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

    private final WebSocketCoreSession session;
    private final AbstractEndPoint endPoint;
    private final TransportConnection transport;
    private final FrameWriter writer = new FrameWriter(Role.SERVER);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicInteger demand = new AtomicInteger(NOT_DEMANDING);
    /** Completes every delivered frame: the payload is the frame's own array, so success needs nothing. */
    private final Callback frameDone;

    private volatile Thread reader;
    private ByteBuffer initialBytes;
    private volatile boolean outputClosed;
    private long framesIn;
    private long bytesIn;
    private long framesOut;
    private long bytesOut;

    CorralFramedConnection(AbstractEndPoint endPoint, Executor executor, Scheduler scheduler, ByteBufferPool pool,
            WebSocketCoreSession session, TransportConnection transport) {
        super(endPoint, executor, scheduler, pool, session);
        this.session = session;
        this.endPoint = endPoint;
        this.transport = transport;
        this.frameDone = new Callback() {
            @Override
            public void failed(Throwable cause) {
                session.processHandlerError(cause, Callback.NOOP);
            }
        };
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
     * The read loop, on the connection's own virtual thread: waits for the session to demand, reads one
     * frame (or the next piece of a large one) with Corral's parser, hands it up, until the connection
     * ends. Protocol errors found on the wire go to the session, which closes with their code.
     */
    void serve() {
        reader = Thread.currentThread();
        // Jetty's parser rule: an auto-fragmenting session takes a data frame of any size, in pieces of
        // at most its frame size (so one large frame never needs one large buffer); otherwise a data frame
        // over the frame size is refused with 1009 before any payload is read. Both settings are read once,
        // after the endpoint's onOpen had its chance to change them.
        long maxFrameSize = session.getMaxFrameSize();
        boolean autoFragment = session.isAutoFragment();
        // A server's parser: unmasked client frames fail with 1002 (RFC 6455 section 5.1), payloads are
        // unmasked in place as they are consumed, every RSV bit is passed up for Jetty's extension stack.
        FrameParser parser = FrameParser.forServer(autoFragment || maxFrameSize <= 0 ? MAX_PAYLOAD : maxFrameSize,
                FrameParser.ANY_RSV);
        long pieceLimit = !autoFragment ? MAX_PAYLOAD : maxFrameSize > 0 ? maxFrameSize : UNLIMITED_PIECE;
        byte[] input = new byte[Math.max(INPUT_BUFFER_SIZE, initialBytes == null ? 0 : initialBytes.remaining())];
        int start = 0;
        int end = 0;
        if (initialBytes != null) {
            end = initialBytes.remaining();
            initialBytes.get(input, 0, end);
            initialBytes = null;
        }
        long frameOffset = 0; // payload bytes of the current frame already handed up
        try {
            while (getEndPoint().isOpen()) {
                if (!awaitDemand()) {
                    return;
                }
                if (!parser.inPayload()) {
                    while (!parser.inPayload()) {
                        if (start < end) {
                            start += parser.parseHeader(input, start, end - start);
                            continue;
                        }
                        start = end = 0;
                        int read = transport.read(input, 0, input.length);
                        if (read < 0) {
                            onEndOfInput();
                            return;
                        }
                        endPoint.notIdle();
                        end = read;
                    }
                    frameOffset = 0;
                }
                int length = (int) Math.min(parser.remaining(), pieceLimit);
                byte[] payload = new byte[length];
                int buffered = Math.min(length, end - start);
                System.arraycopy(input, start, payload, 0, buffered);
                start += buffered;
                for (int filled = buffered; filled < length; ) {
                    int read = transport.read(payload, filled, length - filled);
                    if (read < 0) {
                        onEndOfInput();
                        return;
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
            }
        } catch (WebSocketException bad) {
            LOG.debug("bad frame from {}: {} {}", transport.remoteAddress(), bad.closeCode(), bad.getMessage());
            session.processConnectionError(new CloseException(bad.closeCode(), bad.getMessage()), Callback.NOOP);
        } catch (IOException | RuntimeException e) {
            if (getEndPoint().isOpen()) {
                session.processConnectionError(e, Callback.NOOP);
            }
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

    private void onEndOfInput() {
        if (!session.isClosed()) {
            session.onEof();
        }
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
        if (writeLock.isLocked()) {
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
                getEndPoint().close(timeout);
            }
        });
        return false;
    }

    /** Writes one outgoing frame now, on the caller's thread, whole; completes its callback after. */
    @Override
    public void enqueueFrame(OutgoingEntry entry) {
        Frame frame = entry.getFrame();
        Callback callback = entry.getCallback();
        if (frame == FrameFlusher.FLUSH_FRAME) {
            // The session's flush marker (its opcode reads as 0xF, not UNDEFINED): every frame before it
            // is already written, since each is written before enqueueFrame returns.
            callback.succeeded();
            return;
        }
        Throwable failure = null;
        writeLock.lock();
        try {
            if (outputClosed) {
                failure = new ClosedChannelException();
            } else {
                ByteBuffer payload = frame.getPayload();
                int length = payload == null ? 0 : payload.remaining();
                byte[] bytes;
                int offset;
                if (length == 0) {
                    bytes = new byte[0];
                    offset = 0;
                } else if (payload.hasArray()) {
                    bytes = payload.array();
                    offset = payload.arrayOffset() + payload.position();
                } else {
                    bytes = new byte[length];
                    payload.get(payload.position(), bytes);
                    offset = 0;
                }
                int rsv = (frame.isRsv1() ? FrameParser.RSV1 : 0) | (frame.isRsv2() ? FrameParser.RSV2 : 0)
                        | (frame.isRsv3() ? FrameParser.RSV3 : 0);
                writer.write(transport, frame.isFin(), rsv, Opcode.of(frame.getOpCode()), bytes, offset, length);
                framesOut++;
                bytesOut += length;
                endPoint.notIdle();
                if (frame.getOpCode() == OpCode.CLOSE) {
                    outputClosed = true;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            writeLock.unlock();
        }
        if (failure == null) {
            callback.succeeded();
        } else {
            callback.failed(failure);
            if (!(failure instanceof ClosedChannelException)) {
                session.processConnectionError(failure, Callback.NOOP);
            }
        }
    }

    /** Whether our close frame has been written: from then on, closing the endpoint lingers. */
    boolean closeFrameSent() {
        return outputClosed;
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
        return framesOut;
    }

    @Override
    public long getBytesOut() {
        return bytesOut;
    }

    @Override
    public String toConnectionString() {
        return String.format("CorralFramedConnection@%x[%s,in=%d,out=%d]", hashCode(), transport.remoteAddress(),
                framesIn, framesOut);
    }
}
