package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 §5.2 (base framing), §5.1 and §5.3 (masking): the frame parser and writer on raw bytes. */
class Rfc6455FramingTest {

    private static final int MASK = 0x37FA213D;

    private static byte[] payload(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static Frame parseWhole(FrameParser parser, byte[] wire) throws WebSocketException {
        ByteBuffer in = ByteBuffer.wrap(wire.clone());
        Frame frame = parser.parse(in);
        assertNotNull(frame, "a whole frame was given");
        assertFalse(in.hasRemaining(), "the frame is consumed exactly");
        return frame;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static int failureCode(FrameParser parser, byte[] wire) {
        return assertThrows(WebSocketException.class, () -> parser.parse(ByteBuffer.wrap(wire.clone()))).closeCode();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
    @DisplayName("§5.2: 'Payload length: 7 bits, 7+16 bits, or 7+64 bits' — each side of 125/126 and 65535/65536")
    void payloadLengthEncodings(int length) throws Exception {
        byte[] data = payload(length);
        Frame frame = parseWhole(FrameParser.forServer(1 << 20, 0), TestClient.maskedFrame(true, 0, Opcode.BINARY, data));
        assertEquals(Opcode.BINARY, frame.opcode());
        assertTrue(frame.fin());
        assertTrue(frame.masked());
        assertArrayEquals(data, bytes(frame.payload()));
    }

    @Test
    @DisplayName("§5.2: 'the minimal number of bytes MUST be used to encode the length' — by the writer")
    void writerUsesMinimalLengthEncoding() {
        assertEquals(2, FrameWriter.headerLength(125, false));
        assertEquals(4, FrameWriter.headerLength(126, false));
        assertEquals(4, FrameWriter.headerLength(65535, false));
        assertEquals(10, FrameWriter.headerLength(65536, false));
        assertEquals(14, FrameWriter.headerLength(65536, true));
        byte[] header = new byte[14];
        assertEquals(4, FrameWriter.encodeHeader(header, 0, true, 0, Opcode.TEXT, 126, false, 0));
        assertArrayEquals(new byte[] {(byte) 0x81, 126, 0, 126}, Arrays.copyOf(header, 4));
        assertEquals(10, FrameWriter.encodeHeader(header, 0, false, 0, Opcode.BINARY, 65536, false, 0));
        assertArrayEquals(new byte[] {0x02, 127, 0, 0, 0, 0, 0, 1, 0, 0}, Arrays.copyOf(header, 10));
    }

    @ParameterizedTest
    @ValueSource(ints = {126, 127})
    @DisplayName("§5.2: a non-minimal length encoding is still a valid frame for the receiver")
    void nonMinimalLengthAccepted(int lengthCode) throws Exception {
        byte[] data = "hello".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(0x81);
        wire.write(0x80 | lengthCode);
        for (int i = lengthCode == 126 ? 1 : 7; i >= 0; i--) {
            wire.write(i == 0 ? data.length : 0);
        }
        wire.write(new byte[] {0x37, (byte) 0xFA, 0x21, 0x3D});
        byte[] masked = data.clone();
        Masking.apply(masked, 0, masked.length, MASK, 0);
        wire.write(masked);
        Frame frame = parseWhole(FrameParser.forServer(1000, 0), wire.toByteArray());
        assertEquals("hello", StandardCharsets.UTF_8.decode(frame.payload()).toString());
    }

    @Test
    @DisplayName("§5.2: 'the most significant bit MUST be 0' in a 64-bit length — else 1002")
    void sixtyFourBitLengthWithTopBitSet() {
        byte[] wire = {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4};
        assertEquals(CloseStatus.PROTOCOL_ERROR, failureCode(FrameParser.forServer(Long.MAX_VALUE, 0), wire));
    }

    @Test
    @DisplayName("§5.1: 'The server MUST close the connection upon receiving a frame that is not masked' (1002)")
    void unmaskedClientFrame() {
        assertEquals(CloseStatus.PROTOCOL_ERROR, failureCode(FrameParser.forServer(1000, 0), new byte[] {(byte) 0x81, 0x01, 'a'}));
    }

    @Test
    @DisplayName("§5.1: 'A client MUST close a connection if it detects a masked frame'")
    void maskedServerFrame() {
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forClient(1000, 0), TestClient.maskedFrame(true, 0, Opcode.TEXT, new byte[1])));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    @DisplayName("§5.2: 'If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_' (1002)")
    void reservedOpcodes(int opcode) {
        byte[] wire = {(byte) (0x80 | opcode), (byte) 0x80, 1, 2, 3, 4};
        assertEquals(CloseStatus.PROTOCOL_ERROR, failureCode(FrameParser.forServer(1000, 0), wire));
    }

    @ParameterizedTest
    @ValueSource(ints = {FrameParser.RSV1, FrameParser.RSV2, FrameParser.RSV3})
    @DisplayName("§5.2: RSV1-3 'MUST be 0 unless an extension is negotiated that defines meanings' (1002)")
    void rsvBitsWithoutExtension(int rsv) {
        byte[] wire = TestClient.maskedFrame(true, rsv, Opcode.TEXT, new byte[] {'a'});
        assertEquals(CloseStatus.PROTOCOL_ERROR, failureCode(FrameParser.forServer(1000, 0), wire));
    }

    @Test
    @DisplayName("§5.2: with permessage-deflate, RSV1 is allowed and RSV2/RSV3 still fail (1002)")
    void rsvBitsWithCompression() throws Exception {
        FrameParser parser = FrameParser.forServer(1000, FrameParser.RSV1);
        assertTrue(parseWhole(parser, TestClient.maskedFrame(true, FrameParser.RSV1, Opcode.TEXT, new byte[] {0})).rsv1());
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forServer(1000, FrameParser.RSV1), TestClient.maskedFrame(true, FrameParser.RSV2, Opcode.TEXT, new byte[1])));
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forServer(1000, FrameParser.RSV1), TestClient.maskedFrame(true, FrameParser.RSV3, Opcode.TEXT, new byte[1])));
    }

    @Test
    @DisplayName("§5.5: 'All control frames MUST have a payload length of 125 bytes or less' — 125 passes, 126 fails (1002)")
    void controlFramePayloadBoundary() throws Exception {
        Frame ping = parseWhole(FrameParser.forServer(1000, 0), TestClient.maskedFrame(true, 0, Opcode.PING, payload(125)));
        assertEquals(125, ping.payload().remaining());
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forServer(1000, 0), TestClient.maskedFrame(true, 0, Opcode.PING, payload(126))));
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forServer(100_000, 0), TestClient.maskedFrame(true, 0, Opcode.CLOSE, payload(65536))));
    }

    @Test
    @DisplayName("§5.5: 'Control frames ... MUST NOT be fragmented' (1002)")
    void fragmentedControlFrame() {
        assertEquals(CloseStatus.PROTOCOL_ERROR,
                failureCode(FrameParser.forServer(1000, 0), TestClient.maskedFrame(false, 0, Opcode.PING, new byte[0])));
    }

    @Test
    @DisplayName("§10.4 frame size limit: exactly the limit passes, one more fails with 1009 from the header alone")
    void frameSizeLimit() throws Exception {
        assertEquals(1000, parseWhole(FrameParser.forServer(1000, 0), TestClient.maskedFrame(true, 0, Opcode.BINARY, payload(1000)))
                .payload().remaining());
        byte[] header = Arrays.copyOf(TestClient.maskedFrame(true, 0, Opcode.BINARY, payload(1001)), 4);
        FrameParser parser = FrameParser.forServer(1000, 0);
        WebSocketException e = assertThrows(WebSocketException.class, () -> parser.parseHeader(header, 0, header.length));
        assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeCode());
    }

    @Test
    @DisplayName("§5.2: frames are parsed the same whatever way the bytes are split, one byte at a time included")
    void anySplit() throws Exception {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<byte[]> payloads = List.of(payload(0), payload(5), payload(125), payload(126), payload(300), payload(70_000));
        for (byte[] data : payloads) {
            stream.write(TestClient.maskedFrame(true, 0, Opcode.BINARY, data));
        }
        byte[] wire = stream.toByteArray();
        Random random = new Random(42);
        for (int run = 0; run < 20; run++) {
            FrameParser parser = FrameParser.forServer(1 << 20, 0);
            List<byte[]> seen = new ArrayList<>();
            int position = 0;
            while (position < wire.length) {
                int n = run == 0 ? 1 : Math.min(wire.length - position, 1 + random.nextInt(run * 40));
                ByteBuffer piece = ByteBuffer.wrap(Arrays.copyOfRange(wire, position, position + n));
                position += n;
                for (Frame frame = parser.parse(piece); frame != null; frame = parser.parse(piece)) {
                    seen.add(bytes(frame.payload()));
                }
                assertFalse(piece.hasRemaining());
            }
            assertEquals(payloads.size(), seen.size(), "run " + run);
            for (int i = 0; i < payloads.size(); i++) {
                assertArrayEquals(payloads.get(i), seen.get(i), "run " + run + " frame " + i);
            }
        }
    }

    @Test
    @DisplayName("§5.2 streaming: header one byte at a time, then the payload unmasked in place in any pieces")
    void streamingPayloadInPieces() throws Exception {
        byte[] data = payload(1000);
        byte[] wire = TestClient.maskedFrame(false, 0, Opcode.TEXT, data);
        FrameParser parser = FrameParser.forServer(1 << 20, 0);
        int position = 0;
        while (!parser.inPayload()) {
            position += parser.parseHeader(wire, position, 1);
        }
        assertEquals(4 + 4, position, "2 header bytes, 2 length bytes, 4 key bytes");
        assertFalse(parser.fin());
        assertEquals(Opcode.TEXT, parser.opcode());
        for (int piece : new int[] {1, 2, 3, 500, 494}) {
            assertEquals(piece, parser.consumePayload(wire, position, piece));
            position += piece;
        }
        assertEquals(0, parser.remaining());
        parser.endFrame();
        assertArrayEquals(data, Arrays.copyOfRange(wire, 8, wire.length));
    }

    @Test
    @DisplayName("§5.3: masking is XOR with key byte i mod 4, in any piece sizes and at any payload offset")
    void maskingMatchesDefinition() {
        Random random = new Random(7);
        for (int run = 0; run < 200; run++) {
            byte[] data = payload(random.nextInt(100));
            int key = random.nextInt();
            int offset = random.nextInt(8);
            byte[] expected = data.clone();
            for (int i = 0; i < expected.length; i++) {
                expected[i] ^= (byte) (key >>> (24 - 8 * ((i + offset) & 3)));
            }
            byte[] actual = data.clone();
            int split = data.length == 0 ? 0 : random.nextInt(data.length);
            Masking.apply(actual, 0, split, key, offset);
            Masking.apply(actual, split, actual.length, key, offset + split);
            assertArrayEquals(expected, actual, "run " + run);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 10, 256, 257, 16 * 1024, 16 * 1024 + 1, 100_000})
    @DisplayName("§5.1: a server never masks; small frames go out in one write, large payloads are not copied")
    void serverWriter(int length) throws Exception {
        byte[] data = payload(length);
        CapturingConnection out = new CapturingConnection();
        new FrameWriter(Role.SERVER).write(out, true, 0, Opcode.BINARY, data, 0, data.length);
        Frame frame = parseWhole(FrameParser.forClient(1 << 20, 0), out.bytes());
        assertFalse(frame.masked());
        assertArrayEquals(data, bytes(frame.payload()));
        assertEquals(length <= FrameWriter.COALESCE_LIMIT ? 1 : 2, out.writes);
    }

    @Test
    @DisplayName("§5.3: a client masks with a fresh key per frame and never changes the caller's bytes")
    void clientWriter() throws Exception {
        byte[] data = payload(40_000);
        byte[] original = data.clone();
        CapturingConnection out = new CapturingConnection();
        FrameWriter writer = new FrameWriter(Role.CLIENT);
        writer.write(out, true, 0, Opcode.BINARY, data, 0, data.length);
        writer.write(out, true, 0, Opcode.BINARY, data, 0, 10);
        assertArrayEquals(original, data);
        ByteBuffer wire = ByteBuffer.wrap(out.bytes());
        FrameParser parser = FrameParser.forServer(1 << 20, 0);
        Frame first = parser.parse(wire);
        Frame second = parser.parse(wire);
        assertArrayEquals(original, bytes(first.payload()));
        assertArrayEquals(Arrays.copyOf(original, 10), bytes(second.payload()));
        assertTrue(first.masked() && second.masked());
        assertNull(parser.parse(wire));
    }

    @Test
    @DisplayName("§5.2 on a live connection: an unmasked client frame fails the connection with 1002")
    void unmaskedFrameClosesConnection() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendRaw(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
            assertEquals(CloseStatus.PROTOCOL_ERROR, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.PROTOCOL_ERROR, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§5.2 on a live connection: frames the client pipelined behind the handshake are read first")
    void leftoverBytesAreParsed() throws Exception {
        RecordingHandler handler = RecordingHandler.echoing();
        byte[] first = TestClient.maskedFrame(true, 0, Opcode.TEXT, "early".getBytes(StandardCharsets.UTF_8));
        byte[] split = TestClient.maskedFrame(true, 0, Opcode.TEXT, "split".getBytes(StandardCharsets.UTF_8));
        byte[] leftover = new byte[first.length + 3];
        System.arraycopy(first, 0, leftover, 0, first.length);
        System.arraycopy(split, 0, leftover, first.length, 3);
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS, null, leftover)) {
            ws.client.sendRaw(Arrays.copyOfRange(split, 3, split.length));
            assertEquals("early", ws.client.expectText());
            assertEquals("split", ws.client.expectText());
        }
    }

    @Test
    @DisplayName("§5.2: frames larger than the read buffer are read in place and echoed whole")
    void largeFramesOnLiveConnection() throws IOException, InterruptedException {
        RecordingHandler handler = RecordingHandler.echoing();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            int buffer = MessageReader.READ_BUFFER_SIZE;
            // Whole frames on both sides of the read buffer's size, and payloads on both sides of it.
            for (int length : new int[] {buffer - 9, buffer - 8, buffer - 7, buffer - 1, buffer, buffer + 1, 65536}) {
                byte[] data = payload(length);
                ws.client.sendFrame(true, Opcode.BINARY, data);
                Frame echo = ws.client.expectFrame();
                assertEquals(Opcode.BINARY, echo.opcode());
                assertArrayEquals(data, bytes(echo.payload()), "length " + length);
            }
            assertEquals(0, ws.server.heldMessageBytes(), "no message buffer kept once delivered");
        }
    }
}
