package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6455 §5.4 (fragmentation), on a live connection with raw frames. */
class Rfc6455FragmentationTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("§5.4: 'a message ... is represented by a single frame with FIN clear followed by zero or more continuations and one with FIN set'")
    void fragmentedTextDeliveredWhole() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.TEXT, utf8("Hel"));
            ws.client.sendFrame(false, Opcode.CONTINUATION, new byte[0]);
            ws.client.sendFrame(true, Opcode.CONTINUATION, utf8("lo"));
            assertEquals("Hello", handler.nextText());
            assertEquals("Hello", ws.client.expectText());
        }
    }

    @Test
    @DisplayName("§5.4: many fragments of a binary message, some larger than the read buffer, some empty")
    void manyBinaryFragments() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        Random random = new Random(3);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            for (int i = 0; i < 20; i++) {
                byte[] piece = new byte[i % 5 == 0 ? 0 : random.nextInt(2000)];
                random.nextBytes(piece);
                whole.writeBytes(piece);
                ws.client.sendFrame(i == 19, i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, piece);
            }
            assertArrayEquals(whole.toByteArray(), handler.next(RecordingHandler.Binary.class).data());
            assertEquals(0, ws.server.heldMessageBytes());
        }
    }

    @Test
    @DisplayName("§5.4: a continuation frame with no message to continue fails the connection (1002)")
    void continuationWithoutStart() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.CONTINUATION, utf8("orphan"));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.PROTOCOL_ERROR, handler.awaitClosed().code());
            assertNotNull(handler.error, "a protocol failure is reported to onError");
        }
    }

    @ParameterizedTest
    @CsvSource({"TEXT", "BINARY"})
    @DisplayName("§5.4: 'the fragments of one message MUST NOT be interleaved' — a new data frame inside a fragmented message is 1002")
    void newMessageInsideFragmentedMessage(Opcode second) throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.TEXT, utf8("first"));
            ws.client.sendFrame(true, second, utf8("second"));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.PROTOCOL_ERROR, handler.awaitClosed().code());
            assertTrue(handler.events.stream().noneMatch(e -> e instanceof RecordingHandler.Text));
        }
    }

    @Test
    @DisplayName("§5.4: 'Control frames MAY be injected in the middle of a fragmented message'")
    void controlFramesBetweenFragments() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.TEXT, utf8("frag"));
            ws.client.sendFrame(true, Opcode.PING, utf8("mid"));
            ws.client.sendFrame(true, Opcode.PONG, utf8("unsolicited"));
            ws.client.sendFrame(true, Opcode.CONTINUATION, utf8("mented"));
            Frame pong = ws.client.expectFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("mid", StandardCharsets.UTF_8.decode(pong.payload()).toString());
            assertEquals("fragmented", ws.client.expectText());
        }
    }

    @ParameterizedTest(name = "limit {0}: fragments {1} + {2}")
    @CsvSource({"1000, 500, 500, true", "1000, 500, 501, false", "1000, 0, 1000, true", "1000, 1000, 1, false"})
    @DisplayName("§10.4 message size limit summed across fragments: the limit passes, one more byte is 1009")
    void messageLimitAcrossFragments(int limit, int first, int second, boolean fits) throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxMessageSize(limit);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            ws.client.sendFrame(false, Opcode.BINARY, new byte[first]);
            ws.client.sendFrame(true, Opcode.CONTINUATION, new byte[second]);
            if (fits) {
                assertEquals(first + second, handler.next(RecordingHandler.Binary.class).data().length);
            } else {
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.client.expectCloseThenEnd().code());
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, handler.awaitClosed().code());
            }
        }
    }

    @ParameterizedTest(name = "limit {0}, message {1}")
    @CsvSource({"1000, 1000, true", "1000, 1001, false"})
    @DisplayName("§10.4 message size limit on an unfragmented message, beneath a larger frame limit")
    void messageLimitSingleFrame(int limit, int length, boolean fits) throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withMaxMessageSize(limit).withMaxFrameSize(100_000);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, config)) {
            // Only the header goes out for the too-large case: the limit must act before any payload.
            byte[] frame = TestClient.maskedFrame(true, 0, Opcode.TEXT, "x".repeat(length).getBytes(StandardCharsets.US_ASCII));
            ws.client.sendRaw(fits ? frame : java.util.Arrays.copyOf(frame, 8));
            if (fits) {
                assertEquals(length, handler.nextText().length());
            } else {
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.client.expectCloseThenEnd().code());
            }
        }
    }

    @Test
    @DisplayName("§5.4: outgoing messages over 64 KiB are fragmented, and two senders' fragments never interleave")
    void outgoingFragmentsNotInterleaved() throws Exception {
        int senders = 3, messages = 4, size = 150_000;
        CountDownLatch start = new CountDownLatch(1);
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketSession session) {
                for (int s = 0; s < senders; s++) {
                    byte fill = (byte) s;
                    Thread.ofVirtual().start(() -> {
                        try {
                            start.await();
                            for (int m = 0; m < messages; m++) {
                                byte[] data = new byte[size];
                                java.util.Arrays.fill(data, fill);
                                data[0] = (byte) m;
                                session.sendBinary(ByteBuffer.wrap(data));
                            }
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                }
                start.countDown();
            }
        };
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            List<int[]> seen = new ArrayList<>();                // {sender, message index}
            int[] nextIndex = new int[senders];
            for (int m = 0; m < senders * messages; m++) {
                Frame first = ws.client.expectFrame();
                assertEquals(Opcode.BINARY, first.opcode(), "a message starts with a BINARY frame");
                assertFalse(first.fin(), "150 KB goes out in several frames");
                assertTrue(first.payload().remaining() <= MessageSender.MAX_FRAME_PAYLOAD);
                ByteArrayOutputStream whole = new ByteArrayOutputStream();
                whole.writeBytes(RecordingHandler.bytesOf(first.payload()));
                Frame frame = first;
                while (!frame.fin()) {
                    frame = ws.client.expectFrame();
                    assertEquals(Opcode.CONTINUATION, frame.opcode(), "no other message inside this one");
                    whole.writeBytes(RecordingHandler.bytesOf(frame.payload()));
                }
                byte[] data = whole.toByteArray();
                assertEquals(size, data.length);
                int sender = data[1];
                for (int i = 1; i < data.length; i++) {
                    if (data[i] != sender) {
                        throw new AssertionError("bytes of two messages mixed at " + i);
                    }
                }
                assertEquals(nextIndex[sender]++, data[0], "each sender's messages arrive in its order");
                seen.add(new int[] {sender, data[0]});
            }
            assertEquals(senders * messages, seen.size());
        }
    }
}
