package io.corral.jetty.websocket;

import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection with no socket under it, for testing the bridge's contract one step at a time: the test
 * decides which bytes the "client" sends and when, sees every byte the server wrote, can make writes
 * block (a client that stopped reading) and can end the input. Closing it unblocks reads and writes,
 * as closing a socket does.
 */
final class ScriptedTransport implements TransportConnection {

    private static final byte[] END_OF_INPUT = new byte[0];

    private final BlockingQueue<byte[]> toServer = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writable = lock.newCondition();
    private boolean writesBlocked;
    private int blockedWriters;
    private volatile boolean closed;
    private byte[] current = new byte[0];
    private int currentOffset;

    void clientSends(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            toServer.add(chunk.clone());
        }
    }

    void clientEndsInput() {
        toServer.add(END_OF_INPUT);
    }

    /** From now on writes wait (as on a full socket buffer) until {@link #unblockWrites()} or close. */
    void blockWrites() {
        lock.lock();
        try {
            writesBlocked = true;
        } finally {
            lock.unlock();
        }
    }

    void unblockWrites() {
        lock.lock();
        try {
            writesBlocked = false;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many threads are waiting in a blocked write right now. */
    int blockedWriters() {
        lock.lock();
        try {
            return blockedWriters;
        } finally {
            lock.unlock();
        }
    }

    byte[] written() {
        lock.lock();
        try {
            return written.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (currentOffset == current.length) {
            if (closed) {
                throw new SocketException("closed");
            }
            byte[] next;
            try {
                next = toServer.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            if (next == END_OF_INPUT) {
                return -1;
            }
            if (next != null) {
                current = next;
                currentOffset = 0;
            }
        }
        int n = Math.min(length, current.length - currentOffset);
        System.arraycopy(current, currentOffset, buffer, offset, n);
        currentOffset += n;
        return n;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        lock.lock();
        try {
            blockedWriters++;
            try {
                while (writesBlocked && !closed) {
                    writable.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            } finally {
                blockedWriters--;
            }
            if (closed) {
                throw new SocketException("closed");
            }
            written.write(buffer, offset, length);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setReadTimeout(Duration timeout) {
        // Reads wait until bytes come or the transport closes.
    }

    @Override
    public void shutdownOutput() {
        // Nothing to half-close.
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 8080);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 50000);
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
