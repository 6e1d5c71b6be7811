package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Backpressure: a client that does not read blocks the sender — nothing piles up in memory — and a send
 * that stays blocked past the send timeout fails and closes the connection.
 */
class SlowReaderTest {

    private static final int BUFFERS = 4096;

    /** Sends messages from its own thread until told to stop or a send fails. */
    private static final class Flooder implements WebSocketHandler {
        final int messages;
        final int size;
        final AtomicLong bytesSent = new AtomicLong();
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        volatile long failedSendStarted;
        volatile Thread thread;
        final RecordingHandler events = RecordingHandler.recording();

        Flooder(int messages, int size) {
            this.messages = messages;
            this.size = size;
        }

        @Override
        public void onOpen(WebSocketSession session) {
            thread = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        failedSendStarted = System.nanoTime();
                        session.sendBinary(ByteBuffer.allocate(size));
                        bytesSent.addAndGet(size);
                    }
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            events.onClose(session, code, reason);
        }

        @Override
        public void onError(WebSocketSession session, Throwable cause) {
            events.onError(session, cause);
        }
    }

    @Test
    @DisplayName("a client that never reads: the send blocks, then fails after the send timeout; onClose reports 1008")
    void sendTimesOut() throws Exception {
        Flooder flooder = new Flooder(100_000, 16 * 1024);
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withSendTimeout(Duration.ofMillis(300));
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(flooder, config, null, new byte[0], BUFFERS)) {
            Throwable failure = flooder.outcome.get(10, TimeUnit.SECONDS);
            long blockedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - flooder.failedSendStarted);
            assertInstanceOf(SocketTimeoutException.class, failure);
            assertTrue(blockedMillis >= 290, "failed after " + blockedMillis + " ms");
            assertTrue(blockedMillis < 5_000, "failed only after " + blockedMillis + " ms");
            assertTrue(flooder.bytesSent.get() < 4 * 1024 * 1024,
                    flooder.bytesSent.get() + " bytes 'sent' to a client that reads nothing: something queued them");
            RecordingHandler.Closed closed = flooder.events.awaitClosed();
            assertEquals(CloseStatus.POLICY_VIOLATION, closed.code());
            assertInstanceOf(SocketTimeoutException.class, flooder.events.error);
            assertTrue(ws.awaitServerDone());
        }
    }

    @Test
    @DisplayName("a second sender waiting behind the stuck one also gives up at its deadline")
    void waitingSenderTimesOut() throws Exception {
        Flooder flooder = new Flooder(100_000, 64 * 1024);
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withSendTimeout(Duration.ofMillis(300));
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(flooder, config, null, new byte[0], BUFFERS)) {
            awaitBlocked(flooder);
            CompletableFuture<Throwable> second = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    ws.server.sendText("behind the flood");
                    second.complete(null);
                } catch (Throwable e) {
                    second.complete(e);
                }
            });
            assertNotNull(second.get(10, TimeUnit.SECONDS), "the second send cannot succeed");
            assertNotNull(flooder.outcome.get(10, TimeUnit.SECONDS));
            assertEquals(CloseStatus.POLICY_VIOLATION, flooder.events.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("a client that reads late: the sender waits (no queue, no failure within the timeout) and every byte arrives")
    void backpressureWithoutFailure() throws Exception {
        int messages = 40, size = 64 * 1024;
        Flooder flooder = new Flooder(messages, size);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(flooder, WebSocketConfig.DEFAULTS, null, new byte[0], BUFFERS)) {
            awaitBlocked(flooder);
            assertTrue(flooder.bytesSent.get() < (long) messages * size, "the sender is held back");
            long received = 0;
            for (int i = 0; i < messages; i++) {
                Frame frame = ws.client.expectFrame();
                assertEquals(Opcode.BINARY, frame.opcode());
                assertTrue(frame.fin());
                received += frame.payload().remaining();
            }
            assertEquals((long) messages * size, received);
            assertNull(flooder.outcome.get(10, TimeUnit.SECONDS), "no send failed");
        }
    }

    /** Waits until the sending thread parks in a blocked write. */
    private static void awaitBlocked(Flooder flooder) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (flooder.thread == null || flooder.thread.getState() != Thread.State.WAITING
                && flooder.thread.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the sender never blocked");
            Thread.yield();
        }
    }
}
