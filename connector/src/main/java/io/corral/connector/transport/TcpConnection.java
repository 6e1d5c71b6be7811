package io.corral.connector.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One accepted TCP connection as a {@link TransportConnection}, made by {@link TcpTransport#wrap}. A thin layer
 * over a {@link SocketChannel}: no buffering and no copy of its own, because the protocol above keeps the buffers
 * (and pools them). The JDK keeps separate locks for reading and writing, which is what lets one thread write a
 * response while another is blocked reading the next request.
 *
 * <p>Awake, the channel is in blocking mode and reads honour the read timeout. {@linkplain #hibernate Hibernating},
 * it is in non-blocking mode and registered with the {@link Hibernator}; a write meanwhile (a WebSocket message
 * for an idle client) goes straight out if the socket buffer takes it, and otherwise wakes the connection and
 * finishes in blocking mode. The mode only changes under {@link #mode}, which writes hold too, so a write never
 * meets a channel switching under it.
 *
 * <p>A Unix domain channel has no socket adaptor, hence no SO_TIMEOUT: there a read with a timeout that finds
 * nothing to read waits on the {@link Hibernator} with the timeout as its wake-up time (see {@link #timedRead}),
 * the same mechanism as hibernation, so protocols see the same {@link SocketTimeoutException} on either.
 */
public final class TcpConnection implements TransportConnection, Hibernator.HibernatingChannel {

    private static final int AWAKE = 0, ARRIVING = 1, HIBERNATING = 2, WAKING = 3;
    private static final VarHandle STATE;
    /** Unnamed, nothing inherited: a woken connection is a fresh process, as Cowboy's would be. */
    private static final ThreadFactory WAKE_THREADS = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TcpConnection.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SocketChannel channel;
    /** The TCP socket adaptor; null on a Unix domain channel, which has none. */
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Hibernator hibernator;
    // Fetched once: the channel builds a new address object on every call, and logs and adapters ask often.
    private final SocketAddress local;
    private final SocketAddress remote;
    private final ReentrantLock mode = new ReentrantLock();
    private final Condition awake = mode.newCondition();

    @SuppressWarnings("unused") // through STATE
    private volatile int state = AWAKE;
    private volatile long wakeAtNanos;
    private volatile Runnable onWake;
    /** Only the hibernator's thread reads or writes it. */
    private SelectionKey key;
    /** The read timeout of a Unix domain channel, in nanoseconds, 0 for none; TCP keeps it in SO_TIMEOUT. */
    private volatile long readTimeoutNanos;
    /** Whether output was shut down; TCP asks its socket adaptor instead. */
    private volatile boolean outputShut;
    /** See {@link #evictableSince()}; one volatile store per change of the protocol's state, none per byte. */
    private volatile long evictableSince = NOT_EVICTABLE;

    /** Wraps a connected channel in blocking mode; the caller chooses its options (see {@link TcpTransport#wrap}). */
    public TcpConnection(SocketChannel channel, Hibernator hibernator) throws IOException {
        this.channel = channel;
        this.hibernator = hibernator;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
        if (local instanceof InetSocketAddress) {
            this.socket = channel.socket();
            // The channel's socket adaptor streams are the blocking reads that honour SO_TIMEOUT.
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        } else {
            this.socket = null;
            this.in = Channels.newInputStream(channel);
            this.out = Channels.newOutputStream(channel);
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        long timeout = readTimeoutNanos;
        int n = timeout == 0 ? in.read(buffer, offset, length) : timedRead(buffer, offset, length, timeout);
        if (n > 0 && evictableSince != NOT_EVICTABLE) {
            // Bytes left the socket: a listener at its limit can no longer see them there, so the mark goes now,
            // not a parse later; the protocol offers the connection again if what came is only part of a head.
            evictableSince = NOT_EVICTABLE;
        }
        return n;
    }

    /**
     * A read with a timeout where the channel has no SO_TIMEOUT (Unix domain): bytes already there are read at
     * once; otherwise the connection waits on the hibernator, as it would hibernate, with the deadline as its
     * wake-up time, and this thread waits for the wake. Only the waiting costs a wake thread; a busy
     * connection takes the first branch.
     */
    private int timedRead(byte[] buffer, int offset, int length, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        ByteBuffer into = ByteBuffer.wrap(buffer, offset, length);
        while (true) {
            CountDownLatch woken = new CountDownLatch(1);
            wakeAtNanos = deadline;
            onWake = woken::countDown;
            mode.lock();
            try {
                channel.configureBlocking(false);
                int read = channel.read(into);
                if (read != 0) {
                    channel.configureBlocking(true);
                    onWake = null;
                    return read;
                }
                if (deadline - System.nanoTime() <= 0) {
                    channel.configureBlocking(true);
                    onWake = null;
                    throw new SocketTimeoutException("Read timed out");
                }
                STATE.setVolatile(this, ARRIVING);
            } finally {
                mode.unlock();
            }
            hibernator.park(this);
            try {
                woken.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new InterruptedIOException("interrupted while waiting to read");
            }
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
        }
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        mode.lock();
        try {
            if ((int) STATE.getVolatile(this) != AWAKE) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, offset, length);
                while (bytes.hasRemaining() && channel.write(bytes) > 0) {
                    // the socket buffer takes what it can without waiting
                }
                if (!bytes.hasRemaining()) {
                    return;
                }
                awaitAwake();
                offset = bytes.position();
                length = bytes.remaining();
            }
            out.write(buffer, offset, length);
        } finally {
            mode.unlock();
        }
    }

    /** A write the socket could not take while hibernating: wake the connection and wait for blocking mode. */
    private void awaitAwake() throws IOException {
        if (STATE.compareAndSet(this, HIBERNATING, WAKING) || STATE.compareAndSet(this, ARRIVING, WAKING)) {
            hibernator.release(this);
        }
        while ((int) STATE.getVolatile(this) != AWAKE) {
            try {
                awake.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waking a hibernating connection to write");
            }
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) throws IOException {
        if (socket != null) {
            socket.setSoTimeout(soTimeoutMillis(timeout));
        } else {
            readTimeoutNanos = soTimeoutMillis(timeout) * 1_000_000L; // the same rounding as TCP's
        }
    }

    /**
     * SO_TIMEOUT counts whole milliseconds and reads 0 as "forever", so a positive timeout below one
     * millisecond must round up, never down to 0; one beyond {@code Integer.MAX_VALUE} ms (24.8 days) is clamped.
     */
    static int soTimeoutMillis(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must not be negative: " + timeout);
        }
        if (timeout.isZero()) {
            return 0;
        }
        if (timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) >= 0) {
            return Integer.MAX_VALUE;
        }
        long millis = timeout.toMillis();
        return (int) (timeout.equals(Duration.ofMillis(millis)) ? millis : millis + 1);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    /** FIONREAD through the socket adaptor; a Unix domain channel has none, and cannot tell. */
    @Override
    public boolean hasUnreadBytes() {
        if (socket == null) {
            return false;
        }
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException closedOrShut) {
            return false;
        }
    }

    @Override
    public boolean canHibernate() {
        return true;
    }

    /**
     * Gives the connection's thread back: the channel goes to non-blocking mode and to the {@link Hibernator},
     * and {@code onWake} runs on a new virtual thread, in blocking mode again, once bytes or the end of stream
     * can be read, {@code wakeAtNanos} passes, or the connection is closed. Waits while another thread writes.
     */
    @Override
    public void hibernate(long wakeAtNanos, Runnable onWake) {
        this.wakeAtNanos = wakeAtNanos;
        this.onWake = onWake;
        mode.lock();
        try {
            channel.configureBlocking(false);
            STATE.setVolatile(this, ARRIVING);
        } catch (IOException closed) {
            // Closed meanwhile: carry on at once, so that the protocol meets the close and ends.
            STATE.setVolatile(this, WAKING);
            wake();
            return;
        } finally {
            mode.unlock();
        }
        hibernator.park(this);
    }

    @Override
    public void evictableSince(long sinceNanos) {
        this.evictableSince = sinceNanos;
    }

    @Override
    public long evictableSince() {
        return evictableSince;
    }

    /** Whether the connection is hibernating now (a test hook). */
    public boolean isHibernating() {
        int now = (int) STATE.getVolatile(this);
        return now == ARRIVING || now == HIBERNATING;
    }

    @Override
    public void shutdownOutput() throws IOException {
        // Protocols may end a response and then decide to close lingering; a second FIN request is not an error.
        if (channel.isOpen() && !outputShut && (socket == null || !socket.isOutputShutdown())) {
            outputShut = true;
            channel.shutdownOutput();
        }
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Closes the channel; a hibernating connection wakes, so that its protocol sees the close and ends. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing to do: the descriptor is released whether or not the kernel reported an error.
        }
        if (STATE.compareAndSet(this, HIBERNATING, WAKING) || STATE.compareAndSet(this, ARRIVING, WAKING)) {
            hibernator.release(this);
        }
    }

    // ---- Hibernator.HibernatingChannel, called on the hibernator's thread ----

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public long wakeAtNanos() {
        return wakeAtNanos;
    }

    @Override
    public boolean claimWake() {
        return STATE.compareAndSet(this, HIBERNATING, WAKING);
    }

    @Override
    public boolean settle() {
        return STATE.compareAndSet(this, ARRIVING, HIBERNATING);
    }

    @Override
    public void wake() {
        Runnable carryOn = onWake;
        WAKE_THREADS.newThread(() -> {
            try {
                leaveHibernation();
            } finally {
                carryOn.run(); // whatever happened, the protocol carries on and meets it: never a stranded connection
            }
        }).start();
    }

    @Override
    public SelectionKey key() {
        return key;
    }

    @Override
    public void key(SelectionKey key) {
        this.key = key;
    }

    /** Back to blocking mode, on the woken thread; writers waiting for that may go on. */
    private void leaveHibernation() {
        mode.lock();
        try {
            onWake = null;
            channel.configureBlocking(true);
        } catch (IOException closed) {
            // The protocol's next read reports the close.
        } finally {
            STATE.setVolatile(this, AWAKE);
            awake.signalAll();
            mode.unlock();
        }
    }

    @Override
    public String toString() {
        return (socket == null ? "unix " : "tcp ") + local + " <- " + remote;
    }
}
