package io.corral.jetty;

import io.corral.connector.proxy.ProxiedConnection;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import io.corral.connector.websocket.FairTurn;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.StringUtil;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's view of one Corral connection: a real {@link org.eclipse.jetty.io.EndPoint} over the
 * connection's {@link TransportConnection}. While HTTP/1.1 is spoken, Corral's engine owns the reads, so
 * {@link #fill} has nothing to give and fill interest simply waits; once a Jetty {@code Connection} takes
 * the socket over (an upgrade), the connection's own virtual thread becomes this endpoint's reader
 * ({@link #serveReads}) and {@link #fill}/{@link #fillInterested} work as on a selector-based endpoint.
 * {@link #flush} writes through, blocking the calling thread until the peer has taken the bytes, in
 * slices that each count as activity for Jetty's idle timer: a large write to a slow but live peer is not
 * idle. An idle timeout set on this endpoint (by Jetty's {@code HttpChannel} from
 * {@code HttpConfiguration.setIdleTimeout}, or by an application) also applies to the engine's reads and
 * writes of the exchange in progress.
 */
public final class CorralEndPoint extends AbstractEndPoint {

    private static final Logger LOG = LoggerFactory.getLogger(CorralEndPoint.class);
    private static final int READ_BUFFER_SIZE = 16 * 1024;
    /**
     * How much a lingering close reads and drops at most, and for how long. Generous in bytes: a client
     * cannot stop a message it is already writing, so it sends the whole of it before it reads our close
     * (16 MiB take well under a second on loopback); the time bound is what limits a hostile client.
     */
    private static final long LINGER_BYTES = 64L * 1024 * 1024;
    private static final Duration LINGER_TIME = Duration.ofSeconds(3);

    private final TransportConnection transport;
    private final Scheduler scheduler;
    /** The connector's idle timeout as it is now: an operator may change it while the connection lives. */
    private final LongSupplier defaultIdleTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readWanted = lock.newCondition();
    /** Bytes read from the socket (or left over by the HTTP engine) that {@link #fill} has not handed out yet. */
    private ByteBuffer pending = BufferUtil.EMPTY_BUFFER;
    private boolean inputEnded;
    private boolean readerWaiting;
    private boolean interestSignalled;
    /** Made on the first flush: only an upgraded Jetty connection writes through the endpoint. */
    private StallGuard writes;
    private volatile BooleanSupplier lingerOnClose = () -> false;
    private volatile Scheduler.Task lingerDeadline;

    /**
     * @param transport          the accepted connection
     * @param scheduler          Jetty's scheduler, for idle timeouts once the endpoint has an idle timeout set
     * @param defaultIdleTimeout what {@link #getIdleTimeout()} reports while Corral's engine enforces the
     *                           timeouts itself (no timer runs for it)
     */
    public CorralEndPoint(TransportConnection transport, Scheduler scheduler, long defaultIdleTimeout) {
        this(transport, scheduler, () -> defaultIdleTimeout);
    }

    /**
     * As above, with the connector's idle timeout read when asked, so that one changed live is what this endpoint
     * reports (and what an upgrade to WebSocket takes) from then on.
     */
    public CorralEndPoint(TransportConnection transport, Scheduler scheduler, LongSupplier defaultIdleTimeout) {
        super(scheduler);
        this.transport = transport;
        this.scheduler = scheduler;
        this.defaultIdleTimeout = defaultIdleTimeout;
    }

    /** The connection Corral accepted. */
    @Override
    public TransportConnection getTransport() {
        return transport;
    }

    /** The address the client connected to: behind a proxy, the one its PROXY header named (also a Unix one). */
    @Override
    public SocketAddress getLocalSocketAddress() {
        return transport instanceof ProxiedConnection proxied ? proxied.localSocketAddress() : transport.localAddress();
    }

    /** The client's address: behind a proxy, the one its PROXY header named (also a Unix one). */
    @Override
    public SocketAddress getRemoteSocketAddress() {
        return transport instanceof ProxiedConnection proxied ? proxied.remoteSocketAddress() : transport.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return transport.isSecure();
    }

    /**
     * The TLS session as Jetty's {@code SecureRequestCustomizer} and the servlet attributes
     * ({@code jakarta.servlet.request.X509Certificate}, {@code cipher_suite}, {@code key_size},
     * {@code ssl_session_id}) read it, or null on plain TCP. Kept on the session, as Jetty's {@code SslConnection}
     * does, so a resumed session does not build it again.
     */
    @Override
    public SslSessionData getSslSessionData() {
        SSLSession session = transport.sslSession();
        if (session == null) {
            return proxiedSslSessionData();
        }
        if (session.getValue(SslSessionData.ATTRIBUTE) instanceof SslSessionData known) {
            return known;
        }
        SslSessionData data = SslSessionData.from(session, StringUtil.toHexString(session.getId()),
                session.getCipherSuite(), peerCertificates(session));
        session.putValue(SslSessionData.ATTRIBUTE, data);
        return data;
    }

    /**
     * Behind a proxy that terminated the client's TLS, and trusted to say so ({@code proxyTrustSsl}): what the
     * PROXY header tells of it, as Jetty's {@code ProxyEndPoint} reports it — the cipher suite, no session, no
     * certificate. Null otherwise.
     */
    private SslSessionData proxiedSslSessionData() {
        if (transport instanceof ProxiedConnection proxied && proxied.isSecure() && proxied.header().clientSsl()) {
            return SslSessionData.from(null, null, proxied.header().ssl().cipher(), null);
        }
        return null;
    }

    /** The client's certificate chain, or null when it sent none (client authentication not asked for, or declined). */
    private static X509Certificate[] peerCertificates(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate)) {
                return null;
            }
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return x509;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    /**
     * Puts {@code newConnection} on this endpoint. An endpoint on an HTTP/2 stream's tunnel (RFC 8441) had no
     * connection before: there is nothing to upgrade from, and Jetty's own {@code upgrade} would fail on that.
     */
    @Override
    public void upgrade(Connection newConnection) {
        if (getConnection() != null) {
            super.upgrade(newConnection);
            return;
        }
        setConnection(newConnection);
        newConnection.onOpen();
    }

    /**
     * While the engine owns the connection no Jetty timer runs per connection (Corral's engine enforces
     * the idle timeout on its own reads), yet callers asking for the timeout expect the connector's.
     */
    @Override
    public long getIdleTimeout() {
        long own = super.getIdleTimeout();
        return own > 0 ? own : defaultIdleTimeout.getAsLong();
    }

    /**
     * Jetty's idle timer takes the new value; the HTTP exchange in progress, whose reads and writes
     * Corral's engine times, takes it too, as ServerConnector's endpoint applies it to its own I/O.
     */
    @Override
    public void setIdleTimeout(long idleTimeout) {
        super.setIdleTimeout(idleTimeout);
        if (getConnection() instanceof CorralHttpConnection http) {
            http.idleTimeoutChanged(idleTimeout);
        }
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
        lock.lock();
        try {
            if (pending.hasRemaining()) {
                notIdle();
                return BufferUtil.append(buffer, pending);
            }
            if (inputEnded) {
                shutdownInput();
                return -1;
            }
            return 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        if (!isOpen()) {
            throw new IOException("closed " + this);
        }
        StallGuard out = writes;
        if (out == null) {
            // Nothing is enforced by the guard: it tells Jetty's idle timer about every slice written.
            out = writes = new StallGuard(transport, Duration.ZERO, this::notIdle);
        }
        byte[] bounce = null;
        for (ByteBuffer buffer : buffers) {
            if (buffer == null || !buffer.hasRemaining()) {
                continue;
            }
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                buffer.position(buffer.limit());
            } else {
                // Direct buffers have no array: copy through a small bounce buffer.
                if (bounce == null) {
                    bounce = new byte[Math.min(buffer.remaining(), READ_BUFFER_SIZE)];
                }
                while (buffer.hasRemaining()) {
                    int length = Math.min(bounce.length, buffer.remaining());
                    buffer.get(bounce, 0, length);
                    out.write(bounce, 0, length);
                }
            }
        }
        notIdle();
        return true;
    }

    @Override
    protected void needsFillInterest() {
        lock.lock();
        try {
            interestSignalled = true;
            if (readerWaiting) {
                readWanted.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected void onIncompleteFlush() {
        // flush() always writes everything before returning.
    }

    @Override
    protected void doShutdownOutput() {
        try {
            transport.shutdownOutput();
        } catch (IOException x) {
            LOG.debug("shutdownOutput failed on {}", this, x);
        }
    }

    @Override
    protected void doClose() {
        if (lingerOnClose.getAsBoolean()) {
            startLingeringClose();
        } else {
            transport.close();
        }
        lock.lock();
        try {
            if (readerWaiting) {
                readWanted.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes closing linger while {@code condition} holds (for a WebSocket: once its close frame is out).
     * A close that has just sent a last message and then resets the connection while the peer is still
     * sending can destroy that message before the peer reads it: the peer sees a reset (a WebSocket
     * client reports 1006) instead of the close code. So a lingering close only shuts output (the peer
     * reads our last bytes, then the end), and the connection's reader, once its loop has ended, reads and
     * drops what the peer still sends ({@link #drainAfterLingeringClose}) until the peer closes; the socket
     * is closed after 64 MiB or 3 s at the latest, whatever the reader does.
     */
    public void lingerOnCloseWhen(BooleanSupplier condition) {
        lingerOnClose = condition;
    }

    private void startLingeringClose() {
        doShutdownOutput();
        lingerDeadline = scheduler.schedule(transport::close, LINGER_TIME.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * On the connection's reader thread, after its read loop ended: when the close lingers, reads and drops
     * the peer's last bytes until it closes, 64 MiB or the linger time have passed;
     * then (in any case) closes the socket.
     */
    public void drainAfterLingeringClose() {
        drainAfterLingeringClose(LINGER_BYTES);
    }

    /** As {@link #drainAfterLingeringClose()}, dropping at most {@code maxBytes} (a flooder gets less). */
    public void drainAfterLingeringClose(long maxBytes) {
        Scheduler.Task deadline = lingerDeadline;
        if (deadline == null) {
            return;
        }
        try {
            byte[] sink = new byte[4096];
            // A flooder closed for its flood goes on sending: draining it must not keep a carrier from others.
            FairTurn turn = new FairTurn();
            long end = System.nanoTime() + LINGER_TIME.toNanos();
            long drained = 0;
            while (drained < Math.min(maxBytes, LINGER_BYTES)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                transport.setReadTimeout(Duration.ofNanos(left));
                int read = transport.read(sink, 0, sink.length);
                if (read < 0) {
                    break;
                }
                drained += read;
                turn.afterFrame(read);
            }
        } catch (IOException e) {
            // A timeout, a reset, or the deadline closed the socket: the peer had its chance either way.
        } finally {
            deadline.cancel();
            transport.close();
        }
    }

    /**
     * Jetty calls this on its scheduler thread. What the connection does on expiry may write (a WebSocket
     * sends its 1001 close), and {@link #flush} blocks while the peer does not read: on a virtual thread
     * of its own, a stuck peer can never stall every other timer of the server.
     */
    @Override
    protected void onIdleExpired(java.util.concurrent.TimeoutException timeout) {
        Thread.ofVirtual().start(() -> super.onIdleExpired(timeout));
    }

    /**
     * Runs this endpoint's reads on the calling thread until the connection closes: Jetty's
     * {@code Connection} now owns the socket (after an upgrade). Each time Jetty registers fill interest
     * and has drained what was read, one blocking read is made and the interest is told it can fill.
     *
     * @param leftover bytes the HTTP engine read past the last request; they are filled first
     */
    public void serveReads(ByteBuffer leftover) throws IOException {
        transport.setReadTimeout(Duration.ZERO);
        byte[] buffer = new byte[READ_BUFFER_SIZE];
        lock.lock();
        try {
            if (leftover != null && leftover.hasRemaining()) {
                pending = BufferUtil.copy(leftover);
            }
        } finally {
            lock.unlock();
        }
        while (isOpen()) {
            if (!awaitReadInterest()) {
                return;
            }
            boolean hasBytes;
            lock.lock();
            try {
                hasBytes = pending.hasRemaining() || inputEnded;
            } finally {
                lock.unlock();
            }
            if (!hasBytes) {
                int read;
                try {
                    read = transport.read(buffer, 0, buffer.length);
                } catch (IOException x) {
                    if (!getFillInterest().onFail(x)) {
                        close(x);
                    }
                    return;
                }
                lock.lock();
                try {
                    if (read < 0) {
                        inputEnded = true;
                    } else {
                        // Safe to reuse the array: a read only happens once fill() drained the last one.
                        pending = ByteBuffer.wrap(buffer, 0, read);
                    }
                } finally {
                    lock.unlock();
                }
            }
            getFillInterest().fillable();
        }
    }

    /** Parks the reader until Jetty wants bytes; false when the endpoint closed meanwhile. */
    private boolean awaitReadInterest() {
        lock.lock();
        try {
            while (!interestSignalled) {
                if (!isOpen()) {
                    return false;
                }
                readerWaiting = true;
                try {
                    readWanted.await();
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    readerWaiting = false;
                }
            }
            interestSignalled = false;
            return true;
        } finally {
            lock.unlock();
        }
    }
}
