package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link WebSocketConfig#idleTimeout()}: a connection that receives nothing for that long is closed with 1001. */
class IdleTimeoutTest {

    private static final Duration IDLE = Duration.ofMillis(300);

    @Test
    @DisplayName("a silent client gets a 1001 close frame after the idle timeout, not before")
    void silentClientClosed() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        long start = System.nanoTime();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS.withIdleTimeout(IDLE))) {
            TestClient.CloseFrame close = ws.client.expectClose();
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(CloseStatus.GOING_AWAY, close.code());
            assertEquals("idle timeout", close.reason());
            assertTrue(elapsed >= IDLE.toMillis() - 20, "closed after " + elapsed + " ms");
            assertTrue(elapsed < IDLE.toMillis() + 3_000, "closed only after " + elapsed + " ms");
            ws.client.sendClose(CloseStatus.GOING_AWAY, "");
            assertTrue(ws.client.awaitEndOfStream());
            assertEquals(CloseStatus.GOING_AWAY, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("traffic keeps a connection open for several idle timeouts")
    void trafficKeepsItOpen() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS.withIdleTimeout(IDLE))) {
            long end = System.nanoTime() + 3 * IDLE.toNanos();
            int exchanged = 0;
            while (System.nanoTime() < end && exchanged < 1_000_000) {
                ws.client.sendText("still here");
                assertEquals("still here", ws.client.expectText());
                exchanged++;
            }
            assertTrue(ws.server.isOpen());
            assertTrue(exchanged > 0);
        }
    }
}
