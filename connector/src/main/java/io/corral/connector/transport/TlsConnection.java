package io.corral.connector.transport;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
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
 * {@link SSLEngine} over a {@link SocketChannel} in blocking mode, Ranch's {@code ranch_ssl}. The handshake runs
 * on the connection's own virtual thread before the protocol sees the connection ({@link #handshake}); then a read
 * fills ciphertext from the socket (honouring the read timeout, as {@link TcpConnection} does) and unwraps it, and a
 * write wraps and writes whole records under a lock of its own, so one thread may write while another is blocked
 * reading. Only the reading thread touches the input buffers.
 *
 * <p>Does not hibernate in this first cut ({@link #canHibernate()} is false): an idle TLS connection keeps its
 * virtual thread and its three record buffers (about 50 KB) until its idle timeout. Hibernating would need the
 * engine's buffered plaintext and partial records carried across the non-blocking wait; a later step.
 *
 * <p>TLS 1.2 renegotiation is refused (the connection fails): it would turn a write into a wait for the reader.
 * TLS 1.3 post-handshake messages (key updates, tickets) are answered by the reader.
 */
public final class TlsConnection implements TransportConnection {

    /** How long {@link #close()} and {@link #shutdownOutput()} may block sending close_notify to a peer that does not read. */
    static final Duration CLOSE_NOTIFY_TIMEOUT = Duration.ofSeconds(1);

    private final SocketChannel channel;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SSLEngine engine;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Ciphertext read from the socket, not unwrapped yet; in write mode. Reader only. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped, not handed out yet; in write mode. Reader only. */
    private ByteBuffer appIn;
    /** One wrapped record on its way out. Under {@link #writeLock}. */
    private ByteBuffer netOut;
    private boolean inputEnded;
    private volatile boolean handshakeDone;
    private volatile long evictableSince = NOT_EVICTABLE;

    /** Wraps a connected channel in blocking mode; the engine is in server mode and not yet handshaking. */
    TlsConnection(SocketChannel channel, SSLEngine engine) throws IOException {
        this(channel, engine, ByteBuffer.allocate(0));
    }

    /** As above, with ciphertext already read from the channel (by a PROXY protocol reader): unwrapped first. */
    TlsConnection(SocketChannel channel, SSLEngine engine, ByteBuffer readAhead) throws IOException {
        this.channel = channel;
        this.socket = channel.socket();
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.engine = engine;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(Math.max(session.getPacketBufferSize(), readAhead.remaining()));
        this.netIn.put(readAhead);
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
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
            throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes from " + remote);
        }
        int read = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
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
            writeLock.unlock();
        }
    }

    /** Wraps one record (or a handshake message, or an alert) from {@code source} and writes it out whole. */
    private void wrapAndWrite(ByteBuffer source) throws IOException {
        writeLock.lock();
        try {
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
                    out.write(netOut.array(), netOut.arrayOffset(), netOut.limit());
                }
                if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                }
                return;
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
        socket.setSoTimeout(TcpConnection.soTimeoutMillis(timeout));
    }

    /** Sends close_notify (waiting at most {@link #CLOSE_NOTIFY_TIMEOUT}), then FIN; reads go on. */
    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            sendCloseNotify();
            if (channel.isOpen() && !socket.isOutputShutdown()) {
                channel.shutdownOutput();
            }
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
            wrapAndWrite(ByteBuffer.allocate(0));
        } catch (IOException e) {
            // Best effort: the peer is gone or does not read; the close goes on.
        } finally {
            deadline.cancel();
        }
    }

    @Override
    public int available() {
        return appIn.position();
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
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
        this.evictableSince = sinceNanos;
    }

    @Override
    public long evictableSince() {
        return evictableSince;
    }

    /**
     * Sends close_notify (or, after a failed handshake, the engine's alert) when no other thread is writing — a
     * writer blocked on a slow peer would make it wait — then closes the channel, which unblocks a reader.
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
        try {
            channel.close();
        } catch (IOException ignored) {
            // The descriptor is released whether or not the kernel reported an error.
        }
    }

    @Override
    public String toString() {
        return "tls " + local + " <- " + remote;
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
