package io.corral.jetty.websocket;

import io.corral.connector.transport.TransportConnection;
import io.corral.connector.websocket.CloseStatus;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.FrameWriter;
import io.corral.connector.websocket.Opcode;
import io.corral.connector.websocket.Role;
import io.corral.connector.websocket.WebSocketException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.Executor;
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
 * extension stack; {@link #enqueueFrame} safe from any thread, each frame written whole and in call
 * order, so a control frame waits for at most the one frame being written; nothing written after CLOSE;
 * flush entries (no bytes) completed in order. Reads run on the connection's own virtual thread
 * ({@link #serve}); an idle connection keeps only a small header buffer.
 */
final class CorralFramedConnection extends WebSocketConnection {

    private static final Logger LOG = LoggerFactory.getLogger(CorralFramedConnection.class);
    /** Enough for any frame header and a few small frames; payloads get arrays of their own size. */
    private static final int INPUT_BUFFER_SIZE = 512;

    private static final int NOT_DEMANDING = 0, DEMANDING = 1, CANCELLED = 2;

    private final WebSocketCoreSession session;
    private final AbstractEndPoint endPoint;
    private final TransportConnection transport;
    private final FrameWriter writer = new FrameWriter(Role.SERVER);
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicInteger demand = new AtomicInteger(NOT_DEMANDING);

    private volatile Thread reader;
    private ByteBuffer initialBytes;
    private boolean outputClosed;
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
    }

    /** Which framing serves this session: Corral's. Tests and the connector's counters read it. */
    static boolean isCorralFramed(Object connection) {
        return connection instanceof CorralFramedConnection;
    }

    @Override
    public void onUpgradeTo(ByteBuffer buffer) {
        initialBytes = buffer;
    }

    @Override
    public void onOpen() {
        // Not super.onOpen(): that would start Jetty's own parser on the endpoint.
        session.onOpen();
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

    @Override
    public boolean moreDemand() {
        return demand.get() != NOT_DEMANDING;
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
     * frame with Corral's parser, hands it up, until the connection ends. Protocol errors found on the
     * wire go to the session, which closes with their code.
     */
    void serve() {
        reader = Thread.currentThread();
        FrameParser parser = FrameParser.passThrough(maxFrameSize());
        byte[] input = new byte[Math.max(INPUT_BUFFER_SIZE, initialBytes == null ? 0 : initialBytes.remaining())];
        int start = 0;
        int end = 0;
        if (initialBytes != null) {
            end = initialBytes.remaining();
            initialBytes.get(input, 0, end);
            initialBytes = null;
        }
        try {
            while (getEndPoint().isOpen()) {
                if (!awaitDemand()) {
                    return;
                }
                // One frame: header from the input buffer (reading more as needed), then its payload.
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
                if (!parser.masked()) {
                    throw new WebSocketException(CloseStatus.PROTOCOL_ERROR,
                            "client frames must be masked (RFC 6455 section 5.1)");
                }
                int length = (int) parser.payloadLength();
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
                deliver(parser, payload);
                parser.endFrame();
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
        }
    }

    private void deliver(FrameParser parser, byte[] payload) {
        int maskKey = parser.maskKey();
        // The masking key is reported (Jetty's session checks that client frames were masked) but the
        // payload is unmasked here, once: Jetty never unmasks a frame it did not parse itself.
        new io.corral.connector.websocket.Frame(parser.fin(), false, false, false, parser.opcode(), true, maskKey,
                ByteBuffer.wrap(payload)).unmaskInPlace();
        byte finRsvOp = (byte) ((parser.fin() ? 0x80 : 0) | parser.rsvBits() | parser.opcode().code());
        byte[] mask = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) maskKey};
        Frame frame = new Frame(finRsvOp, mask, ByteBuffer.wrap(payload));
        framesIn++;
        bytesIn += payload.length;
        if (demand.get() != CANCELLED) {
            demand.compareAndSet(DEMANDING, NOT_DEMANDING);
            session.onFrame(frame, new Callback() {
                @Override
                public void failed(Throwable cause) {
                    session.processHandlerError(cause, Callback.NOOP);
                }
            });
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

    /** Writes one outgoing frame now, on the caller's thread, whole; completes its callback after. */
    @Override
    public void enqueueFrame(OutgoingEntry entry) {
        Frame frame = entry.getFrame();
        Callback callback = entry.getCallback();
        if (frame.getOpCode() == OpCode.UNDEFINED) {
            callback.succeeded(); // a flush marker: every frame before it is already written
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
