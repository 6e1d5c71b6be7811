package io.corral.jetty.websocket;

import io.corral.connector.transport.StallGuard;
import io.corral.connector.websocket.FrameParser;
import io.corral.connector.websocket.FrameWriter;
import io.corral.connector.websocket.Opcode;
import io.corral.connector.websocket.Role;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritePendingException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.internal.FrameFlusher;

/**
 * The write side of a Jetty WebSocket session on Corral's framing: frames are handed over from any thread
 * and the sender returns at once; one writer at a time, a virtual thread started when the queue goes from
 * empty to not empty and ended when it is empty again, writes them with Corral's {@link FrameWriter} and
 * completes each frame's callback once the peer took its bytes. So Jakarta's {@code RemoteEndpoint.Async}
 * and Jetty's callback sends complete later, as on ServerConnector, while {@code RemoteEndpoint.Basic},
 * which waits on the callback, still blocks until its frame is written. An idle session keeps no thread
 * and no queue.
 *
 * <p>The rules are those of Jetty's own {@code FrameFlusher}: frames stay whole and in order; a ping or
 * pong goes ahead of queued data (after the frame being written); a CLOSE ends further sends (they fail
 * with {@link ClosedChannelException}), and an abnormal one fails the data still queued; the flush
 * marker completes once every frame queued before it is written. A failed write fails everything queued
 * and is reported once.
 *
 * <p>What this queue holds is small by construction: Jetty's session hands its connection one data frame
 * at a time (its own flusher waits for each frame's callback before it forwards the next), so here wait
 * at most that frame and a few control frames. The frames an application sends faster than the peer
 * reads wait in the session's flusher, which {@link #DEFAULT_MAX_QUEUED_FRAMES} bounds through Jetty's
 * own {@code maxOutgoingFrames} (see {@link WebSocketFraming}).
 */
final class FrameSendQueue {

    /**
     * Data frames a session may have sent but not yet written, unless the application chose its own
     * {@code maxOutgoingFrames}: a send beyond it fails at once with Jetty's
     * {@link WritePendingException} and the session stays open (Jetty's documented behaviour for that
     * setting), so a peer that stopped reading costs at most this many messages of memory until the idle
     * timeout ends it. ServerConnector has no bound by default.
     */
    static final int DEFAULT_MAX_QUEUED_FRAMES = 256;

    /** Unnamed: a thread is started per burst of sends, and naming it costs more than it tells. */
    private static final ThreadFactory WRITERS = Thread.ofVirtual().factory();
    private static final FrameWriter WRITER = new FrameWriter(Role.SERVER);
    private static final byte[] NO_BYTES = new byte[0];

    private final StallGuard out;
    private final Consumer<Throwable> onWriteFailure;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the writer ends with nothing left to write. */
    private final Condition idle = lock.newCondition();

    // Guarded by lock. The deques exist only while something is queued.
    private ArrayDeque<OutgoingEntry> control;
    private ArrayDeque<OutgoingEntry> data;
    private boolean draining;
    private boolean closeQueued;
    private Throwable failure;

    private volatile boolean writing;
    /** Our close frame is on the wire: from now on closing lingers (see {@code CorralEndPoint}). */
    private volatile boolean closeWritten;
    private volatile long framesOut;
    private volatile long bytesOut;

    /**
     * @param out            where frames go: its progress listener is the session's idle timer
     * @param onWriteFailure told once when a write fails (the session fails the connection)
     */
    FrameSendQueue(StallGuard out, Consumer<Throwable> onWriteFailure) {
        this.out = out;
        this.onWriteFailure = onWriteFailure;
    }

    /** Takes a frame from any thread and returns at once; its callback completes when it is written. */
    void enqueue(OutgoingEntry entry) {
        Frame frame = entry.getFrame();
        Throwable refusal = null;
        List<OutgoingEntry> dropped = null;
        boolean startWriter = false;
        boolean flushNow = false;
        lock.lock();
        try {
            if (failure != null || closeQueued) {
                refusal = new ClosedChannelException();
            } else if (frame == FrameFlusher.FLUSH_FRAME) {
                // The flush marker's opcode reads as 0xF, not UNDEFINED: it is told apart by identity. With no
                // writer running, every frame before it is written already.
                if (draining) {
                    data().addLast(entry);
                } else {
                    flushNow = true;
                }
            } else {
                byte opcode = frame.getOpCode();
                if (opcode == OpCode.PING || opcode == OpCode.PONG) {
                    control().addLast(entry);
                } else if (opcode == OpCode.CLOSE) {
                    if (CloseStatus.getCloseStatus(frame).isAbnormal() && data != null) {
                        dropped = new ArrayList<>(data);
                        data.clear();
                    }
                    data().addLast(entry);
                    closeQueued = true;
                } else {
                    data().addLast(entry);
                }
            }
            if (refusal == null && !flushNow && !draining) {
                draining = true;
                startWriter = true;
            }
        } finally {
            lock.unlock();
        }
        if (dropped != null) {
            ClosedChannelException closed = new ClosedChannelException();
            dropped.forEach(e -> e.getCallback().failed(closed));
        }
        if (refusal != null) {
            entry.getCallback().failed(refusal);
        } else if (flushNow) {
            entry.getCallback().succeeded();
        } else if (startWriter) {
            WRITERS.newThread(this::drain).start();
        }
    }

    /** The writer: takes frames one by one until the queue is empty, then ends. */
    private void drain() {
        while (true) {
            OutgoingEntry entry;
            lock.lock();
            try {
                entry = control != null && !control.isEmpty() ? control.pollFirst()
                        : data != null ? data.pollFirst() : null;
                if (entry == null) {
                    draining = false;
                    control = null; // an idle session keeps no queue
                    data = null;
                    idle.signalAll();
                    return;
                }
            } finally {
                lock.unlock();
            }
            Frame frame = entry.getFrame();
            if (frame == FrameFlusher.FLUSH_FRAME) {
                entry.getCallback().succeeded();
                continue;
            }
            Throwable failed = write(frame);
            if (failed == null) {
                entry.getCallback().succeeded();
            } else {
                failAll(entry, failed);
            }
        }
    }

    /** Writes one frame whole; the failure, or null. */
    private Throwable write(Frame frame) {
        ByteBuffer payload = frame.getPayload();
        int length = payload == null ? 0 : payload.remaining();
        byte[] bytes;
        int offset;
        if (length == 0) {
            bytes = NO_BYTES;
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
        writing = true;
        try {
            WRITER.write(out, frame.isFin(), rsv, Opcode.of(frame.getOpCode()), bytes, offset, length);
            if (frame.getOpCode() == org.eclipse.jetty.websocket.core.OpCode.CLOSE) {
                closeWritten = true;
            }
            framesOut++;
            bytesOut += length;
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        } finally {
            writing = false;
        }
    }

    /** A write failed: nothing more can go out; every queued frame fails, the session is told once. */
    private void failAll(OutgoingEntry current, Throwable cause) {
        List<OutgoingEntry> queued = new ArrayList<>();
        lock.lock();
        try {
            failure = cause;
            if (control != null) {
                queued.addAll(control);
                control.clear();
            }
            if (data != null) {
                queued.addAll(data);
                data.clear();
            }
        } finally {
            lock.unlock();
        }
        current.getCallback().failed(cause);
        ClosedChannelException closed = new ClosedChannelException();
        closed.initCause(cause);
        queued.forEach(e -> e.getCallback().failed(closed));
        onWriteFailure.accept(cause);
    }

    private ArrayDeque<OutgoingEntry> control() {
        if (control == null) {
            control = new ArrayDeque<>(4);
        }
        return control;
    }

    private ArrayDeque<OutgoingEntry> data() {
        if (data == null) {
            data = new ArrayDeque<>(8);
        }
        return data;
    }

    /**
     * Waits until every frame handed over so far is written (or failed), at most {@code max}: whoever
     * closes the connection after a last frame (the close frame) lets it reach the wire first.
     *
     * @return whether the queue is empty
     */
    boolean awaitWritten(Duration max) {
        long left = max.toNanos();
        lock.lock();
        try {
            while (draining) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a frame is in a write right now: Jetty's idle timer then means the peer took nothing. */
    boolean isWriting() {
        return writing;
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }

    /** Whether our close frame has been written. */
    boolean closeWritten() {
        return closeWritten;
    }
}
