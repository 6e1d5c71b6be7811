package io.corral.connector.http2;

import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HpackEncoder;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way out of an HTTP/2 connection: every frame, from the connection's thread (SETTINGS, PING and
 * WINDOW_UPDATE answers, resets, GOAWAY) or from a stream's thread (its HEADERS and DATA), is written whole under
 * one fair lock, so frames never interleave mid-frame and streams take turns frame by frame: a stream with much to
 * send waits behind the others' frames, never in front of all of them. Field blocks are HPACK-encoded under the
 * same lock, because the peer decodes them in the order they arrive. A write that makes no progress for the stall
 * timeout closes the connection ({@link StallGuard}).
 */
final class Http2Output implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock(true);
    private final StallGuard guard;
    private final HpackEncoder encoder = new HpackEncoder();
    private int peerMaxFrameSize = Http2Frame.DEFAULT_MAX_FRAME_SIZE;
    private boolean goneAway;

    Http2Output(TransportConnection connection, Duration stallTimeout) {
        this.guard = new StallGuard(connection, stallTimeout, null);
        DeadlineWatchdog.SHARED.watch(guard);
    }

    /** The peer's SETTINGS_MAX_FRAME_SIZE: the largest frame it takes. */
    int peerMaxFrameSize() {
        lock.lock();
        try {
            return peerMaxFrameSize;
        } finally {
            lock.unlock();
        }
    }

    void setPeerMaxFrameSize(int size) {
        lock.lock();
        try {
            peerMaxFrameSize = size;
        } finally {
            lock.unlock();
        }
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE, for the encoder. */
    void setPeerTableSize(int size) {
        lock.lock();
        try {
            encoder.setPeerTableSizeLimit(size);
        } finally {
            lock.unlock();
        }
    }

    void write(Http2Frame frame) throws IOException {
        byte[] bytes = Http2FrameWriter.toBytes(frame);
        lock.lock();
        try {
            guard.write(bytes, 0, bytes.length);
        } finally {
            lock.unlock();
        }
    }

    /** Encodes and writes a field block: HEADERS, and CONTINUATION frames if it exceeds the peer's frame size. */
    void writeFieldBlock(int streamId, List<HeaderField> fields, boolean endStream) throws IOException {
        lock.lock();
        try {
            byte[] block = encoder.encode(fields);
            for (Http2Frame frame : Http2FrameWriter.fieldBlock(streamId, block, endStream, peerMaxFrameSize)) {
                byte[] bytes = Http2FrameWriter.toBytes(frame);
                guard.write(bytes, 0, bytes.length);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes GOAWAY once; later calls do nothing. Errors are ignored: the connection is ending anyway. */
    void goAway(int lastStreamId, Http2ErrorCode code, String debug) {
        lock.lock();
        try {
            if (goneAway) {
                return;
            }
            goneAway = true;
            byte[] bytes = Http2FrameWriter.toBytes(new Http2Frame.GoAway(lastStreamId, code.code(),
                    debug.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            guard.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            // the peer is gone already
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a frame is being written now (or a writer waits for the lock): a connection does not hibernate under
     * a write in progress.
     */
    boolean isBusy() {
        return lock.isLocked() || lock.hasQueuedThreads();
    }

    /**
     * The connection hibernates: the watchdog forgets this writer meanwhile, so that an idle connection costs it
     * nothing. A write to a hibernating connection that the socket buffer cannot take wakes it, and the woken burst
     * calls {@link #awake()} before anything else.
     */
    void hibernating() {
        DeadlineWatchdog.SHARED.unwatch(guard);
    }

    /** A new burst begins: stalled writes are watched again. */
    void awake() {
        DeadlineWatchdog.SHARED.watch(guard);
    }

    @Override
    public void close() {
        DeadlineWatchdog.SHARED.unwatch(guard);
    }
}
