package io.corral.connector.http2;

import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HpackEncoder;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one way out of an HTTP/2 connection, for the connection's thread (SETTINGS, PING and WINDOW_UPDATE answers,
 * resets, GOAWAY) and the streams' threads (their HEADERS and DATA) alike: a queue with group commit, as Jetty's
 * HTTP2Flusher does. A writer appends its frames whole to the queue under a short lock — a field block is
 * HPACK-encoded there too, since the peer decodes blocks in the order they arrive — and returns; whoever finds no
 * write in progress becomes the writer and writes everything queued in one socket write, again and again until the
 * queue is empty. So sixteen streams answering at once cost one or two socket writes rather than thirty-two, and a
 * stream's thread neither waits for the socket nor parks on a lock while another writes (a parked virtual thread
 * copies its whole stack to the heap).
 *
 * <p>Back-pressure: once {@link #QUEUE_LIMIT} octets wait, a writer waits for the socket to take some before it
 * queues more, so a peer that stops reading stalls every writer with a bounded amount queued, and a write that
 * makes no progress for the stall timeout closes the connection ({@link StallGuard}). The same bound keeps streams
 * taking turns: a stream with a big body can get at most the bound ahead of a small response queued after it.
 *
 * <p>A write that fails fails the connection once: the transport is closed, what was queued is dropped, and every
 * writer waiting or coming later gets an {@link IOException}. {@link #flush()} waits until what was queued before
 * it has gone out, for those that must know (GOAWAY before the connection closes, a drained connection's close
 * after its last frame).
 */
final class Http2Output implements AutoCloseable {

    /**
     * How many queued octets make writers wait for the socket: enough for a few dozen small responses, or four
     * DATA frames of the default size, in one write; small enough that a peer that does not read holds little.
     */
    static final int QUEUE_LIMIT = 64 * 1024;

    /** The first capacity of a queue: a few small responses. */
    private static final int INITIAL_BATCH = 4096;

    /**
     * A queue grown past this (big bodies under back-pressure, or frames larger than the default) is dropped after
     * its write rather than kept for the next: a busy connection keeps at most two arrays this large.
     */
    private static final int KEPT_BATCH = 32 * 1024;

    /** Short critical sections (encode and copy): not fair, so a writer rarely parks for it. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled after every socket write and when the connection fails, for {@link #flush()}. */
    private final Condition progress = lock.newCondition();
    /**
     * Writers waiting for room, in turn, each on a condition of its own: only the first is woken when the socket
     * takes a batch, and it wakes the next as it leaves (waking them all would cost every waiter a wake-up and a
     * park per batch, and more per waiter leaving).
     */
    private final ArrayDeque<Condition> waiters = new ArrayDeque<>();
    private final TransportConnection connection;
    private final StallGuard guard;
    private final HpackEncoder encoder = new HpackEncoder();
    /** Read on every DATA frame by the streams: no lock. */
    private volatile int peerMaxFrameSize = Http2Frame.DEFAULT_MAX_FRAME_SIZE;

    // Under the lock:
    /** Frames waiting for the writer; null when there are none and no array is held. */
    private FrameBatch queued;
    /** The array of the last batch written, reused for the next queue. */
    private FrameBatch spare;
    /** Whether a thread is writing: whatever is queued meanwhile, that thread writes next. */
    private boolean writing;
    /** Octets queued since the connection began, and octets written: what {@link #flush()} waits on. */
    private long queuedTotal;
    private long writtenTotal;
    /** The first write failure: the connection is dead from then on. */
    private IOException failure;
    private boolean goneAway;

    Http2Output(TransportConnection connection, Duration stallTimeout) {
        this.connection = connection;
        this.guard = new StallGuard(connection, stallTimeout, null);
        DeadlineWatchdog.SHARED.watch(guard);
    }

    /** The peer's SETTINGS_MAX_FRAME_SIZE: the largest frame it takes. */
    int peerMaxFrameSize() {
        return peerMaxFrameSize;
    }

    void setPeerMaxFrameSize(int size) {
        peerMaxFrameSize = size;
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

    /** Queues a frame, and writes the queue if no one else is writing. */
    void write(Http2Frame frame) throws IOException {
        lock.lock();
        try {
            FrameBatch batch = awaitRoom();
            int start = batch.size();
            Http2FrameWriter.write(frame, batch.reserve(Http2FrameWriter.length(frame)));
            queuedFrom(start, batch);
            writeQueued();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a DATA frame of {@code length} octets taken from {@code content}'s position (which advances), and
     * writes the queue if no one else is writing.
     */
    void writeData(int streamId, ByteBuffer content, int length, boolean endStream) throws IOException {
        lock.lock();
        try {
            FrameBatch batch = awaitRoom();
            int start = batch.size();
            data(batch, streamId, content, length, endStream);
            queuedFrom(start, batch);
            writeQueued();
        } finally {
            lock.unlock();
        }
    }

    /** Encodes and queues a field block: HEADERS, and CONTINUATION frames if it exceeds the peer's frame size. */
    void writeFieldBlock(int streamId, List<HeaderField> fields, boolean endStream) throws IOException {
        lock.lock();
        try {
            FrameBatch batch = awaitRoom();
            int start = batch.size();
            fieldBlock(batch, streamId, fields, endStream);
            queuedFrom(start, batch);
            writeQueued();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A response's head and the first DATA frame of its body (its whole body, when small), queued together so that
     * they leave in one write: the window for the {@code length} octets was taken already.
     */
    void writeFieldBlockAndData(int streamId, List<HeaderField> fields, ByteBuffer content, int length,
            boolean endStream) throws IOException {
        lock.lock();
        try {
            FrameBatch batch = awaitRoom();
            int start = batch.size();
            fieldBlock(batch, streamId, fields, false);
            data(batch, streamId, content, length, endStream);
            queuedFrom(start, batch);
            writeQueued();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes GOAWAY once and waits until it went out; later calls do nothing. Errors are ignored: the connection is
     * ending anyway.
     */
    void goAway(int lastStreamId, Http2ErrorCode code, String debug) {
        Http2Frame goAway = new Http2Frame.GoAway(lastStreamId, code.code(), debug.getBytes(StandardCharsets.US_ASCII));
        lock.lock();
        try {
            if (goneAway) {
                return;
            }
            goneAway = true;
            FrameBatch batch = awaitRoom();
            int start = batch.size();
            Http2FrameWriter.write(goAway, batch.reserve(Http2FrameWriter.length(goAway)));
            queuedFrom(start, batch);
            writeQueued();
        } catch (IOException e) {
            return; // the peer is gone already
        } finally {
            lock.unlock();
        }
        try {
            flush();
        } catch (IOException e) {
            // as above
        }
    }

    /**
     * Waits until every frame queued before this call went out (whoever writes it).
     *
     * @throws IOException when the connection failed before they did
     */
    void flush() throws IOException {
        lock.lock();
        try {
            long target = queuedTotal;
            while (writtenTotal < target && failure == null) {
                progress.await();
            }
            if (writtenTotal < target) {
                throw failed();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for HTTP/2 frames to be written");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether frames are queued or being written: a connection does not hibernate under a write in progress.
     */
    boolean isBusy() {
        lock.lock();
        try {
            return writing || (queued != null && queued.size() > 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The connection hibernates: the watchdog forgets this writer meanwhile, so that an idle connection costs it
     * nothing, and the queue's arrays go. A write to a hibernating connection that the socket buffer cannot take
     * wakes it, and the woken burst calls {@link #awake()} before anything else.
     */
    void hibernating() {
        DeadlineWatchdog.SHARED.unwatch(guard);
        lock.lock();
        try {
            spare = null;
            if (queued != null && queued.size() == 0) {
                queued = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** A new burst begins: stalled writes are watched again. */
    void awake() {
        DeadlineWatchdog.SHARED.watch(guard);
    }

    /**
     * The connection ends: what is queued still goes out (the last frames of streams that ended as the client
     * left), bounded by the stall timeout, before the caller closes the transport.
     */
    @Override
    public void close() {
        try {
            flush();
        } catch (IOException e) {
            // the connection failed: nothing more can go out
        }
        DeadlineWatchdog.SHARED.unwatch(guard);
    }

    /**
     * The queue, once it has room; under the lock. Writers that must wait queue in turn ({@link #waiters}), and one
     * that comes while others wait waits behind them: when the socket takes a batch, a stream with a big body queues
     * its next frame after the others' instead of winning the lock again and again. Uninterruptible, as the socket
     * write it waits for is: the stall timeout bounds it.
     */
    private FrameBatch awaitRoom() throws IOException {
        if (failure == null && (!waiters.isEmpty() || isFull())) {
            Condition turn = lock.newCondition();
            waiters.addLast(turn);
            try {
                while (failure == null && (waiters.peekFirst() != turn || isFull())) {
                    turn.awaitUninterruptibly(); // a writer is at work: a full queue means one is (writeQueued)
                }
            } finally {
                waiters.remove(turn); // the first, unless the connection failed
                wakeFirstWaiter(); // it may have room too, after this writer's frames
            }
        }
        if (failure != null) {
            throw failed();
        }
        if (queued == null) {
            queued = spare != null ? spare : new FrameBatch(INITIAL_BATCH);
            spare = null;
        }
        return queued;
    }

    private void wakeFirstWaiter() {
        Condition first = waiters.peekFirst();
        if (first != null) {
            first.signal();
        }
    }

    private boolean isFull() {
        return queued != null && queued.size() >= QUEUE_LIMIT;
    }

    private void queuedFrom(int start, FrameBatch batch) {
        queuedTotal += batch.size() - start;
    }

    /**
     * Writes what is queued unless another thread is writing (it will write this too: it empties the queue before
     * it stops, under the lock these frames were queued under). Under the lock, which is let go during each
     * socket write so that others can queue meanwhile.
     */
    private void writeQueued() throws IOException {
        if (writing) {
            return;
        }
        writing = true;
        try {
            while (queued != null && queued.size() > 0) {
                FrameBatch batch = queued;
                queued = spare;
                spare = null;
                int length = batch.size();
                IOException error = null;
                lock.unlock();
                try {
                    guard.write(batch.array(), 0, length);
                } catch (IOException e) {
                    error = e;
                } finally {
                    lock.lock();
                }
                if (error != null) {
                    fail(error);
                    throw error;
                }
                writtenTotal += length;
                batch.reset();
                if (batch.capacity() <= KEPT_BATCH) {
                    if (queued == null) {
                        queued = batch;
                    } else {
                        spare = batch;
                    }
                }
                progress.signalAll();
                wakeFirstWaiter();
            }
        } finally {
            writing = false;
            progress.signalAll();
            wakeFirstWaiter();
        }
    }

    /** The first failure only: closes the transport, since a frame may have gone out half. Under the lock. */
    private void fail(IOException error) {
        if (failure != null) {
            return;
        }
        failure = error;
        queued = null;
        spare = null;
        connection.close();
        for (Condition waiter : waiters) {
            waiter.signal(); // each leaves: the connection failed
        }
    }

    /** What a writer gets once the connection failed: its own exception, with the failure as cause. */
    private IOException failed() {
        String message = "HTTP/2 connection failed: " + failure.getMessage();
        IOException error = failure instanceof SocketTimeoutException ? new SocketTimeoutException(message)
                : new IOException(message);
        error.initCause(failure);
        return error;
    }

    private static void data(FrameBatch batch, int streamId, ByteBuffer content, int length, boolean endStream) {
        batch.frameHeader(length, Http2Frame.DATA, endStream ? Http2Frame.FLAG_END_STREAM : 0, streamId);
        batch.put(content, length);
    }

    /**
     * Encodes the block straight after a HEADERS frame header, whose length is filled in afterwards; a block larger
     * than the peer's frame size (rare: it takes SETTINGS_MAX_FRAME_SIZE octets of fields) is split instead.
     */
    private void fieldBlock(FrameBatch batch, int streamId, List<HeaderField> fields, boolean endStream) {
        int start = batch.size();
        int flags = (endStream ? Http2Frame.FLAG_END_STREAM : 0) | Http2Frame.FLAG_END_HEADERS;
        batch.frameHeader(0, Http2Frame.HEADERS, flags, streamId);
        encoder.encode(fields, batch);
        int length = batch.size() - start - Http2Frame.HEADER_LENGTH;
        int maxFrameSize = peerMaxFrameSize;
        if (length <= maxFrameSize) {
            batch.frameLength(start, length);
            return;
        }
        byte[] block = java.util.Arrays.copyOfRange(batch.array(), start + Http2Frame.HEADER_LENGTH, batch.size());
        batch.truncate(start);
        for (Http2Frame frame : Http2FrameWriter.fieldBlock(streamId, block, endStream, maxFrameSize)) {
            Http2FrameWriter.write(frame, batch.reserve(Http2FrameWriter.length(frame)));
        }
    }
}
