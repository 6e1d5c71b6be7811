package io.corral.connector.websocket;

import io.corral.connector.transport.ForwardingConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A test-only {@link TransportConnection} that passes everything through to another one, except that it
 * can stop one chosen thread inside a write: the write that would take that thread past a given number
 * of bytes blocks until the test opens the gate. A sender stopped there holds the wire exactly as one
 * blocked on a full socket does, but at a point the test chose rather than wherever the scheduler and the
 * kernel's buffers left it, which makes ordering tests deterministic. The gate holds once; a write waits
 * for it at most {@link #MAX_HOLD}, then fails, so a test that forgets to open it fails instead of hanging.
 */
final class WriteGate extends ForwardingConnection {

    static final Duration MAX_HOLD = Duration.ofSeconds(10);

    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);
    private volatile Thread heldThread;
    private volatile long holdAtByte;
    /** Bytes the held thread wrote so far; only that thread touches it. */
    private long writtenByHeldThread;

    WriteGate(TransportConnection delegate) {
        super(delegate);
    }

    /**
     * Arms the gate before {@code writer} starts writing: its first write that starts at or beyond byte
     * {@code atByte} of what it writes blocks until {@link #open()}.
     */
    void hold(Thread writer, long atByte) {
        holdAtByte = atByte;
        heldThread = writer;
    }

    /** Whether the chosen thread is (or was) stopped in a write within the wait. */
    boolean awaitHeld(Duration wait) throws InterruptedException {
        return held.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void open() {
        opened.countDown();
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        if (Thread.currentThread() == heldThread) {
            if (writtenByHeldThread >= holdAtByte && held.getCount() > 0) {
                held.countDown();
                waitUntilOpened();
            }
            writtenByHeldThread += length;
        }
        connection.write(buffer, offset, length);
    }

    private void waitUntilOpened() throws IOException {
        try {
            if (!opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("the test never opened the write gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted at the write gate");
        }
    }

    /** Never hibernates: every byte must go through this gate, not through the wrapped connection's wake-up. */
    @Override
    public boolean canHibernate() {
        return false;
    }
}
