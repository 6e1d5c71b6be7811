package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link WebSocketConfig#pingInterval()}: after an interval without a byte the server pings; without a
 * pong within another interval it closes (1001 on the wire, 1006 to the handler).
 */
class PingIntervalTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    @DisplayName("a silent client is pinged every interval; answering keeps it open")
    void silentClientPinged() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withPingInterval(INTERVAL).withIdleTimeout(Duration.ZERO);
        long start = System.nanoTime();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            for (int i = 0; i < 3; i++) {
                Frame ping = ws.client.expectFrame();
                long elapsed = millisSince(start);
                assertEquals(Opcode.PING, ping.opcode());
                assertTrue(elapsed >= INTERVAL.toMillis() - 20, "ping after " + elapsed + " ms");
                assertTrue(elapsed < INTERVAL.toMillis() + 3_000, "ping only after " + elapsed + " ms");
                start = System.nanoTime();
                ws.client.sendFrame(true, Opcode.PONG, RecordingHandler.bytesOf(ping.payload()));
            }
            ws.client.sendText("alive");
            assertEquals("alive", ws.client.expectText());
        }
    }

    @Test
    @DisplayName("no pong within the interval: close 1001 on the wire, 1006 to the handler")
    void unansweredPing() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withPingInterval(INTERVAL);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            assertEquals(Opcode.PING, ws.client.expectFrame().opcode());
            long start = System.nanoTime();
            Frame close = ws.client.expectFrame();
            long elapsed = millisSince(start);
            assertEquals(Opcode.CLOSE, close.opcode());
            assertEquals(CloseStatus.GOING_AWAY, TestClient.closeFrame(close).code());
            // Measured from when the client saw the ping, which a loaded machine may deliver late: only
            // "not long before the interval" can be asserted, and half of it holds whatever the load.
            assertTrue(elapsed >= INTERVAL.toMillis() / 2, "closed " + elapsed + " ms after the ping");
            assertTrue(elapsed < INTERVAL.toMillis() + 3_000, "closed only " + elapsed + " ms after the ping");
            ws.client.close();
            assertEquals(CloseStatus.ABNORMAL, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("answered pings keep a connection alive past several idle timeouts")
    void pingsOutliveIdleTimeout() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        // The client must answer each ping within the interval: 400 ms holds on a loaded 2-core machine.
        Duration idle = Duration.ofMillis(1200);
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withPingInterval(Duration.ofMillis(400)).withIdleTimeout(idle);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            long end = System.nanoTime() + 3 * idle.toNanos();
            int pongs = 0;
            while (System.nanoTime() < end && pongs < 1_000) {
                Frame frame = ws.client.expectFrame();
                assertEquals(Opcode.PING, frame.opcode(), "only pings, no close");
                ws.client.sendFrame(true, Opcode.PONG, new byte[0]);
                pongs++;
            }
            assertTrue(pongs >= 3, pongs + " pongs");
            ws.client.sendText("alive");
            assertEquals("alive", ws.client.expectText());
        }
    }
}
