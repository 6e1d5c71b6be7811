package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 7692 §6 and §7.2: permessage-deflate on a live connection, with the RFC's own example bytes. */
class Rfc7692CompressionTest {

    private static final DeflateParameters TAKEOVER = new DeflateParameters(false, false, false);
    private static final DeflateParameters NO_TAKEOVER = new DeflateParameters(true, true, false);

    private final DeflateTestCodec codec = new DeflateTestCodec();

    @AfterEach
    void endCodec() {
        codec.end();
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    private static LoopbackWebSocket start(RecordingHandler handler, DeflateParameters deflate) throws Exception {
        return LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS, deflate, new byte[0]);
    }

    @Test
    @DisplayName("§7.2.3.1: 'A message compressed using 1 compressed DEFLATE block' — f2 48 cd c9 c9 07 00 is \"Hello\"")
    void rfcExampleOneBlock() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"));
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.1: the same message in two fragments — RSV1 on the first only")
    void rfcExampleFragmented() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(false, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd"));
            ws.client.sendFrame(true, 0, Opcode.CONTINUATION, hex("c9 c9 07 00"));
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.2: 'Sharing LZ77 Sliding Window' — the second \"Hello\" is f2 00 11 00 00, a back-reference")
    void rfcExampleSharedWindow() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"));
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 00 11 00 00"));
            assertEquals("Hello", handler.nextText());
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.3: 'Using a DEFLATE Block with No Compression' — 00 05 00 fa ff 48 65 6c 6c 6f 00")
    void rfcExampleStoredBlock() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("00 05 00 fa ff 48 65 6c 6c 6f 00"));
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.4: 'Using a DEFLATE Block with BFINAL Set to 1' — f3 48 cd c9 c9 07 00 00, then the next message still works")
    void rfcExampleFinalBlock() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f3 48 cd c9 c9 07 00 00"));
            assertEquals("Hello", handler.nextText());
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"));
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.5: 'Two DEFLATE Blocks in One Message' — f2 48 05 00 00 00 ff ff ca c9 c9 07 00")
    void rfcExampleTwoBlocks() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00"));
            assertEquals("Hello", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.6: 'Generating an Empty Fragment' — a single 00 byte is an empty message")
    void rfcExampleEmpty() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.BINARY, hex("00"));
            assertEquals(0, handler.next(RecordingHandler.Binary.class).data().length);
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, new byte[0]);
            assertEquals("", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.3.6: an empty compressed payload (no 00 byte) is read leniently as empty, and the window survives it")
    void emptyPayloadKeepsWindow() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"));
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, new byte[0]);
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 00 11 00 00"));
            assertEquals("Hello", handler.nextText());
            assertEquals("", handler.nextText());
            assertEquals("Hello", handler.nextText(), "the back-reference still finds the first Hello");
        }
    }

    @Test
    @DisplayName("§7.2.3.6: the compressor never produces an empty payload, even for an empty message after a flush")
    void compressorEmptyMessage() throws Exception {
        MessageDeflater deflater = new MessageDeflater(false);
        try {
            byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
            MessageDeflater.Compressed first = deflater.compress(hello, 0, hello.length, 10);
            MessageDeflater.Compressed empty = deflater.compress(new byte[0], 0, 0, 10);
            MessageDeflater.Compressed again = deflater.compress(hello, 0, hello.length, 10);
            assertTrue(empty.length() >= 1);
            assertArrayEquals(hello, codec.decompress(java.util.Arrays.copyOfRange(first.array(), first.offset(), first.offset() + first.length())));
            assertEquals(0, codec.decompress(java.util.Arrays.copyOfRange(empty.array(), empty.offset(), empty.offset() + empty.length())).length);
            assertArrayEquals(hello, codec.decompress(java.util.Arrays.copyOfRange(again.array(), again.offset(), again.offset() + again.length())));
            assertTrue(again.length() < first.length(), "the third message refers back to the first");
        } finally {
            deflater.release();
        }
    }

    @Test
    @DisplayName("§6: 'an endpoint MAY send uncompressed messages' — RSV1 clear means a plain message")
    void uncompressedMessageStillAccepted() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendText("plain");
            assertEquals("plain", handler.nextText());
        }
    }

    @Test
    @DisplayName("§7.2.2: with context takeover the client's window spans messages; many messages in a row decode")
    void clientContextTakeover() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        String text = "the quick brown fox jumps over the lazy dog ".repeat(20);
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            byte[] first = codec.compress(text.getBytes(StandardCharsets.UTF_8));
            byte[] second = codec.compress(text.getBytes(StandardCharsets.UTF_8));
            assertTrue(second.length < first.length / 2, "the second compresses against the first");
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, first);
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, second);
            assertEquals(text, handler.nextText());
            assertEquals(text, handler.nextText());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {600, 100_000})
    @DisplayName("§7.2.1: the server compresses with a sync flush, strips 00 00 FF FF, sets RSV1 on the first frame only")
    void serverCompresses(int length) throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        byte[] data = new byte[length];
        new Random(length).nextBytes(data);         // incompressible: 100 KB needs two frames
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler,
                WebSocketConfig.DEFAULTS.withMaxMessageSize(200_000).withMaxFrameSize(200_000), TAKEOVER, new byte[0])) {
            ws.client.sendFrame(true, 0, Opcode.BINARY, data);
            Frame frame = ws.client.expectFrame();
            assertEquals(Opcode.BINARY, frame.opcode());
            assertTrue(frame.rsv1(), "RSV1 marks the compressed message");
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(RecordingHandler.bytesOf(frame.payload()));
            while (!frame.fin()) {
                frame = ws.client.expectFrame();
                assertEquals(Opcode.CONTINUATION, frame.opcode());
                assertFalse(frame.rsv1(), "§6.1: RSV1 is not set on non-first fragments");
                payload.writeBytes(RecordingHandler.bytesOf(frame.payload()));
            }
            byte[] compressed = payload.toByteArray();
            int n = compressed.length;
            assertFalse(n >= 4 && compressed[n - 4] == 0 && compressed[n - 3] == 0 && compressed[n - 2] == (byte) 0xFF
                    && compressed[n - 1] == (byte) 0xFF, "the 4-byte tail is removed");
            assertArrayEquals(data, codec.decompress(compressed));
        }
    }

    @Test
    @DisplayName("§7.2.1: with context takeover the server's second identical message is a fraction of the first")
    void serverContextTakeover() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        String text = "permessage-deflate keeps its window across messages. ".repeat(4);
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendText(text);
            ws.client.sendText(text);
            Frame first = ws.client.expectFrame();
            Frame second = ws.client.expectFrame();
            assertTrue(first.rsv1() && second.rsv1());
            assertTrue(second.payload().remaining() < first.payload().remaining() / 2);
            assertEquals(text, new String(codec.decompress(RecordingHandler.bytesOf(first.payload())), StandardCharsets.UTF_8));
            assertEquals(text, new String(codec.decompress(RecordingHandler.bytesOf(second.payload())), StandardCharsets.UTF_8));
        }
    }

    @Test
    @DisplayName("§7.1.1.1: with server_no_context_takeover each server message decodes with an empty window")
    void serverNoContextTakeover() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        String text = "every message stands alone without context takeover. ".repeat(4);
        try (LoopbackWebSocket ws = start(handler, NO_TAKEOVER)) {
            for (int i = 0; i < 3; i++) {
                // A fresh client codec per message: an empty window on both sides, every time.
                DeflateTestCodec fresh = new DeflateTestCodec();
                try {
                    ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, fresh.compress(text.getBytes(StandardCharsets.UTF_8)));
                    Frame echo = ws.client.expectFrame();
                    assertTrue(echo.rsv1());
                    assertEquals(text, new String(fresh.decompress(RecordingHandler.bytesOf(echo.payload())), StandardCharsets.UTF_8),
                            "message " + i + " needs no earlier window");
                } finally {
                    fresh.end();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    @DisplayName("§7.1.1: without context takeover an idle connection holds no zlib state; with it, the windows stay")
    void zlibStateBetweenMessages(boolean takeover) throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        String text = "hibernate between messages, like cowboy_websocket. ".repeat(4);
        try (LoopbackWebSocket ws = start(handler, takeover ? TAKEOVER : NO_TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, codec.compress(text.getBytes(StandardCharsets.UTF_8)));
            Frame echo = ws.client.expectFrame();
            assertTrue(echo.rsv1());
            assertEquals(text, new String(codec.decompress(RecordingHandler.bytesOf(echo.payload())), StandardCharsets.UTF_8));
            assertEquals(takeover, ws.server.holdsZlibState());
            assertEquals(0, ws.server.heldMessageBytes());
        }
    }

    @Test
    @DisplayName("§6: messages under 64 bytes go out uncompressed (RSV1 clear): deflate would only add bytes")
    void smallMessagesUncompressed() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendText("tiny");
            Frame frame = ws.client.expectFrame();
            assertFalse(frame.rsv1());
            assertEquals("tiny", StandardCharsets.UTF_8.decode(frame.payload()).toString());
        }
    }

    @Test
    @DisplayName("§6.1: control frames are never compressed — a pong is plain, and a ping with RSV1 fails (1002)")
    void controlFramesNotCompressed() throws Exception {
        try (LoopbackWebSocket ws = start(RecordingHandler.recording(), TAKEOVER)) {
            ws.client.sendFrame(true, 0, Opcode.PING, "x".repeat(100).getBytes(StandardCharsets.US_ASCII));
            Frame pong = ws.client.expectFrame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertFalse(pong.rsv1());
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.PING, new byte[0]);
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§6.1: RSV1 on a continuation frame fails the connection (1002)")
    void rsv1OnContinuation() throws Exception {
        try (LoopbackWebSocket ws = start(RecordingHandler.recording(), TAKEOVER)) {
            ws.client.sendFrame(false, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd"));
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.CONTINUATION, hex("c9 c9 07 00"));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§6: without permessage-deflate agreed, RSV1 has no meaning and fails the connection (1002)")
    void rsv1WithoutAgreement() throws Exception {
        try (LoopbackWebSocket ws = start(RecordingHandler.recording(), null)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, hex("f2 48 cd c9 c9 07 00"));
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§7.2.2: data that does not inflate fails the connection (1007)")
    void corruptCompressedData() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.BINARY, hex("ff ff ff ff"));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.INVALID_PAYLOAD, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§8.1 with compression: decompressed text is validated as UTF-8 (1007)")
    void compressedInvalidUtf8() throws Exception {
        try (LoopbackWebSocket ws = start(RecordingHandler.recording(), TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.TEXT, codec.compress(hex("41 42 ed a0 80")));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("large compressed frames are read through a pooled chunk, given back once the message is delivered")
    void largeCompressedMessage() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        byte[] data = new byte[60_000];
        new Random(1).nextBytes(data);
        try (LoopbackWebSocket ws = start(handler, TAKEOVER)) {
            ws.client.sendFrame(true, FrameParser.RSV1, Opcode.BINARY, codec.compress(data));
            assertArrayEquals(data, handler.next(RecordingHandler.Binary.class).data());
            ws.client.sendText("sync");
            handler.nextText();
            assertEquals(0, ws.server.heldMessageBytes());
        }
    }
}
