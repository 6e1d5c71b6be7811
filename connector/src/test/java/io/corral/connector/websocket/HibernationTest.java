package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WebSocketConfig#hibernateAfter()}: a quiet connection drops its read buffer (Cowboy's
 * {@code hibernate}) and starts that way; the next bytes are read through a tiny array, whatever frame
 * they begin, and the connection hibernates again after the next quiet spell. Hibernation is checked
 * through the connection's state, and "not yet" through server pings, which prove that time has passed.
 */
class HibernationTest {

    private static final Duration QUICK = Duration.ofMillis(50);
    /** Hibernates quickly; no idle timeout and no pings, so hibernation is the only read timeout. */
    private static final WebSocketConfig HIBERNATING = WebSocketConfig.DEFAULTS.withHibernateAfter(QUICK)
            .withIdleTimeout(Duration.ZERO);

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /**
     * Frames whose whole length is on both sides of the wake-up read ({@value MessageReader#WAKE_UP_READ}
     * bytes: 6 + 0…3), whose header alone fills it (126: a 2-byte extended length) or overflows it (65536:
     * an 8-byte one), and whose length is on both sides of the read buffer (250 + 6 = 256).
     */
    @ParameterizedTest(name = "payload of {0} bytes")
    @ValueSource(ints = {0, 1, 2, 3, 119, 125, 126, 250, 251, 65535, 65536})
    @DisplayName("a hibernating connection reads any frame that wakes it, and hibernates again after the next quiet spell")
    void wakesUpOnAnyFrame(int length) throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, HIBERNATING)) {
            assertTrue(ws.server.isHibernating(), "a connection starts without a read buffer");
            for (int round = 0; round < 2; round++) {
                byte[] data = payload(length);
                ws.client.sendFrame(true, Opcode.BINARY, data);
                Frame echo = ws.client.expectFrame();
                assertEquals(Opcode.BINARY, echo.opcode());
                assertArrayEquals(data, RecordingHandler.bytesOf(echo.payload()), "round " + round);
                // It woke up to read the frame; only a read timeout armed anew can put it back to sleep.
                ws.awaitServer(WebSocketConnection::isHibernating, "no hibernation after round " + round);
                assertEquals(0, ws.server.heldMessageBytes());
            }
        }
    }

    @Test
    @DisplayName("§8.1 across the wake-up: a character split between the wake-up read and the next is still valid UTF-8")
    void textSplitAtWakeUp() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        // Header 6 bytes, then '€' (3 bytes): the wake-up read of 8 bytes ends inside the first character.
        String text = "€€€ wakes the connection";
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, HIBERNATING)) {
            ws.client.sendText(text);
            assertEquals(text, ws.client.expectText());
            ws.awaitServer(WebSocketConnection::isHibernating, "no hibernation after the text");
            ws.client.sendFrame(true, Opcode.TEXT, new byte[] {'a', (byte) 0xC0, (byte) 0x80});
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code(),
                    "invalid UTF-8 is still caught after a wake-up");
        }
    }

    @Test
    @DisplayName("a ping and a close from the client wake a hibernating connection like any frame (§5.5.2, §5.5.1)")
    void controlFramesWakeItUp() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, HIBERNATING)) {
            ws.client.sendFrame(true, Opcode.PING, "are you there".getBytes(StandardCharsets.UTF_8));
            Frame pong = ws.client.expectFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("are you there", StandardCharsets.UTF_8.decode(pong.payload()).toString());
            ws.awaitServer(WebSocketConnection::isHibernating, "no hibernation after the ping");
            ws.client.sendClose(CloseStatus.NORMAL, "bye");
            assertEquals(CloseStatus.NORMAL, ws.client.expectClose().code());
            assertEquals(CloseStatus.NORMAL, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("hibernateAfter zero: the connection starts with a read buffer and keeps it through silence")
    void zeroNeverHibernates() throws Exception {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withHibernateAfter(Duration.ZERO).withPingInterval(QUICK);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), config)) {
            assertFalse(ws.server.isHibernating());
            // The server pings only after an interval of silence: by then it would have hibernated.
            assertEquals(Opcode.PING, ws.client.expectFrame().opcode());
            assertFalse(ws.server.isHibernating());
        }
    }

    @Test
    @DisplayName("silence shorter than hibernateAfter: an awake connection keeps its read buffer")
    void shortSilenceKeepsTheBuffer() throws Exception {
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withHibernateAfter(Duration.ofMinutes(10)).withPingInterval(QUICK);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.echoing(), config)) {
            ws.client.sendText("wake up");
            assertEquals("wake up", ws.client.expectText());
            assertEquals(Opcode.PING, ws.client.expectFrame().opcode());
            assertFalse(ws.server.isHibernating(), "hibernated after one ping interval of silence, not ten minutes");
        }
    }

    @Test
    @DisplayName("silence longer than hibernateAfter while pings run: the connection hibernates, and still answers")
    void hibernatesBetweenPings() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withHibernateAfter(QUICK).withPingInterval(Duration.ofMillis(200));
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            ws.client.sendText("wake up");
            assertEquals("wake up", ws.client.expectText());
            ws.awaitServer(WebSocketConnection::isHibernating, "no hibernation before the ping");
            Frame ping = ws.client.expectFrame();
            assertEquals(Opcode.PING, ping.opcode());
            ws.client.sendFrame(true, Opcode.PONG, RecordingHandler.bytesOf(ping.payload()));
            ws.client.sendText("still here");
            assertEquals("still here", ws.client.expectText());
        }
    }

    @ParameterizedTest(name = "{0} ms")
    @ValueSource(longs = {-1, 0, 1})
    @DisplayName("hibernateAfter: zero and positive are valid, negative is refused")
    void configBoundary(long millis) {
        Duration value = Duration.ofMillis(millis);
        if (millis < 0) {
            assertThrows(IllegalArgumentException.class, () -> WebSocketConfig.DEFAULTS.withHibernateAfter(value));
        } else {
            assertEquals(value, assertDoesNotThrow(() -> WebSocketConfig.DEFAULTS.withHibernateAfter(value)).hibernateAfter());
        }
    }
}
