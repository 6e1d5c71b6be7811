package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /** The control frame that must get ahead of a large message, and who sends it. */
    enum Control {
        /** The connection's own thread, answering the client's ping. */
        PONG,
        /** An application thread calling {@link WebSocketSession#sendPing}. */
        PING,
        /** An application thread calling {@link WebSocketSession#close}. */
        CLOSE
    }

    private static final int LARGE_MESSAGE_FRAMES = 32;
    private static final int FRAME_HEADER = FrameWriter.headerLength(MessageSender.MAX_FRAME_PAYLOAD, false);
    private static final long FULL_FRAME_BYTES = FRAME_HEADER + MessageSender.MAX_FRAME_PAYLOAD;

    /**
     * The sender of a 2 MiB message is stopped inside the write of one of its frames (a {@link WriteGate}
     * at a chosen byte, in place of a full socket buffer at whatever byte the scheduler picks), the control
     * frame is queued behind it, and only then is the sender let go: the frame in progress must finish
     * (frames never interleave) and the control frame must come right after it, before any further frame
     * of the message.
     */
    @ParameterizedTest(name = "{0} queued while the sender is inside frame {1} of 32 (its header already out: {2})")
    @CsvSource({
        "PONG, 1, false", "PONG, 1, true", "PONG, 2, false", "PONG, 17, true", "PONG, 32, true",
        "PING, 1, false", "PING, 17, true",
        "CLOSE, 1, true", "CLOSE, 17, false"})
    @DisplayName("§5.4/§5.5: 'Control frames ... MAY be injected in the middle of a fragmented message': one queued"
            + " while a large message goes out waits for the frame in progress, not for the rest of the message")
    void controlFrameWaitsForAtMostOneDataFrame(Control control, int heldFrame, boolean headerOut) throws Exception {
        int size = LARGE_MESSAGE_FRAMES * MessageSender.MAX_FRAME_PAYLOAD;
        byte[] message = payload(size);
        CompletableFuture<WebSocketSession> opened = new CompletableFuture<>();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketSession session) {
                opened.complete(session);
            }
        };
        AtomicReference<WriteGate> gate = new AtomicReference<>();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS, server -> {
            gate.set(new WriteGate(server));
            return gate.get();
        })) {
            WebSocketSession session = opened.get(10, TimeUnit.SECONDS);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Thread sender = Thread.ofVirtual()
                    .unstarted(() -> complete(sent, () -> session.sendBinary(ByteBuffer.wrap(message))));
            gate.get().hold(sender, (heldFrame - 1) * FULL_FRAME_BYTES + (headerOut ? FRAME_HEADER : 0));
            sender.start();

            int received = 0;
            for (int frame = 1; frame < heldFrame; frame++) {
                received += expectDataFrame(ws.client, message, frame, received);
            }
            assertTrue(gate.get().awaitHeld(RecordingHandler.WAIT), "the sender never reached frame " + heldFrame);
            CompletableFuture<Void> controlSent = sendControl(control, ws.client, session);
            ws.awaitServer(WebSocketConnection::hasWaitingWriters,
                    "the " + control + " never queued behind the held frame");
            gate.get().open();

            received += expectDataFrame(ws.client, message, heldFrame, received);
            Frame next = ws.client.expectFrame();
            switch (control) {
                case PONG, PING -> {
                    assertEquals(control == Control.PONG ? Opcode.PONG : Opcode.PING, next.opcode(),
                            "the " + control + " waits for the frame in progress only");
                    assertEquals("urgent", StandardCharsets.UTF_8.decode(next.payload()).toString());
                    controlSent.get(10, TimeUnit.SECONDS);
                    for (int frame = heldFrame + 1; frame <= LARGE_MESSAGE_FRAMES; frame++) {
                        received += expectDataFrame(ws.client, message, frame, received);
                    }
                    sent.get(10, TimeUnit.SECONDS);
                    assertEquals(size, received);
                }
                case CLOSE -> {
                    assertEquals(Opcode.CLOSE, next.opcode(), "the close waits for the frame in progress only");
                    assertEquals(new TestClient.CloseFrame(CloseStatus.NORMAL, "urgent"), TestClient.closeFrame(next));
                    controlSent.get(10, TimeUnit.SECONDS);
                    // §5.5.1: 'The application MUST NOT send any more data frames after sending a Close frame.'
                    ExecutionException failure = assertThrows(ExecutionException.class,
                            () -> sent.get(10, TimeUnit.SECONDS));
                    assertInstanceOf(IOException.class, failure.getCause());
                    ws.client.sendClose(CloseStatus.NORMAL, "");
                    assertNull(ws.client.readFrame(), "a frame followed the close frame");
                }
            }
        }
    }

    /** Reads frame {@code index} (1-based) of the large message and checks it carries the next bytes of it. */
    private static int expectDataFrame(TestClient client, byte[] message, int index, int offset) throws IOException {
        Frame frame = client.expectFrame();
        assertEquals(index == 1 ? Opcode.BINARY : Opcode.CONTINUATION, frame.opcode(), "frame " + index);
        assertEquals(index == LARGE_MESSAGE_FRAMES, frame.fin(), "FIN on frame " + index);
        int length = frame.payload().remaining();
        assertEquals(MessageSender.MAX_FRAME_PAYLOAD, length, "payload of frame " + index);
        assertEquals(ByteBuffer.wrap(message, offset, length), frame.payload(), "bytes of frame " + index);
        return length;
    }

    private static CompletableFuture<Void> sendControl(Control control, TestClient client, WebSocketSession session)
            throws IOException {
        byte[] urgent = "urgent".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> done = new CompletableFuture<>();
        switch (control) {
            case PONG -> {
                client.sendFrame(true, Opcode.PING, urgent);
                done.complete(null);
            }
            case PING -> Thread.ofVirtual().start(() -> complete(done, () -> session.sendPing(ByteBuffer.wrap(urgent))));
            case CLOSE -> Thread.ofVirtual().start(() -> complete(done, () -> session.close(CloseStatus.NORMAL, "urgent")));
        }
        return done;
    }

    private interface Send {
        void run() throws Exception;
    }

    private static void complete(CompletableFuture<Void> outcome, Send send) {
        try {
            send.run();
            outcome.complete(null);
        } catch (Throwable e) {
            outcome.completeExceptionally(e);
        }
    }
}
