package io.corral.connector.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * One accepted TLS connection as a {@link TransportConnection}, made by {@link TlsTransport#wrap}: an
 * {@link SSLEngine} over a {@link TcpConnection}, Ranch's {@code ranch_ssl} over {@code ranch_tcp}. The handshake
 * runs on the connection's own virtual thread before the protocol sees the connection ({@link #handshake}); then a
 * read fills ciphertext from the socket (honouring the read timeout) and unwraps it, and a write wraps and writes
 * whole records under a lock of its own, so one thread may write while another is blocked reading. Only the
 * reading thread touches the input buffers.
 *
 * <p>An idle connection {@linkplain #hibernate hibernates} as a TCP one does, through the {@link TcpConnection}
 * beneath: its thread ends and its three record buffers (about 50 KB) are dropped, and fresh ones are taken when it
 * wakes, so an idle TLS connection holds only its engine (keys, session) and the socket. It never hibernates while
 * bytes it has read wait inside it — unread plaintext, a record not unwrapped yet, a partial record, the peer's
 * close_notify — since the socket would have nothing left to wake it for: it carries on at once instead. A write
 * meanwhile (a WebSocket message to an idle client) takes a record buffer for its own time only.
 *
 * <p>TLS 1.2 renegotiation is refused (the connection fails): it would turn a write into a wait for the reader.
 * TLS 1.3 post-handshake messages (key updates, tickets) are answered by the reader.
 */
public final class TlsConnection implements TransportConnection {

    /** How long {@link #close()} and {@link #shutdownOutput()} may block sending close_notify to a peer that does not read. */
    static final Duration CLOSE_NOTIFY_TIMEOUT = Duration.ofSeconds(1);
    /** Unnamed, nothing inherited: a woken connection is a fresh process, as {@link TcpConnection}'s wake-ups are. */
    private static final ThreadFactory WAKE_THREADS = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();

    private final TcpConnection tcp;
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Ciphertext read from the socket, not unwrapped yet; in write mode. Reader only; null while hibernating. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped, not handed out yet; in write mode. Reader only; null while hibernating. */
    private ByteBuffer appIn;
    /** One wrapped record on its way out. Under {@link #writeLock}; null while hibernating and not writing. */
    private ByteBuffer netOut;
    private boolean inputEnded;
    private volatile boolean handshakeDone;

    /** Wraps a connected channel in blocking mode; the engine is in server mode and not yet handshaking. */
    TlsConnection(SocketChannel channel, SSLEngine engine, Hibernator hibernator) throws IOException {
        this(channel, engine, hibernator, ByteBuffer.allocate(0));
    }

    /** As above, with ciphertext already read from the channel (by a PROXY protocol reader): unwrapped first. */
    TlsConnection(SocketChannel channel, SSLEngine engine, Hibernator hibernator, ByteBuffer readAhead)
            throws IOException {
        this.tcp = new TcpConnection(channel, hibernator);
        this.channel = channel;
        this.engine = engine;
        if (readAhead.hasRemaining()) {
            SSLSession session = engine.getSession();
            netIn = ByteBuffer.allocate(Math.max(session.getPacketBufferSize(), readAhead.remaining()));
            netIn.put(readAhead);
            appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        }
    }

    /**
     * Runs the handshake on the calling thread; the channel is closed (and this throws) once {@code timeout}
     * passes, however the peer trickles its bytes.
     *
     * @throws IOException when the peer fails the handshake, goes away, or is too slow
     */
    void handshake(Duration timeout) throws IOException {
        ClosingDeadline deadline = ClosingDeadline.start(channel, timeout);
        try {
            takeInputBuffers();
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_TASK -> runDelegatedTasks();
                    case NEED_WRAP -> wrapAndWrite(ByteBuffer.allocate(0));
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapHandshake();
                    case FINISHED, NOT_HANDSHAKING -> {
                        if (engine.isOutboundDone() || engine.isInboundDone()) {
                            throw new SSLHandshakeException("TLS closed during the handshake");
                        }
                        handshakeDone = true;
                        return;
                    }
                }
            }
        } catch (IOException e) {
            if (deadline.expired()) {
                throw new SSLHandshakeException("TLS handshake timed out after " + timeout.toMillis() + " ms");
            }
            throw e;
        } finally {
            deadline.cancel();
        }
    }

    private void unwrapHandshake() throws IOException {
        netIn.flip();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (result.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                if (fill() < 0) {
                    throw new EOFException("peer closed the connection during the TLS handshake");
                }
            }
            case BUFFER_OVERFLOW -> appIn = grow(appIn, Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2));
            case CLOSED -> throw new SSLHandshakeException("peer closed TLS during the handshake");
            case OK -> { }
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        takeInputBuffers();
        while (true) {
            if (appIn.position() > 0) {
                appIn.flip();
                int n = Math.min(length, appIn.remaining());
                appIn.get(buffer, offset, n);
                appIn.compact();
                return n;
            }
            if (inputEnded) {
                return -1;
            }
            if (netIn.position() > 0 && unwrapSome()) {
                continue;
            }
            if (inputEnded) {
                continue;
            }
            if (fill() < 0) {
                inputEnded = true;
                try {
                    engine.closeInbound();
                } catch (SSLException truncated) {
                    // End of stream without close_notify: the peer just went; HTTP framing tells what was cut.
                }
            }
        }
    }

    /** Fresh record buffers after a hibernation (or before the handshake); reader only. */
    private void takeInputBuffers() {
        if (netIn == null) {
            SSLSession session = engine.getSession();
            netIn = ByteBuffer.allocate(session.getPacketBufferSize());
            appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        }
    }

    /** Unwraps what {@link #netIn} holds; true when that made progress, false when more ciphertext is needed. */
    private boolean unwrapSome() throws IOException {
        netIn.flip();
        SSLEngineResult result;
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (result.getStatus()) {
            case OK -> {
                answerPostHandshake(result.getHandshakeStatus());
                return result.bytesConsumed() > 0 || result.bytesProduced() > 0;
            }
            case BUFFER_OVERFLOW -> {
                appIn = grow(appIn, Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2));
                return true;
            }
            case BUFFER_UNDERFLOW -> {
                netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                return false;
            }
            case CLOSED -> {
                // The peer's close_notify: the end of its data. Ours goes out when the protocol closes.
                inputEnded = true;
                return true;
            }
        }
        return false;
    }

    /**
     * A TLS 1.3 key update asks the reader to answer; anything else that starts handshaking after the handshake is
     * a TLS 1.2 renegotiation, refused.
     */
    private void answerPostHandshake(HandshakeStatus status) throws IOException {
        while (status == HandshakeStatus.NEED_TASK || status == HandshakeStatus.NEED_WRAP) {
            if (!"TLSv1.3".equals(engine.getSession().getProtocol())) {
                throw new SSLHandshakeException("TLS renegotiation refused");
            }
            if (status == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
            } else {
                wrapAndWrite(ByteBuffer.allocate(0));
            }
            status = engine.getHandshakeStatus();
        }
        if (status == HandshakeStatus.NEED_UNWRAP && !"TLSv1.3".equals(engine.getSession().getProtocol())) {
            throw new SSLHandshakeException("TLS renegotiation refused");
        }
    }

    /** Reads ciphertext into {@link #netIn}, blocking up to the read timeout; -1 at the end of stream. */
    private int fill() throws IOException {
        if (!netIn.hasRemaining()) {
            // Buffers are sized for the largest record the engine takes: a full one that will not unwrap is garbage.
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes from " + remoteAddress());
        }
        int read = tcp.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (read > 0) {
            netIn.position(netIn.position() + read);
        }
        return read;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        ByteBuffer source = ByteBuffer.wrap(buffer, offset, length);
        writeLock.lock();
        try {
            do {
                wrapAndWrite(source);
            } while (source.hasRemaining());
        } finally {
            if (tcp.isHibernating()) {
                netOut = null; // a send to an idle connection borrows the record buffer for its own time only
            }
            writeLock.unlock();
        }
    }

    /**
     * Wraps one record (or a handshake message, or an alert) from {@code source} and writes it out whole; returns the
     * number of bytes written.
     */
    private int wrapAndWrite(ByteBuffer source) throws IOException {
        writeLock.lock();
        try {
            if (netOut == null) {
                netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            }
            while (true) {
                netOut.clear();
                SSLEngineResult result = engine.wrap(source, netOut);
                switch (result.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        netOut = ByteBuffer.allocate(Math.max(netOut.capacity() * 2, engine.getSession().getPacketBufferSize()));
                        continue;
                    }
                    case CLOSED -> {
                        if (result.bytesProduced() == 0) {
                            throw new SocketException("TLS output closed on " + this);
                        }
                    }
                    case OK, BUFFER_UNDERFLOW -> { }
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    // Through the TCP connection, which also writes while it hibernates (waking it if it must wait).
                    tcp.write(netOut.array(), netOut.arrayOffset(), netOut.limit());
                }
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                }
                return netOut.limit();
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // on this virtual thread: a slow key exchange delays only this connection
        }
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        if (buffer.capacity() >= atLeast && buffer.hasRemaining()) {
            return buffer;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(atLeast, buffer.capacity() + 1024));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        tcp.setReadTimeout(timeout);
    }

    /** Sends close_notify (waiting at most {@link #CLOSE_NOTIFY_TIMEOUT}), then FIN; reads go on. */
    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            sendCloseNotify();
            tcp.shutdownOutput();
        } finally {
            writeLock.unlock();
        }
    }

    /** Once per connection; under the write lock. A peer that does not read within the timeout loses the socket. */
    private void sendCloseNotify() {
        if (engine.isOutboundDone() || !channel.isOpen()) {
            return;
        }
        engine.closeOutbound();
        ClosingDeadline deadline = ClosingDeadline.start(channel, CLOSE_NOTIFY_TIMEOUT);
        try {
            // After a handshake failed, the engine may hold several records: the rest of its flight (a ServerHello),
            // then its alert (no_application_protocol, handshake_failure…), which the peer should get to see why.
            int records = 0;
            while (wrapAndWrite(ByteBuffer.allocate(0)) > 0 && !engine.isOutboundDone() && ++records < 8) {
                // one more record
            }
        } catch (IOException e) {
            // Best effort: the peer is gone or does not read; the close goes on.
        } finally {
            deadline.cancel();
        }
    }

    /**
     * Plaintext a read would return without waiting. A whole record already read but not unwrapped yet (a pipelining
     * client's next request) is unwrapped here, so that the protocol reads on instead of hibernating and waking at once.
     */
    @Override
    public int available() throws IOException {
        if (appIn == null) {
            return 0;
        }
        if (appIn.position() == 0 && netIn.position() > 0 && !inputEnded) {
            unwrapSome();
        }
        return appIn.position();
    }

    /** Ciphertext unread in the socket: whatever the records hold, the peer sent something. */
    @Override
    public boolean hasUnreadBytes() {
        return tcp.hasUnreadBytes();
    }

    @Override
    public boolean canHibernate() {
        return true;
    }

    /**
     * Drops the record buffers and hibernates the TCP connection beneath (see {@link TcpConnection#hibernate});
     * {@code onWake} runs on a new thread when bytes arrive, {@code wakeAtNanos} passes or the connection closes.
     * With input already inside — plaintext not read yet, ciphertext not unwrapped (a whole or a partial record),
     * the peer's close_notify — the socket may never signal again for it, so {@code onWake} runs at once instead: a
     * woken protocol reads what is there, or waits for the rest of the record with its read timeout.
     */
    @Override
    public void hibernate(long wakeAtNanos, Runnable onWake) {
        if (inputEnded || netIn != null && netIn.position() > 0 || appIn != null && appIn.position() > 0) {
            WAKE_THREADS.newThread(onWake).start();
            return;
        }
        netIn = null;
        appIn = null;
        writeLock.lock();
        try {
            netOut = null;
        } finally {
            writeLock.unlock();
        }
        tcp.hibernate(wakeAtNanos, onWake);
    }

    /** Whether the connection is hibernating now (a test hook). */
    public boolean isHibernating() {
        return tcp.isHibernating();
    }

    @Override
    public SocketAddress localAddress() {
        return tcp.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return tcp.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public SSLSession sslSession() {
        return handshakeDone ? engine.getSession() : null;
    }

    @Override
    public String applicationProtocol() {
        String protocol = handshakeDone ? engine.getApplicationProtocol() : null;
        return protocol == null || protocol.isEmpty() ? null : protocol;
    }

    @Override
    public void evictableSince(long sinceNanos) {
        tcp.evictableSince(sinceNanos);
    }

    @Override
    public long evictableSince() {
        return tcp.evictableSince();
    }

    /**
     * Sends close_notify (or, after a failed handshake, the engine's alert) when no other thread is writing — a
     * writer blocked on a slow peer would make it wait — then closes the channel, which unblocks a reader and wakes a
     * hibernating connection.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (writeLock.tryLock()) {
            try {
                sendCloseNotify();
            } finally {
                writeLock.unlock();
            }
        }
        tcp.close(); // also wakes a hibernating connection, so that its protocol meets the close and ends
    }

    @Override
    public String toString() {
        return "tls " + tcp.localAddress() + " <- " + tcp.remoteAddress();
    }

    /** Closes a channel when a blocking step (a handshake, a close_notify) runs past its time; on the shared watchdog. */
    private static final class ClosingDeadline implements DeadlineWatchdog.Watched {
        private final SocketChannel channel;
        private final long timeoutNanos;
        private final long deadline;
        private volatile boolean expired;

        private ClosingDeadline(SocketChannel channel, Duration timeout) {
            this.channel = channel;
            this.timeoutNanos = Math.max(1, timeout.toNanos());
            this.deadline = System.nanoTime() + timeoutNanos;
        }

        static ClosingDeadline start(SocketChannel channel, Duration timeout) {
            ClosingDeadline watched = new ClosingDeadline(channel, timeout);
            DeadlineWatchdog.SHARED.watch(watched);
            return watched;
        }

        boolean expired() {
            return expired;
        }

        void cancel() {
            DeadlineWatchdog.SHARED.unwatch(this);
        }

        @Override
        public void checkDeadlines(long now) {
            if (now - deadline >= 0 && !expired) {
                expired = true;
                DeadlineWatchdog.SHARED.unwatch(this);
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // Closed either way.
                }
            }
        }

        @Override
        public long shortestTimeoutNanos() {
            return timeoutNanos;
        }
    }
}
