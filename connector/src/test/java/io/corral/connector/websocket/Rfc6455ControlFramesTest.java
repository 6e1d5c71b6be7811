package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §5.5 (control frames): ping, pong, their limits and their priority over data. */
class Rfc6455ControlFramesTest {

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 124, 125})
    @DisplayName("§5.5.3: 'A Pong frame sent in response to a Ping frame must have identical Application data'")
    void pingAnsweredWithSamePayload(int length) throws Exception {
        byte[] data = payload(length);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.PING, data);
            Frame pong = ws.client.expectFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertTrue(pong.fin());
            assertArrayEquals(data, RecordingHandler.bytesOf(pong.payload()));
        }
    }

    @Test
    @DisplayName("§5.5: a ping with 126 bytes of payload fails the connection (1002)")
    void oversizedPing() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.PING, payload(126));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.PROTOCOL_ERROR, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§5.5: 'Control frames ... MUST NOT be fragmented' — a ping without FIN fails the connection (1002)")
    void fragmentedPing() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.PING, payload(3));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§5.5.3: 'A Pong frame MAY be sent unsolicited ... A response to an unsolicited Pong frame is not expected'")
    void unsolicitedPong() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.PONG, "heartbeat".getBytes(StandardCharsets.UTF_8));
            ws.client.sendText("after");
            assertEquals("heartbeat", RecordingHandler.utf8(handler.next(RecordingHandler.Pong.class).payload()));
            assertEquals("after", ws.client.expectText(), "no frame answers the pong");
        }
    }

    @Test
    @DisplayName("§5.5.2: the server's ping reaches the client, whose pong reaches the handler")
    void serverPing() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            handler.next(RecordingHandler.Opened.class);
            handler.session.sendPing(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            Frame ping = ws.client.expectFrame();
            assertEquals(Opcode.PING, ping.opcode());
            ws.client.sendFrame(true, Opcode.PONG, RecordingHandler.bytesOf(ping.payload()));
            assertArrayEquals(new byte[] {1, 2, 3}, handler.next(RecordingHandler.Pong.class).payload());
            assertThrows(IllegalArgumentException.class, () -> handler.session.sendPing(ByteBuffer.allocate(126)));
        }
    }

    @Test
    @DisplayName("§5.4/§5.5: a pong waits for one frame of a large outgoing message, not for the whole message")
    void pongOvertakesLargeMessage() throws Exception {
        int size = 2 * 1024 * 1024;                   // 32 frames of 64 KiB
        CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketSession session) {
                opened.complete(session);
            }
        };
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS, null, new byte[0], 4096)) {
            WebSocketSession session = opened.get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    session.sendBinary(ByteBuffer.allocate(size));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            Frame first = ws.client.expectFrame();
            assertEquals(Opcode.BINARY, first.opcode());
            assertFalse(first.fin());
            ws.client.sendFrame(true, Opcode.PING, "urgent".getBytes(StandardCharsets.UTF_8));
            // The data sender is blocked on the full socket; wait until the connection's thread queues its pong.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ws.server.hasWaitingWriters()) {
                assertTrue(System.nanoTime() < deadline, "the pong was never queued");
                Thread.yield();
            }
            // Tiny socket buffers: the sender is stuck inside its second frame, which must finish first.
            long total = first.payload().remaining();
            int framesBeforePong = 0;
            boolean pongSeen = false;
            for (int i = 0; i < size / MessageSender.MAX_FRAME_PAYLOAD && !pongSeen; i++) {
                Frame frame = ws.client.expectFrame();
                if (frame.opcode() == Opcode.PONG) {
                    assertEquals("urgent", StandardCharsets.UTF_8.decode(frame.payload()).toString());
                    pongSeen = true;
                } else {
                    assertFalse(frame.fin(), "the whole message went out before the pong");
                    total += frame.payload().remaining();
                    framesBeforePong++;
                }
            }
            assertTrue(pongSeen);
            assertTrue(framesBeforePong <= 1, "the pong waited for " + framesBeforePong + " frames");
            Frame frame;
            do {
                frame = ws.client.expectFrame();
                assertEquals(Opcode.CONTINUATION, frame.opcode());
                total += frame.payload().remaining();
            } while (!frame.fin());
            sent.get(10, TimeUnit.SECONDS);
            assertEquals(size, total);
        }
    }
}
