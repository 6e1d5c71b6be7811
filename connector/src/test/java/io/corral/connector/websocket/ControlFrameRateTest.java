package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The control-frame rate ({@link WebSocketConfig#maxControlFramesPerSecond()}, {@link ControlFrameRate}): a client
 * that sends more pings and pongs in one second than the rate allows is closed with 1008; one that stays within it
 * is answered frame for frame and keeps its connection. Jetty has no such limit (README, what differs).
 */
class ControlFrameRateTest {

    private static byte[] pings(int count) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            bytes.writeBytes(TestClient.maskedFrame(true, 0, Opcode.PING, new byte[] {(byte) i}));
        }
        return bytes.toByteArray();
    }

    @Test
    @DisplayName("more pings in a second than the rate allows: the pings within it are answered, then 1008")
    void aPingFloodIsClosedWithPolicyViolation() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler,
                WebSocketConfig.DEFAULTS.withMaxControlFramesPerSecond(10))) {
            ws.client.sendRaw(pings(500)); // in one write: far more than 10 arrive within a second
            int pongs = 0;
            Frame frame;
            while ((frame = ws.client.expectFrame()).opcode() == Opcode.PONG) {
                pongs++;
            }
            assertEquals(Opcode.CLOSE, frame.opcode(), frame.toString());
            assertEquals(CloseStatus.POLICY_VIOLATION, TestClient.closeFrame(frame).code());
            assertEquals(ControlFrameRate.CLOSE_REASON, TestClient.closeFrame(frame).reason());
            assertTrue(pongs >= 10 && pongs < 500, "the pings within the rate are answered, not all: " + pongs);
            assertEquals(CloseStatus.POLICY_VIOLATION, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("pongs count as well: an unsolicited pong flood is closed with 1008")
    void aPongFloodIsClosedToo() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler,
                WebSocketConfig.DEFAULTS.withMaxControlFramesPerSecond(10))) {
            ByteArrayOutputStream flood = new ByteArrayOutputStream();
            for (int i = 0; i < 500; i++) {
                flood.writeBytes(TestClient.maskedFrame(true, 0, Opcode.PONG, new byte[0]));
            }
            ws.client.sendRaw(flood.toByteArray());
            assertEquals(CloseStatus.POLICY_VIOLATION, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("the default rate (100 a second) answers 100 pings sent at once and keeps the connection")
    void withinTheDefaultRateEveryPingIsAnswered() throws Exception {
        assertEquals(ControlFrameRate.DEFAULT_MAX_PER_SECOND, WebSocketConfig.DEFAULTS.maxControlFramesPerSecond());
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.echoing(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendRaw(pings(ControlFrameRate.DEFAULT_MAX_PER_SECOND));
            for (int i = 0; i < ControlFrameRate.DEFAULT_MAX_PER_SECOND; i++) {
                Frame pong = ws.client.expectFrame();
                assertEquals(Opcode.PONG, pong.opcode(), "pong " + i);
            }
            ws.client.sendText("still open");
            assertEquals("still open", ws.client.expectText());
        }
    }

    @Test
    @DisplayName("0 turns the limit off: 1,000 pings at once are all answered")
    void zeroMeansNoLimit() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.echoing(),
                WebSocketConfig.DEFAULTS.withMaxControlFramesPerSecond(ControlFrameRate.UNLIMITED))) {
            ws.client.sendRaw(pings(1000));
            for (int i = 0; i < 1000; i++) {
                assertEquals(Opcode.PONG, ws.client.expectFrame().opcode(), "pong " + i);
            }
            ws.client.sendText("still open");
            assertEquals("still open", ws.client.expectText());
        }
    }

    @Test
    @DisplayName("the window: the rate counts per second, so the same number again a second later is fine")
    void theWindowMovesOn() {
        ControlFrameRate rate = new ControlFrameRate(3);
        long t = 1_000;
        assertTrue(rate.admit(t));
        assertTrue(rate.admit(t + 1));
        assertTrue(rate.admit(t + 2));
        assertFalse(rate.admit(t + 3), "a fourth within the second");
        long next = t + TimeUnit.SECONDS.toNanos(1);
        assertTrue(rate.admit(next));
        assertTrue(rate.admit(next + 1));
        assertTrue(rate.admit(next + 2));
        assertFalse(rate.admit(next + 3));
    }
}
