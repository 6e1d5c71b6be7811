package io.corral.connector.websocket;

import io.corral.connector.listener.Hibernation;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.transport.DeadlineWatchdog;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop that owns a connection after the 101, on the connection's own virtual thread: Cowboy's
 * {@code cowboy_websocket} process. It reads frames, hands whole messages to the {@link WebSocketHandler}
 * on this same thread (in order; a handler that blocks stalls only this connection), answers pings,
 * keeps the idle timeout, the optional ping interval and hibernation with its read timeout, and runs the
 * close handshake (RFC 6455 §7): a peer's close is echoed with its code and TCP is closed at once, as the
 * server should; the server's own close waits for the peer's answer up to the close timeout. A protocol
 * violation sends a close frame with its code (1002, 1007, 1009…) and a short reason, then closes in
 * order — output shut, input drained until the peer closes or the close timeout passes — with one DEBUG
 * log line naming the peer.
 *
 * <p>This object is also the handler's {@link WebSocketSession}. An idle connection holds its two send
 * locks and a few fields, and until it hibernates the small read buffer of its {@link MessageReader};
 * message buffers, pooled chunks and zlib state exist only while messages are in flight (see
 * {@link WebSocketConfig}).
 */
public final class WebSocketConnection implements WebSocketSession {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);
    private static final byte[] NO_BYTES = new byte[0];
    private static final long NONE = Long.MAX_VALUE;
    /**
     * What a connection closed for a flood of control frames drains at most before it closes: enough for the close
     * frame to reach a client that reads, where closing with its flood unread would reset it (and may lose the
     * frame), but not seconds of reading a flood.
     */
    private static final long FLOODER_LINGER_BYTES = 64 * 1024;

    private final TransportConnection connection;
    private final WebSocketHandler handler;
    private final String subprotocol;
    private final MessageReader reader;
    private final MessageSender sender;
    // The timeouts are read from the shared config when needed rather than copied: a field less per connection.
    private final WebSocketConfig config;
    private volatile Map<String, Object> attributes;
    /** While registered with a draining engine's notice; closed when the connection ends. */
    private volatile GoingAway.Registration goingAway;
    private volatile boolean closeReceived;

    // Owned by the connection's thread.
    private boolean closing;
    private boolean awaitingPong;
    private long pingSentNanos;
    /** As the socket counts it: whole milliseconds in an int, 0 for none. */
    private int readTimeoutMillis = -1;
    /** The read timeout was set while the reader hibernated, so it leaves hibernation out: set it anew once awake. */
    private boolean readTimeoutSetWhileHibernating;
    private int closeCode;
    private String closeReason;

    /**
     * @param deflate     the permessage-deflate agreement, or null when none
     * @param subprotocol the agreed subprotocol, or null
     */
    public WebSocketConnection(TransportConnection connection, WebSocketHandler handler, WebSocketConfig config,
                               DeflateParameters deflate, String subprotocol) {
        this.connection = connection;
        this.handler = handler;
        this.subprotocol = subprotocol;
        this.reader = new MessageReader(connection, config, deflate);
        this.sender = new MessageSender(connection, config, deflate);
        this.config = config;
    }

    /**
     * Runs the connection until it is closed, then closes the transport and calls
     * {@link WebSocketHandler#onClose}; or until it has been quiet for {@link WebSocketConfig#hibernateAfter()}
     * and the transport can hibernate: then it returns where it carries on once bytes arrive or a timeout is
     * due, with no thread, no read buffer and no stack kept meanwhile. Never throws: every failure ends this
     * connection only.
     *
     * @param leftover bytes the client sent behind the handshake; may be empty
     * @return null when the connection is done, or its {@link Hibernation}
     */
    public Hibernation run(ByteBuffer leftover) {
        reader.prepend(leftover);
        DeadlineWatchdog.SHARED.watch(sender);
        try {
            open();
        } catch (HandlerFailure e) {
            fail(CloseStatus.INTERNAL_ERROR, "internal error", e.getCause());
            end();
            return null;
        }
        return burst();
    }

    /** Reads and dispatches on the current thread until the connection ends or hibernates. */
    private Hibernation burst() {
        boolean ended = true;
        try {
            Hibernation hibernation = readLoop();
            ended = hibernation == null;
            return hibernation;
        } catch (WebSocketException e) {
            fail(e.closeCode(), e.getMessage(), e);
        } catch (HandlerFailure e) {
            fail(CloseStatus.INTERNAL_ERROR, "internal error", e.getCause());
        } catch (IOException e) {
            ioFailure(e);
        } finally {
            if (ended) {
                end();
            }
        }
        return null;
    }

    /**
     * Closes this session with 1001 (RFC 6455 §7.4.1, "going away") when the engine that upgraded it drains and
     * the drain's grace for upgraded connections is over; the close handshake then runs as for any server close.
     */
    public void goAwayWhenDraining(GoingAway notice) {
        goingAway = notice.register(() -> {
            if (isOpen()) {
                close(CloseStatus.GOING_AWAY, "server going away");
            }
        });
    }

    private void end() {
        GoingAway.Registration registration = goingAway;
        if (registration != null) {
            registration.close();
        }
        DeadlineWatchdog.SHARED.unwatch(sender);
        connection.close();
        reader.release();
        sender.release();
        reportClose();
    }

    private void open() throws HandlerFailure {
        try {
            handler.onOpen(this);
        } catch (Exception e) {
            throw new HandlerFailure(e);
        }
    }

    /** @return null when the connection is done, or a hibernation once it has been quiet long enough */
    private Hibernation readLoop() throws IOException, HandlerFailure {
        updateReadTimeout();
        while (true) {
            noticeCloseSent();
            InboundMessage message;
            try {
                message = reader.next();
            } catch (SocketTimeoutException e) {
                if (!onReadTimeout()) {
                    return null;
                }
                if (reader.isHibernating() && !closing && connection.canHibernate()) {
                    return new Hibernation(wakeDeadline(), this::burst);
                }
                continue;
            }
            if (message == null) {
                LOG.debug("WebSocket {}: peer closed TCP without a close frame", connection.remoteAddress());
                return null;
            }
            noticeCloseSent();
            switch (message) {
                case InboundMessage.Text text -> {
                    if (!closing) {
                        try {
                            handler.onText(this, text.text());
                        } catch (Exception e) {
                            throw new HandlerFailure(e);
                        }
                    }
                }
                case InboundMessage.Binary binary -> {
                    if (!closing) {
                        try {
                            handler.onBinary(this, binary.data());
                        } catch (Exception e) {
                            throw new HandlerFailure(e);
                        }
                    }
                }
                case InboundMessage.Ping ping -> sender.sendControl(Opcode.PONG, ping.payload());
                case InboundMessage.Pong pong -> {
                    if (awaitingPong) {
                        awaitingPong = false;
                        updateReadTimeout();
                    }
                    if (!closing) {
                        try {
                            handler.onPong(this, ByteBuffer.wrap(pong.payload()));
                        } catch (Exception e) {
                            throw new HandlerFailure(e);
                        }
                    }
                }
                case InboundMessage.Close close -> {
                    onCloseFrame(close);
                    return null;
                }
            }
            if (awaitingPong && System.nanoTime() - pingSentNanos >= config.pingInterval().toNanos()) {
                pongMissing();
            }
            if (readTimeoutSetWhileHibernating && !reader.isHibernating()) {
                updateReadTimeout();
            }
        }
    }

    /** A close frame sent by any thread (the handler's close, a timeout) turns the loop to closing. */
    private void noticeCloseSent() throws IOException {
        if (!closing && sender.closeSent()) {
            startClosing();
        }
    }

    /** A close frame from the peer: the handshake ends here whoever started it. */
    private void onCloseFrame(InboundMessage.Close close) throws IOException {
        closeReceived = true;
        if (sender.closeSent()) {
            return;                                   // the answer to our close; ours is reported
        }
        closeCode = close.code();
        closeReason = close.reason();
        // RFC 6455 §5.5.1: answer with a close frame, echoing the status code.
        sender.sendClose(close.code(), "");
    }

    /** @return whether to go on reading */
    private boolean onReadTimeout() throws IOException {
        if (closing) {
            LOG.debug("WebSocket {}: no close frame in answer to ours", connection.remoteAddress());
            return false;
        }
        long now = System.nanoTime();
        long silent = now - reader.lastReadNanos();
        long idleNanos = config.idleTimeout().toNanos();
        long pingNanos = config.pingInterval().toNanos();
        long hibernateNanos = config.hibernateAfter().toNanos();
        if (hibernateNanos > 0 && silent >= hibernateNanos) {
            reader.hibernate();
        }
        if (idleNanos > 0 && silent >= idleNanos) {
            LOG.debug("WebSocket {}: idle timeout", connection.remoteAddress());
            closeLocally(CloseStatus.GOING_AWAY, "idle timeout");
            return true;
        }
        if (pingNanos > 0) {
            if (awaitingPong) {
                if (now - pingSentNanos >= pingNanos) {
                    pongMissing();
                    return true;
                }
            } else if (silent >= pingNanos) {
                sender.sendControl(Opcode.PING, NO_BYTES);
                awaitingPong = true;
                pingSentNanos = now;
            }
        }
        updateReadTimeout();
        return true;
    }

    private void pongMissing() throws IOException {
        LOG.debug("WebSocket {}: no pong within the ping interval", connection.remoteAddress());
        closeLocally(CloseStatus.GOING_AWAY, "ping timeout");
        closeCode = CloseStatus.ABNORMAL;
        closeReason = "no pong within the ping interval";
    }

    private void closeLocally(int code, String reason) throws IOException {
        sender.sendClose(code, reason);
        startClosing();
    }

    /** Our close frame is out: drop data until the peer's close frame, for at most the close timeout. */
    private void startClosing() throws IOException {
        closing = true;
        awaitingPong = false;
        reader.discardData();
        updateReadTimeout();
    }

    /** Sets the read timeout to the nearest deadline: close answer, idle, ping, pong or hibernation. */
    private void updateReadTimeout() throws IOException {
        long deadline = nextDeadline();
        readTimeoutSetWhileHibernating = reader.isHibernating();
        int millis = deadline == NONE ? 0 : (int) Math.min(Integer.MAX_VALUE,
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime() + 999_999)));
        if (millis != readTimeoutMillis) {
            connection.setReadTimeout(Duration.ofMillis(millis));
            readTimeoutMillis = millis;
        }
    }

    /** The nearest deadline ({@link System#nanoTime()}), or {@link #NONE}: close answer, idle, ping, pong, hibernation. */
    private long nextDeadline() {
        long deadline = wakeDeadline();
        long hibernateNanos = config.hibernateAfter().toNanos();
        // A reader that already dropped its buffer still has a thread to give up, when the transport can.
        if (!closing && hibernateNanos > 0 && (!reader.isHibernating() || connection.canHibernate())) {
            deadline = Math.min(deadline, reader.lastReadNanos() + hibernateNanos);
        }
        return deadline;
    }

    /** The nearest deadline a hibernated connection must wake for: close answer, idle, ping or pong. */
    private long wakeDeadline() {
        long deadline = NONE;
        if (closing) {
            long close = sender.closeDeadline();
            return close == 0 ? NONE : close;
        }
        long last = reader.lastReadNanos();
        long idleNanos = config.idleTimeout().toNanos();
        long pingNanos = config.pingInterval().toNanos();
        if (idleNanos > 0) {
            deadline = last + idleNanos;
        }
        if (pingNanos > 0) {
            deadline = Math.min(deadline, awaitingPong ? pingSentNanos + pingNanos : last + pingNanos);
        }
        return deadline;
    }

    /** The peer broke the protocol or the handler failed: close frame, orderly close, one DEBUG line. */
    private void fail(int code, String reason, Throwable cause) {
        LOG.debug("WebSocket {} failed: {} {}", connection.remoteAddress(), code, reason);
        if (!sender.closeSent()) {
            closeCode = code;
            closeReason = reason;
        }
        notifyError(cause);
        try {
            sender.sendClose(code, reason);
        } catch (IOException e) {
            return;                                   // the connection is gone: nothing to linger for
        }
        // A flooder (too many control frames) gets time to read its close frame, not seconds of reading its flood.
        lingeringClose(code == CloseStatus.POLICY_VIOLATION ? FLOODER_LINGER_BYTES : Long.MAX_VALUE);
    }

    private void ioFailure(IOException e) {
        if (sender.timedOut()) {
            LOG.debug("WebSocket {}: send timed out, connection closed", connection.remoteAddress());
            notifyError(new SocketTimeoutException("send timed out; the client is not reading"));
        } else if (!sender.closeSent()) {
            LOG.debug("WebSocket {}: connection failed: {}", connection.remoteAddress(), e.toString());
            notifyError(e);
        }
    }

    /**
     * Shuts output after the close frame and reads until the peer closes, for at most the close timeout,
     * so that closing does not reset the connection while the peer's last bytes are in flight — the
     * reset could destroy our close frame before the peer reads it.
     */
    private void lingeringClose(long maxBytes) {
        try {
            connection.shutdownOutput();
            long deadline = sender.closeDeadline();
            long drained = 0;
            byte[] scratch = reader.scratchBuffer();
            // A flooder closed for its flood goes on sending: draining it must not keep a carrier from others.
            FairTurn turn = new FairTurn();
            while (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                connection.setReadTimeout(Duration.ofMillis(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))));
                int read = connection.read(scratch, 0, scratch.length);
                if (read < 0 || (drained += read) >= maxBytes) {
                    return;
                }
                turn.afterFrame(read);
            }
        } catch (IOException e) {
            // a timeout or a reset: either way the connection is done
        }
    }

    private void reportClose() {
        int code;
        String reason;
        if (sender.timedOut()) {
            code = CloseStatus.POLICY_VIOLATION;
            reason = "send timeout";
        } else if (closeReason != null) {
            code = closeCode;
            reason = closeReason;
        } else if (sender.closeSent()) {
            code = sender.sentCloseCode();
            reason = sender.sentCloseReason();
        } else {
            code = CloseStatus.ABNORMAL;
            reason = "";
        }
        try {
            handler.onClose(this, code, reason);
        } catch (RuntimeException e) {
            LOG.warn("WebSocket handler failed in onClose for {}", connection.remoteAddress(), e);
        }
    }

    private void notifyError(Throwable cause) {
        try {
            handler.onError(this, cause);
        } catch (RuntimeException e) {
            LOG.warn("WebSocket handler failed in onError for {}", connection.remoteAddress(), e);
        }
    }

    @Override
    public void sendText(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sender.sendMessage(Opcode.TEXT, bytes, 0, bytes.length);
    }

    @Override
    public void sendBinary(ByteBuffer data) throws IOException {
        if (data.hasArray()) {
            sender.sendMessage(Opcode.BINARY, data.array(), data.arrayOffset() + data.position(), data.remaining());
        } else {
            byte[] copy = new byte[data.remaining()];
            data.get(data.position(), copy);
            sender.sendMessage(Opcode.BINARY, copy, 0, copy.length);
        }
    }

    @Override
    public void sendPing(ByteBuffer payload) throws IOException {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("ping payload over 125 bytes: " + payload.remaining());
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.get(payload.position(), bytes);
        if (!sender.sendControl(Opcode.PING, bytes)) {
            throw new IOException("WebSocket close frame already sent");
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!CloseStatus.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code not allowed on the wire: " + code);
        }
        try {
            sender.sendClose(code, reason == null ? "" : reason);
        } catch (IOException e) {
            LOG.debug("WebSocket {}: close frame not sent: {}", connection.remoteAddress(), e.toString());
        }
    }

    @Override
    public boolean isOpen() {
        return !sender.closeSent() && !closeReceived && connection.isOpen();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.localAddress();
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> map = attributes;
        if (map == null) {
            synchronized (this) {
                map = attributes;
                if (map == null) {
                    map = new ConcurrentHashMap<>(4);
                    attributes = map;
                }
            }
        }
        return map;
    }

    /** Bytes of message buffers held beyond the small read buffer: zero while idle (a test hook). */
    int heldMessageBytes() {
        return reader.heldMessageBytes();
    }

    /** Whether zlib state is held for either direction (a test hook for hibernation). */
    boolean holdsZlibState() {
        return reader.holdsZlibState() || sender.holdsZlibState();
    }

    /** Whether the reader has dropped its read buffer (a test hook for hibernation). */
    boolean isHibernating() {
        return reader.isHibernating();
    }

    /** Whether a sender waits for the wire (a test hook for control-frame priority). */
    boolean hasWaitingWriters() {
        return sender.hasWaitingWriters();
    }

    /** Wraps what a handler callback threw, so that it is told apart from the connection's own I/O errors. */
    private static final class HandlerFailure extends Exception {
        HandlerFailure(Exception cause) {
            super(cause);
        }
    }
}
