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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
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
 * <p>Memory is bounded per session: data frames may hold at most {@code maxQueuedBytes} of payload
 * (written or waiting). A send beyond it fails at once with a {@link QueueFull} — a
 * {@link WritePendingException}, which is how Jetty fails a send over its {@code maxOutgoingFrames} —
 * and the session stays open: the sender decides (drop the message, close the session), and a peer that
 * stopped reading is ended by the idle timeout, since no write makes progress. A frame that finds
 * nothing queued is always taken, whatever its size, so that any single message can be sent.
 */
final class FrameSendQueue {

    /** Until the connector's setting is wired in: 1 MiB of queued payload per session. */
    static final long DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

    /** Unnamed: a thread is started per burst of sends, and naming it costs more than it tells. */
    private static final ThreadFactory WRITERS = Thread.ofVirtual().factory();
    private static final FrameWriter WRITER = new FrameWriter(Role.SERVER);
    private static final byte[] NO_BYTES = new byte[0];

    /** A send refused because the session's queue is full: says how full, and what the bound is. */
    static final class QueueFull extends WritePendingException {
        private final String message;

        QueueFull(long queued, long adding, long bound) {
            message = "WebSocket send queue full: " + queued + " bytes queued for a peer that reads slowly, "
                    + adding + " more would exceed the bound of " + bound + " bytes";
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    private final StallGuard out;
    private final long maxQueuedBytes;
    private final Consumer<Throwable> onWriteFailure;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock. The deques exist only while something is queued.
    private ArrayDeque<OutgoingEntry> control;
    private ArrayDeque<OutgoingEntry> data;
    private long queuedBytes;
    private boolean draining;
    private boolean closeQueued;
    private Throwable failure;

    private volatile boolean writing;
    private volatile long framesOut;
    private volatile long bytesOut;

    /**
     * @param out            where frames go: its progress listener is the session's idle timer
     * @param maxQueuedBytes the bound on data payload held per session
     * @param onWriteFailure told once when a write fails (the session fails the connection)
     */
    FrameSendQueue(StallGuard out, long maxQueuedBytes, Consumer<Throwable> onWriteFailure) {
        this.out = out;
        this.maxQueuedBytes = maxQueuedBytes;
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
                        queuedBytes = 0;
                    }
                    data().addLast(entry);
                    closeQueued = true;
                } else {
                    long size = frame.getPayloadLength();
                    if (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
                        refusal = new QueueFull(queuedBytes, size, maxQueuedBytes);
                    } else {
                        queuedBytes += size;
                        data().addLast(entry);
                    }
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
            framesOut++;
            bytesOut += length;
            return null;
        } catch (IOException | RuntimeException e) {
            return e;
        } finally {
            writing = false;
            if (isData(frame)) {
                lock.lock();
                try {
                    queuedBytes = Math.max(0, queuedBytes - frame.getPayloadLength());
                } finally {
                    lock.unlock();
                }
            }
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
            queuedBytes = 0;
        } finally {
            lock.unlock();
        }
        current.getCallback().failed(cause);
        ClosedChannelException closed = new ClosedChannelException();
        closed.initCause(cause);
        queued.forEach(e -> e.getCallback().failed(closed));
        onWriteFailure.accept(cause);
    }

    private static boolean isData(Frame frame) {
        return frame != FrameFlusher.FLUSH_FRAME && !OpCode.isControlFrame(frame.getOpCode());
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

    /** Whether a frame is in a write right now: Jetty's idle timer then means the peer took nothing. */
    boolean isWriting() {
        return writing;
    }

    /** Data payload bytes held (queued or being written). */
    long queuedBytes() {
        lock.lock();
        try {
            return queuedBytes;
        } finally {
            lock.unlock();
        }
    }

    long framesOut() {
        return framesOut;
    }

    long bytesOut() {
        return bytesOut;
    }
}
