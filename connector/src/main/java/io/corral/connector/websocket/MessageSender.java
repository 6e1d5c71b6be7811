package io.corral.connector.websocket;

import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes one connection's outgoing messages and control frames, from any number of threads. Two locks
 * keep the wire consistent: the message lock is held for a whole data message, so that fragments of two
 * messages never interleave; the frame lock, which is fair, is held for one frame, so that a pong or
 * close queued while a large message is going out gets the wire after the current frame. Nothing is
 * queued in memory: a sender blocks in its write while the client is slow (backpressure). The send
 * timeout means "no progress for that long": writes go through a {@link StallGuard}, so a large message
 * to a slow but live client goes through, while one the client stops taking is cut by the
 * {@link DeadlineWatchdog}, which closes the connection under the stuck write.
 */
final class MessageSender implements DeadlineWatchdog.Watched {

    /** Outgoing messages are cut into frames of at most this payload, the longest a control frame waits. */
    static final int MAX_FRAME_PAYLOAD = 64 * 1024;
    /** Shorter messages go out uncompressed even with permessage-deflate (RFC 7692 §6 allows it): deflate would cost more than it saves. */
    static final int MIN_COMPRESSED_LENGTH = 64;

    private static final FrameWriter WRITER = new FrameWriter(Role.SERVER);
    private static final byte[] NO_BYTES = new byte[0];

    private final TransportConnection connection;
    private final MessageDeflater deflater;
    // The timeouts are read from the shared config when needed rather than copied: a field less per connection.
    private final WebSocketConfig config;
    private final ReentrantLock messageLock = new ReentrantLock();
    private final ReentrantLock frameLock = new ReentrantLock(true);
    private final StallGuard guard;

    /** When the peer must have answered our close frame; 0 until one is sent. */
    private volatile long closeDeadline;
    private volatile boolean timedOut;
    private volatile boolean closeSent;
    /** The connection is over: no message may start, so that no compressor is made after the last one ended. */
    private volatile boolean released;
    // Written under the frame lock before closeSent publishes them.
    private int sentCloseCode;
    private String sentCloseReason;

    MessageSender(TransportConnection connection, WebSocketConfig config, DeflateParameters deflate) {
        this.connection = connection;
        this.deflater = deflate == null ? null
                : new MessageDeflater(deflate.serverNoContextTakeover());
        this.config = config;
        this.guard = new StallGuard(connection, config.sendTimeout(), null);
    }

    /** Sends a data message, compressed when permessage-deflate is on and it is worth it. */
    void sendMessage(Opcode opcode, byte[] data, int offset, int length) throws IOException {
        lock(messageLock);
        try {
            if (closeSent || released) {
                throw closed();
            }
            if (deflater != null && length >= MIN_COMPRESSED_LENGTH) {
                MessageDeflater.Compressed compressed =
                        deflater.compress(data, offset, length, FrameWriter.MAX_SERVER_HEADER_LENGTH);
                writeFragments(opcode, FrameParser.RSV1, compressed.array(), compressed.offset(), compressed.length(), true);
            } else {
                writeFragments(opcode, 0, data, offset, length, false);
            }
        } finally {
            messageLock.unlock();
        }
    }

    /**
     * Cuts a message into frames; RSV1 goes on the first only (RFC 7692 §6.1).
     *
     * @param ownsArray whether {@code data} is ours with header room in front, so a one-frame message can
     *                  go out in a single write without a copy
     */
    private void writeFragments(Opcode opcode, int rsvBits, byte[] data, int offset, int length,
                                boolean ownsArray) throws IOException {
        int sent = 0;
        do {
            int n = Math.min(MAX_FRAME_PAYLOAD, length - sent);
            boolean fin = sent + n == length;
            Opcode frameOpcode = sent == 0 ? opcode : Opcode.CONTINUATION;
            int frameRsv = sent == 0 ? rsvBits : 0;
            lock(frameLock);
            try {
                if (closeSent) {
                    throw closed();
                }
                if (ownsArray && sent == 0 && fin) {
                    WRITER.writeWithHeadroom(guard, true, frameRsv, frameOpcode, data, offset, n);
                } else {
                    WRITER.write(guard, fin, frameRsv, frameOpcode, data, offset + sent, n);
                }
            } catch (IOException e) {
                throw failed(e);
            } finally {
                frameLock.unlock();
            }
            sent += n;
        } while (sent < length);
    }

    /**
     * Sends a ping or pong (payload at most 125 bytes), ahead of the rest of any message in progress.
     *
     * @return false, sending nothing, once a close frame was sent
     */
    boolean sendControl(Opcode opcode, byte[] payload) throws IOException {
        lock(frameLock);
        try {
            if (closeSent) {
                return false;
            }
            WRITER.write(guard, true, 0, opcode, payload, 0, payload.length);
            return true;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            frameLock.unlock();
        }
    }

    /**
     * Sends the close frame, once: after it no data frame may follow (RFC 6455 §5.5.1).
     *
     * @param code {@link CloseStatus#NO_STATUS} for an empty close payload
     * @return false when a close frame was already sent
     */
    boolean sendClose(int code, String reason) throws IOException {
        byte[] payload = closePayload(code, reason);
        lock(frameLock);
        try {
            if (closeSent) {
                return false;
            }
            sentCloseCode = code;
            sentCloseReason = reason;
            closeSent = true;
            closeDeadline = nonZero(System.nanoTime() + closeTimeoutNanos());
            WRITER.write(guard, true, 0, Opcode.CLOSE, payload, 0, payload.length);
            return true;
        } catch (IOException e) {
            throw failed(e);
        } finally {
            frameLock.unlock();
        }
    }

    /** A close frame's payload: the code, then the reason cut to whole characters within 123 bytes. */
    static byte[] closePayload(int code, String reason) {
        if (code == CloseStatus.NO_STATUS) {
            return NO_BYTES;
        }
        byte[] text = reason == null ? NO_BYTES : reason.getBytes(StandardCharsets.UTF_8);
        int length = text.length;
        if (length > CloseStatus.MAX_REASON_BYTES) {
            length = CloseStatus.MAX_REASON_BYTES;
            while (length > 0 && (text[length] & 0xC0) == 0x80) {
                length--;                              // do not cut a character in two
            }
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        return payload;
    }

    boolean closeSent() {
        return closeSent;
    }

    int sentCloseCode() {
        return sentCloseCode;
    }

    String sentCloseReason() {
        return sentCloseReason;
    }

    long closeDeadline() {
        return closeDeadline;
    }

    /** Whether a send timed out, which closed the connection. */
    boolean timedOut() {
        return timedOut || guard.stalled();
    }

    /** Whether some thread waits for the wire: a test hook for control-frame priority. */
    boolean hasWaitingWriters() {
        return frameLock.hasQueuedThreads();
    }

    /** Called by the watchdog: closes the connection under a write or a close handshake that overran. */
    @Override
    public void checkDeadlines(long now) {
        guard.checkDeadlines(now);
        long close = closeDeadline;
        if (close != 0 && now - close >= 0) {
            connection.close();
        }
    }

    /** The shortest timeout this sender has, for the watchdog's resolution; 0 for none. */
    @Override
    public long shortestTimeoutNanos() {
        long send = sendTimeoutNanos();
        return send == 0 ? closeTimeoutNanos() : Math.min(send, closeTimeoutNanos());
    }

    /** Whether a compressor is held; messages are serialised by the message lock, so this is a snapshot. */
    boolean holdsZlibState() {
        return deflater != null && deflater.holdsZlibState();
    }

    /**
     * Ends the compressor once the connection is closed. A sender still inside a message (its write fails
     * now that the connection is closed) is waited for briefly; if it does not let go, the compressor is
     * left to its cleaner rather than ended under it.
     */
    void release() {
        released = true;
        if (deflater == null) {
            return;
        }
        try {
            if (messageLock.tryLock(closeTimeoutNanos(), TimeUnit.NANOSECONDS)) {
                try {
                    deflater.release();
                } finally {
                    messageLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long sendTimeoutNanos() {
        return config.sendTimeout().toNanos();
    }

    /** Always positive: {@link WebSocketConfig} requires it. */
    private long closeTimeoutNanos() {
        return config.closeTimeout().toNanos();
    }

    /** 0 means "no deadline"; a real one that lands on 0 moves a nanosecond. */
    private static long nonZero(long deadline) {
        return deadline == 0 ? 1 : deadline;
    }

    /**
     * Waits for the wire. A sender queued behind others waits as long as the wire makes progress: it gives
     * up only when no byte went out for the whole send timeout (the client is not reading).
     */
    private void lock(ReentrantLock lock) throws IOException {
        // The common case is uncontended: take the lock without a timed wait. With threads queued, join
        // the queue instead of barging, so that a waiting control frame keeps its turn on the fair lock.
        if (!lock.hasQueuedThreads() && lock.tryLock()) {
            return;
        }
        long timeout = sendTimeoutNanos();
        try {
            if (timeout == 0) {
                lock.lockInterruptibly();
                return;
            }
            long waitStart = System.nanoTime();
            while (true) {
                long lastMove = Math.max(waitStart, guard.isWriting() ? guard.lastProgress() : System.nanoTime());
                long left = lastMove + timeout - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                if (lock.tryLock(left, TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to send");
        }
        // Other senders held the wire with no progress for the whole timeout: the client is not reading.
        timedOut = true;
        connection.close();
        throw timeout();
    }

    private IOException failed(IOException cause) {
        if (timedOut) {
            SocketTimeoutException timeout = timeout();
            timeout.initCause(cause);
            return timeout;
        }
        return cause;
    }

    private SocketTimeoutException timeout() {
        return new SocketTimeoutException("WebSocket send timed out after " + config.sendTimeout().toMillis() + " ms");
    }

    private IOException closed() {
        return new IOException(closeSent ? "WebSocket close frame already sent" : "WebSocket connection closed");
    }
}
