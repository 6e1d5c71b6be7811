package io.corral.connector.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HpackDecoder;
import io.corral.connector.transport.StallGuard;
import io.corral.connector.transport.TransportConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 write queue ({@link Http2Output}) on a transport the test controls ({@link Wire}): whose writes block
 * while the test keeps it shut, as a full socket buffer does. Threads are platform threads so that the test can see
 * one waiting ({@link Thread.State#WAITING}) rather than guess with a sleep.
 */
class Http2OutputTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** A DATA frame of the default maximum size: four fill the queue to its bound. */
    private static final int FRAME_PAYLOAD = Http2Frame.DEFAULT_MAX_FRAME_SIZE;
    private static final int FRAME = Http2Frame.HEADER_LENGTH + FRAME_PAYLOAD;

    /**
     * RFC 7541 §2.2: the decoder's dynamic table follows the blocks in the order they arrive, so blocks encoded by
     * one encoder must arrive in the order they were encoded. Sixteen threads write field blocks at once, each
     * with a value seen once (indexed: every block changes the table) and their stream's own value; the blocks
     * decode, in the order they went out, to the fields each stream wrote.
     */
    @Test
    void fieldBlocksFromConcurrentStreamsReachThePeerInTheOrderTheyWereEncoded() throws Exception {
        Wire wire = new Wire();
        Http2Output output = new Http2Output(wire, Duration.ofSeconds(30));
        int streams = 16, blocks = 200;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int streamId = 2 * s + 1;
            writers.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    for (int i = 0; i < blocks; i++) {
                        output.writeFieldBlock(streamId, List.of(new HeaderField(":status", "200"),
                                new HeaderField("x-stream", Integer.toString(streamId)),
                                new HeaderField("x-token", streamId + "-" + i)), false);
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Thread::startVirtualThread));
        }
        start.countDown();
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        output.flush();

        HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE, Integer.MAX_VALUE);
        Map<Integer, Integer> nextToken = new HashMap<>();
        int decoded = 0;
        for (Http2Frame frame : wire.frames()) {
            Http2Frame.Headers headers = assertInstanceOf(Http2Frame.Headers.class, frame);
            List<HeaderField> fields = decoder.decode(ByteBuffer.wrap(headers.fragment()));
            int token = nextToken.merge(headers.streamId(), 1, Integer::sum) - 1;
            assertEquals(List.of(new HeaderField(":status", "200"),
                    new HeaderField("x-stream", Integer.toString(headers.streamId())),
                    new HeaderField("x-token", headers.streamId() + "-" + token)), fields);
            decoded++;
        }
        assertEquals(streams * blocks, decoded);
    }

    /**
     * While one thread writes, others queue without waiting up to {@link Http2Output#QUEUE_LIMIT} octets; past it a
     * writer waits for the socket (a peer that does not read stalls its writers with a bounded amount queued); what
     * was queued meanwhile leaves in one socket write, in order.
     */
    @Test
    void writersQueueWithoutWaitingUpToTheBoundThenWaitForTheSocket() throws Exception {
        Wire wire = new Wire();
        Http2Output output = new Http2Output(wire, Duration.ofSeconds(30));
        wire.shut();
        Thread writer = start(() -> output.write(new Http2Frame.Ping(false, 1)));
        wire.awaitBlockedWriters(1);

        int fit = (Http2Output.QUEUE_LIMIT + FRAME - 1) / FRAME;
        for (int i = 0; i < fit; i++) {
            output.writeData(1, ByteBuffer.wrap(payload(i)), FRAME_PAYLOAD, false); // returns: room in the queue
        }
        Thread pastTheBound = start(() -> output.writeData(1, ByteBuffer.wrap(payload(fit)), FRAME_PAYLOAD, false));
        awaitWaiting(pastTheBound);
        assertEquals(0, wire.taken(), "nothing went out: the socket is shut");

        wire.open();
        join(writer);
        join(pastTheBound);
        output.flush();
        List<Http2Frame> frames = wire.frames();
        assertEquals(new Http2Frame.Ping(false, 1), frames.getFirst());
        for (int i = 0; i <= fit; i++) {
            Http2Frame.Data data = assertInstanceOf(Http2Frame.Data.class, frames.get(1 + i));
            assertEquals(payload(i)[0], data.data()[0], "frame " + i + " in the order queued");
        }
        assertEquals(2 + fit, frames.size());
        int batchWrites = (fit * FRAME + StallGuard.SLICE - 1) / StallGuard.SLICE; // the guard writes in slices
        assertEquals(1 + batchWrites + 1, wire.writes(),
                "the PING, the frames queued behind it in one write (of that many slices), the last frame");
    }

    /**
     * Streams take turns when the queue is full: a stream with a big body that waits for room, and a small response
     * that comes to wait after it, queue in that order, so the small response goes right after the big body's next
     * frame instead of behind all of it.
     */
    @Test
    void aSmallResponseWaitingBehindABigBodyGoesAfterItsNextFrame() throws Exception {
        Wire wire = new Wire();
        Http2Output output = new Http2Output(wire, Duration.ofSeconds(30));
        wire.shut();
        Thread writer = start(() -> output.write(new Http2Frame.Ping(false, 1)));
        wire.awaitBlockedWriters(1);
        int bigFrames = 40;
        Thread big = start(() -> {
            for (int i = 0; i < bigFrames; i++) {
                output.writeData(1, ByteBuffer.wrap(payload(i)), FRAME_PAYLOAD, i == bigFrames - 1);
            }
        });
        awaitWaiting(big);
        Thread small = start(() -> output.writeFieldBlock(3, List.of(new HeaderField(":status", "204")), true));
        awaitWaiting(small);

        wire.open();
        join(writer);
        join(big);
        join(small);
        output.flush();
        List<Http2Frame> frames = wire.frames();
        int smallAt = -1, bigBefore = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).streamId() == 3) {
                smallAt = i;
                break;
            }
            if (frames.get(i).streamId() == 1) {
                bigBefore++;
            }
        }
        assertTrue(smallAt > 0, "the small response went out");
        int queuedBeforeSmall = (Http2Output.QUEUE_LIMIT + FRAME - 1) / FRAME;
        assertEquals(queuedBeforeSmall + 1, bigBefore,
                "the big body's frames queued before the small response came, and the one whose turn was first");
        assertEquals(1 + bigFrames + 1, frames.size());
    }

    /**
     * A write that fails fails the connection once: the thread writing gets the failure, so does every thread
     * waiting for room or for a flush, and every later write; the transport is closed.
     */
    @Test
    void aWriteFailureReachesTheWriterEveryWaiterAndLaterWriters() throws Exception {
        Wire wire = new Wire();
        Http2Output output = new Http2Output(wire, Duration.ofSeconds(30));
        wire.shut();
        CompletableFuture<Void> writer = startAsync(() -> output.write(new Http2Frame.Ping(false, 1)));
        wire.awaitBlockedWriters(1);
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i;
            CompletableFuture<Void> waiter = new CompletableFuture<>();
            Thread thread = Thread.ofPlatform().start(() -> {
                try {
                    for (int frame = 0; frame < 10; frame++) { // more than the queue takes: each thread waits
                        output.writeData(2 * n + 1, ByteBuffer.wrap(payload(n)), FRAME_PAYLOAD, false);
                    }
                    waiter.complete(null);
                } catch (Throwable e) {
                    waiter.completeExceptionally(e);
                }
            });
            waiters.add(waiter);
            threads.add(thread);
        }
        CompletableFuture<Void> flusher = new CompletableFuture<>();
        Thread flushing = Thread.ofPlatform().start(() -> {
            try {
                output.flush();
                flusher.complete(null);
            } catch (Throwable e) {
                flusher.completeExceptionally(e);
            }
        });
        for (Thread thread : threads) {
            awaitWaiting(thread);
        }
        awaitWaiting(flushing);

        wire.failBlockedWrite(new IOException("broken pipe"));
        assertEquals("broken pipe", failure(writer).getMessage());
        for (CompletableFuture<Void> waiter : waiters) {
            assertInstanceOf(IOException.class, failure(waiter));
        }
        assertInstanceOf(IOException.class, failure(flusher));
        IOException later = assertThrows(IOException.class, () -> output.write(new Http2Frame.Ping(false, 2)));
        assertEquals("broken pipe", later.getCause().getMessage());
        assertEquals(1, wire.closes(), "the connection is failed once");
        assertFalse(output.isBusy());
    }

    /**
     * A peer that never reads: the write in progress makes no progress for the stall timeout, the watchdog closes the
     * connection, and the writer and every thread queued behind it fail instead of waiting for ever.
     */
    @Test
    void aPeerThatNeverReadsFailsEveryWriterAfterTheStallTimeout() throws Exception {
        Wire wire = new Wire();
        Http2Output output = new Http2Output(wire, Duration.ofMillis(200));
        wire.shut();
        long started = System.nanoTime();
        CompletableFuture<Void> writer = startAsync(() -> {
            for (int i = 0; i < 100; i++) {
                output.writeData(1, ByteBuffer.wrap(payload(i)), FRAME_PAYLOAD, false);
            }
        });
        CompletableFuture<Void> other = startAsync(() -> {
            for (int i = 0; i < 100; i++) {
                output.writeData(3, ByteBuffer.wrap(payload(i)), FRAME_PAYLOAD, false);
            }
        });
        assertInstanceOf(IOException.class, failure(writer));
        assertInstanceOf(IOException.class, failure(other));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(200), "not before the stall timeout");
        assertTrue(wire.closes() >= 1, "the watchdog closed the connection");
        SocketTimeoutException later = assertThrows(SocketTimeoutException.class,
                () -> output.write(new Http2Frame.Ping(false, 2)), "later writers hear it was a stall");
        assertNotNull(later.getCause());
        output.close();
    }

    private static byte[] payload(int n) {
        byte[] payload = new byte[FRAME_PAYLOAD];
        java.util.Arrays.fill(payload, (byte) n);
        return payload;
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }

    private static Thread start(Body body) {
        return Thread.ofPlatform().start(() -> {
            try {
                body.run();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private static CompletableFuture<Void> startAsync(Body body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static Throwable failure(CompletableFuture<Void> future) throws Exception {
        try {
            future.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        return fail("expected a failure");
    }

    private static void join(Thread thread) throws InterruptedException {
        assertTrue(thread.join(DEADLINE), thread + " finished");
    }

    /** Waits until the thread waits (for room in the queue, or for a flush). */
    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (thread.getState() != Thread.State.WAITING) {
            assertTrue(thread.isAlive(), thread + " ended instead of waiting");
            assertTrue(System.nanoTime() < deadline, thread + " never waited");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /**
     * A transport that records what it takes, and whose writes block while the test keeps it shut, as on a full
     * socket buffer; closing it or {@link #failBlockedWrite} ends a blocked write with an exception.
     */
    private static final class Wire implements TransportConnection {

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        private boolean shut;
        private boolean closed;
        private IOException failNext;
        private int blockedWriters;
        private int writes;
        private int closes;

        void shut() {
            lock.lock();
            try {
                shut = true;
            } finally {
                lock.unlock();
            }
        }

        void open() {
            lock.lock();
            try {
                shut = false;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void failBlockedWrite(IOException failure) {
            lock.lock();
            try {
                failNext = failure;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void awaitBlockedWriters(int count) throws InterruptedException {
            lock.lock();
            try {
                long left = DEADLINE.toNanos();
                while (blockedWriters < count) {
                    assertTrue(left > 0, "no writer blocked in the transport");
                    left = changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        int taken() {
            lock.lock();
            try {
                return taken.size();
            } finally {
                lock.unlock();
            }
        }

        int writes() {
            lock.lock();
            try {
                return writes;
            } finally {
                lock.unlock();
            }
        }

        int closes() {
            lock.lock();
            try {
                return closes;
            } finally {
                lock.unlock();
            }
        }

        /** Every frame taken, parsed as a client would. */
        List<Http2Frame> frames() throws Http2Exception {
            byte[] bytes;
            lock.lock();
            try {
                bytes = taken.toByteArray();
            } finally {
                lock.unlock();
            }
            Http2FrameParser parser = Http2FrameParser.forClient(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            List<Http2Frame> frames = new ArrayList<>();
            for (Http2Frame frame = parser.parse(in); frame != null; frame = parser.parse(in)) {
                frames.add(frame);
            }
            assertEquals(0, in.remaining(), "whole frames only");
            return frames;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            lock.lock();
            try {
                blockedWriters++;
                changed.signalAll();
                long left = DEADLINE.toNanos();
                while (shut && !closed && failNext == null) {
                    if (left <= 0) {
                        throw new IOException("the test never opened the wire");
                    }
                    left = changed.awaitNanos(left);
                }
                blockedWriters--;
                if (failNext != null) {
                    IOException failure = failNext;
                    failNext = null;
                    throw failure;
                }
                if (closed) {
                    throw new IOException("closed");
                }
                taken.write(buffer, offset, length);
                writes++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                closes++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void setReadTimeout(Duration timeout) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        public boolean isSecure() {
            return false;
        }

        @Override
        public boolean isOpen() {
            lock.lock();
            try {
                return !closed;
            } finally {
                lock.unlock();
            }
        }
    }
}
