package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §5.5.1 (close frames), §7.1 (closing the connection) and §7.4 (status codes). */
class Rfc6455CloseTest {

    private static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    @Test
    @DisplayName("§5.5.1: 'the endpoint MUST send a Close frame in response ... typically echoing the status code it received'; §7.1.1: the server closes TCP first")
    void peerCloseIsEchoed() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendClose(CloseStatus.NORMAL, "bye");
            assertEquals(CloseStatus.NORMAL, ws.client.expectClose().code());
            assertTrue(ws.client.awaitEndOfStream(), "the server closes TCP after echoing");
            RecordingHandler.Closed closed = handler.awaitClosed();
            assertEquals(CloseStatus.NORMAL, closed.code());
            assertEquals("bye", closed.reason());
            assertNull(handler.error, "a close handshake is not an error");
        }
    }

    @Test
    @DisplayName("§7.1.5/§7.4.1: a close frame without a status code is reported as 1005 and answered with an empty close")
    void emptyClose() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CLOSE, new byte[0]);
            Frame echo = ws.client.expectFrame();
            assertEquals(Opcode.CLOSE, echo.opcode());
            assertEquals(0, echo.payload().remaining(), "1005 never goes on the wire");
            assertEquals(CloseStatus.NO_STATUS, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§5.5.1: 'If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer' — one byte is 1002")
    void oneByteClosePayload() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CLOSE, new byte[] {0x03});
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    @DisplayName("§7.4: codes below 1000, 1004-1006, 1015, 1016-2999 and 5000+ may not appear in a close frame (1002)")
    void invalidCloseCodes(int code) throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CLOSE, closePayload(code, new byte[0]));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.PROTOCOL_ERROR, handler.awaitClosed().code());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    @DisplayName("§7.4.1/§7.4.2: defined, registered and application codes are accepted and echoed")
    void validCloseCodes(int code) throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendClose(code, "");
            assertEquals(code, ws.client.expectClose().code());
            assertEquals(code, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§5.5.1: the close reason is UTF-8 — an invalid one fails the connection with 1007")
    void invalidUtf8Reason() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CLOSE, closePayload(1000, new byte[] {'o', 'k', (byte) 0xC0, (byte) 0x80}));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§5.5: a close frame with the longest reason (123 bytes) is fine")
    void longestReason() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        String reason = "é".repeat(61) + "x";        // 123 bytes
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CLOSE, closePayload(4000, reason.getBytes(StandardCharsets.UTF_8)));
            assertEquals(4000, ws.client.expectClose().code());
            assertEquals(reason, handler.awaitClosed().reason());
        }
    }

    @Test
    @DisplayName("§7.1.2: the server starts the close; data after it is dropped; the peer's answer ends it; the server's code is reported")
    void serverInitiatedClose() throws Exception {
        RecordingHandler handler = new RecordingHandler(false) {
            @Override
            public void onText(WebSocketSession session, String message) throws Exception {
                super.onText(session, message);
                session.close(4001, "done");
                assertFalse(session.isOpen());
                assertThrows(IOException.class, () -> session.sendText("after close"));
            }
        };
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendText("please close");
            TestClient.CloseFrame close = ws.client.expectClose();
            assertEquals(4001, close.code());
            assertEquals("done", close.reason());
            ws.client.sendText("ignored");
            ws.client.sendClose(4001, "");
            assertTrue(ws.client.awaitEndOfStream());
            RecordingHandler.Closed closed = handler.awaitClosed();
            assertEquals(4001, closed.code());
            assertEquals("done", closed.reason());
            assertEquals(1, handler.events.stream().filter(e -> e instanceof RecordingHandler.Text).count(),
                    "the text after the close frame is not delivered");
        }
    }

    @Test
    @DisplayName("§7.1.1: a peer that never answers the server's close gets its TCP closed after the close timeout")
    void closeTimeout() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withCloseTimeout(Duration.ofMillis(300));
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            handler.next(RecordingHandler.Opened.class);
            long start = System.nanoTime();
            handler.session.close(CloseStatus.GOING_AWAY, "shutting down");   // from another thread than the loop
            assertEquals(CloseStatus.GOING_AWAY, ws.client.expectClose().code());
            assertTrue(ws.client.awaitEndOfStream());
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= 250, "closed after " + elapsedMillis + " ms, before the close timeout");
            assertEquals(CloseStatus.GOING_AWAY, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§7.1.5: a TCP close without a close frame is reported as 1006")
    void abnormalClosure() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            handler.next(RecordingHandler.Opened.class);
            ws.client.close();
            assertEquals(CloseStatus.ABNORMAL, handler.awaitClosed().code());
            assertTrue(ws.awaitServerDone());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @DisplayName("§7.4.1: a handler that throws (even an IOException of its own) closes the connection with 1011 and is told why")
    void handlerFailure(boolean ioException) throws Exception {
        RecordingHandler handler = new RecordingHandler(false) {
            @Override
            public void onText(WebSocketSession session, String message) throws Exception {
                throw ioException ? new IOException("boom") : new IllegalStateException("boom");
            }
        };
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendText("trigger");
            TestClient.CloseFrame close = ws.client.expectCloseThenEnd();
            assertEquals(CloseStatus.INTERNAL_ERROR, close.code());
            assertFalse(close.reason().contains("boom"), "the reason does not leak the exception");
            assertEquals(CloseStatus.INTERNAL_ERROR, handler.awaitClosed().code());
            assertNotNull(handler.error);
            assertEquals("boom", handler.error.getMessage());
        }
    }

    @Test
    @DisplayName("§7.4.1: a handler that throws in onOpen closes the connection with 1011 before any message")
    void openFailure() throws Exception {
        RecordingHandler handler = new RecordingHandler(true) {
            @Override
            public void onOpen(WebSocketSession session) {
                throw new IllegalStateException("not today");
            }
        };
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            assertEquals(CloseStatus.INTERNAL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.INTERNAL_ERROR, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§7.4: the session refuses codes that may not be sent, and cuts long reasons at a character boundary")
    void closeArguments() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            handler.next(RecordingHandler.Opened.class);
            for (int code : new int[] {999, 1005, 1006, 1015, 2000, 5000}) {
                assertThrows(IllegalArgumentException.class, () -> handler.session.close(code, ""), "code " + code);
            }
            handler.session.close(CloseStatus.NORMAL, "€".repeat(50));           // 150 bytes
            TestClient.CloseFrame close = ws.client.expectClose();
            assertEquals("€".repeat(41), close.reason(), "123 bytes hold 41 whole euro signs");
        }
        byte[] payload = MessageSender.closePayload(CloseStatus.NORMAL, "a".repeat(200));
        assertEquals(125, payload.length);
        assertEquals(0, MessageSender.closePayload(CloseStatus.NO_STATUS, "ignored").length);
        assertTrue(Arrays.equals(new byte[] {0x03, (byte) 0xE8}, MessageSender.closePayload(1000, null)));
    }

    @Test
    @DisplayName("§7.1.1/§7.1.7: a client still sending a 16 MiB message reads our 1009; the server drains instead of resetting it")
    void aClientStillSendingAnOversizeMessageReadsTheCloseCode() throws Exception {
        byte[] oversize = TestClient.maskedFrame(true, 0, Opcode.BINARY, new byte[16 * 1024 * 1024]);
        for (int run = 0; run < 3; run++) {
            try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                    try {
                        ws.client.sendRaw(oversize);
                    } catch (IOException e) {
                        throw new IllegalStateException("the server reset the client while it was sending", e);
                    }
                });
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.client.expectClose().code());
                sent.get(30, TimeUnit.SECONDS); // every byte was taken (the lingering close read it), none reset
            }
        }
    }
}
