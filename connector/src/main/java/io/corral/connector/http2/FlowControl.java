package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.FLOW_CONTROL_ERROR;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The send side of HTTP/2 flow control (RFC 9113 §5.2, §6.9): the connection's window and each stream's, which
 * the peer opens with WINDOW_UPDATE and SETTINGS_INITIAL_WINDOW_SIZE. A stream's thread takes what it may send
 * before each DATA frame, waiting while either window is closed; a wait longer than the stall timeout ends that
 * stream only (a zero-window stall must not hold a thread and a stream slot forever), and one stream waiting
 * never stops another whose windows are open.
 */
final class FlowControl {

    private static final long MAX_WINDOW = Integer.MAX_VALUE;

    /** One stream's send window, guarded by the connection's flow-control lock. */
    static final class StreamWindow {
        private long size;
        private boolean closed;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private long connectionWindow = Http2Config.DEFAULT_WINDOW;
    private long initialStreamWindow = Http2Config.DEFAULT_WINDOW;
    private final java.util.Set<StreamWindow> windows = new java.util.HashSet<>();
    private boolean connectionClosed;
    /** The peer ended its side: no WINDOW_UPDATE can come any more. */
    private boolean peerEnded;

    /** A new stream's window, at the peer's current SETTINGS_INITIAL_WINDOW_SIZE. */
    StreamWindow open() {
        lock.lock();
        try {
            StreamWindow window = new StreamWindow();
            window.size = initialStreamWindow;
            windows.add(window);
            return window;
        } finally {
            lock.unlock();
        }
    }

    /** The stream ended or was reset: a thread waiting on its window gives up. */
    void close(StreamWindow window) {
        lock.lock();
        try {
            window.closed = true;
            windows.remove(window);
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended: every waiting thread gives up. */
    void closeAll() {
        lock.lock();
        try {
            connectionClosed = true;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The peer sent its FIN: what is left of the windows may still be sent, but a thread that would wait for more
     * gives up at once, since nothing can open a window any more.
     */
    void peerEnded() {
        lock.lock();
        try {
            peerEnded = true;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code wanted} octets of both windows, waiting while either is closed.
     *
     * @return how many octets may be sent now, at least 1
     * @throws StallException when no window opened within {@code stallNanos}
     * @throws IOException    when the stream or the connection ended meanwhile
     */
    int acquire(StreamWindow window, int wanted, long stallNanos) throws IOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + stallNanos;
            while (window.size <= 0 || connectionWindow <= 0) {
                if (window.closed || connectionClosed) {
                    throw new IOException("stream closed");
                }
                if (peerEnded) {
                    throw new IOException("the peer ended its side: no window can open");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StallException();
                }
                opened.await(left, TimeUnit.NANOSECONDS);
            }
            if (window.closed || connectionClosed) {
                throw new IOException("stream closed");
            }
            int granted = (int) Math.min(wanted, Math.min(window.size, connectionWindow));
            window.size -= granted;
            connectionWindow -= granted;
            return granted;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for flow-control window");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes up to {@code wanted} octets of both windows if they are open, without waiting: 0 when either is closed
     * (or the stream or connection ended), so that the caller takes the waiting path of {@link #acquire}.
     */
    int tryAcquire(StreamWindow window, int wanted) {
        lock.lock();
        try {
            if (window.closed || connectionClosed || window.size <= 0 || connectionWindow <= 0) {
                return 0;
            }
            int granted = (int) Math.min(wanted, Math.min(window.size, connectionWindow));
            window.size -= granted;
            connectionWindow -= granted;
            return granted;
        } finally {
            lock.unlock();
        }
    }

    /** WINDOW_UPDATE on stream 0; §6.9.1: past 2^31-1 is a connection error of type FLOW_CONTROL_ERROR. */
    void connectionUpdate(int increment) throws Http2Exception {
        lock.lock();
        try {
            if (connectionWindow + increment > MAX_WINDOW) {
                throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "connection window over 2^31-1");
            }
            connectionWindow += increment;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** WINDOW_UPDATE on a stream; past 2^31-1 is a stream error of type FLOW_CONTROL_ERROR. */
    void streamUpdate(int streamId, StreamWindow window, int increment) throws Http2Exception {
        lock.lock();
        try {
            if (window.size + increment > MAX_WINDOW) {
                throw Http2Exception.streamError(streamId, FLOW_CONTROL_ERROR, "stream window over 2^31-1");
            }
            window.size += increment;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The peer's SETTINGS_INITIAL_WINDOW_SIZE changed: §6.9.2, every open stream's window moves by the difference
     * (and may go negative); one pushed past 2^31-1 is a connection error of type FLOW_CONTROL_ERROR.
     */
    void setInitialStreamWindow(long value) throws Http2Exception {
        lock.lock();
        try {
            long delta = value - initialStreamWindow;
            for (StreamWindow window : windows) {
                if (window.size + delta > MAX_WINDOW) {
                    throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "stream window over 2^31-1");
                }
            }
            for (StreamWindow window : windows) {
                window.size += delta;
            }
            initialStreamWindow = value;
            opened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No window opened for a stream within the stall timeout. */
    static final class StallException extends IOException {
        StallException() {
            super("no flow-control window within the stall timeout");
        }
    }
}
