package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 6455 §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream
 * is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_" (1007).
 */
class Rfc6455Utf8Test {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "7f", "c2 80", "df bf", "e0 a0 80", "ed 9f bf", "ee 80 80", "ef bf bf",
            "f0 90 80 80", "f4 8f bf bf", "ce ba e1 bd b9 cf 83 ce bc ce b5"})
    @DisplayName("RFC 3629 boundaries: U+0000..U+007F, U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF")
    void validSequences(String sequence) {
        byte[] bytes = hex(sequence);
        assertTrue(Utf8Validator.isValid(bytes, 0, bytes.length));
    }

    /** @param failsAt the index of the byte at which the validator must reject, or -1 for "at the end" */
    @ParameterizedTest(name = "{0} fails at {1}")
    @CsvSource({
            "80, 0",                // lone continuation
            "c0 80, 0",             // overlong 2-byte
            "c1 bf, 0",
            "e0 80 80, 1",          // overlong 3-byte
            "e0 9f bf, 1",
            "ed a0 80, 1",          // surrogate U+D800
            "ed bf bf, 1",          // surrogate U+DFFF
            "f0 80 80 80, 1",       // overlong 4-byte
            "f0 8f bf bf, 1",
            "f4 90 80 80, 1",       // above U+10FFFF
            "f5 80 80 80, 0",
            "ff, 0",
            "c2 41, 1",             // missing continuation
            "e2 82 41, 2",
            "41 e2 82, -1",         // truncated at the end
            "f0 90 80, -1",
            "ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64 69 74 65 64, 12"})
    @DisplayName("§8.1: invalid sequences fail at the first byte that cannot continue them")
    void invalidSequences(String sequence, int failsAt) {
        byte[] bytes = hex(sequence);
        Utf8Validator validator = new Utf8Validator();
        for (int i = 0; i < bytes.length; i++) {
            boolean ok = validator.feed(bytes, i, 1);
            assertEquals(i != failsAt, ok, "byte " + i);
            if (!ok) {
                assertFalse(validator.feed(new byte[] {'a'}, 0, 1), "rejection sticks");
                return;
            }
        }
        assertEquals(-1, failsAt);
        assertFalse(validator.isComplete(), "an open sequence at the end is invalid");
    }

    @Test
    @DisplayName("the automaton agrees with the JDK's strict decoder on random bytes fed in random pieces")
    void agreesWithJdkDecoder() {
        Random random = new Random(11);
        for (int run = 0; run < 20_000; run++) {
            byte[] bytes = new byte[random.nextInt(24)];
            for (int i = 0; i < bytes.length; i++) {
                // Mostly high bytes, so that most runs exercise multi-byte rules.
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 0x80 + random.nextInt(128));
            }
            Utf8Validator validator = new Utf8Validator();
            boolean ok = true;
            for (int i = 0; i < bytes.length && ok; ) {
                int n = 1 + random.nextInt(bytes.length - i);
                ok = validator.feed(bytes, i, n);
                i += n;
            }
            assertEquals(jdkAccepts(bytes), ok && validator.isComplete(), HexFormat.of().formatHex(bytes));
        }
    }

    @Test
    @DisplayName("long valid texts in random pieces, ASCII runs included (the 8-byte fast path)")
    void longValidTexts() {
        Random random = new Random(5);
        for (int run = 0; run < 200; run++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                int kind = random.nextInt(5);
                text.appendCodePoint(switch (kind) {
                    case 0, 1 -> 'a' + random.nextInt(26);
                    case 2 -> 0x80 + random.nextInt(0x780);
                    case 3 -> 0xE000 + random.nextInt(0x1000);
                    default -> 0x10000 + random.nextInt(0x100000);
                });
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            Utf8Validator validator = new Utf8Validator();
            for (int i = 0; i < bytes.length; ) {
                int n = Math.min(bytes.length - i, 1 + random.nextInt(40));
                assertTrue(validator.feed(bytes, i, n));
                i += n;
            }
            assertTrue(validator.isComplete());
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    @DisplayName("§8.1 on a live connection: invalid UTF-8 in a text message fails with 1007")
    void invalidTextMessage() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.TEXT, hex("48 65 ed a0 80"));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.INVALID_PAYLOAD, handler.awaitClosed().code());
        }
    }

    @Test
    @DisplayName("§8.1: invalid text fails in the middle of a fragmented message, before its last fragment is sent")
    void failsBeforeTheMessageEnds() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.TEXT, hex("ce ba e1 bd b9"));
            ws.client.sendFrame(false, Opcode.CONTINUATION, hex("cf 83 f4 90 80 80"));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§8.1: invalid text fails within a large frame before the rest of its payload arrives")
    void failsBeforeTheFrameEnds() throws Exception {
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(RecordingHandler.recording(), WebSocketConfig.DEFAULTS)) {
            byte[] text = new byte[60_000];
            java.util.Arrays.fill(text, (byte) 'a');
            text[100] = (byte) 0xFF;
            byte[] frame = TestClient.maskedFrame(true, 0, Opcode.TEXT, text);
            ws.client.sendRaw(java.util.Arrays.copyOf(frame, 2000));   // header and 1992 payload bytes
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§8.1: a code point split across fragments is valid; a message ending inside one is not (1007)")
    void codePointAcrossFragments() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(false, Opcode.TEXT, hex("f0 9f"));
            ws.client.sendFrame(true, Opcode.CONTINUATION, hex("98 80"));
            assertEquals("\uD83D\uDE00", handler.nextText());
            ws.client.sendFrame(false, Opcode.TEXT, hex("41 f0 9f"));
            ws.client.sendFrame(true, Opcode.CONTINUATION, hex("98"));
            assertEquals(CloseStatus.INVALID_PAYLOAD, ws.client.expectCloseThenEnd().code());
        }
    }

    @Test
    @DisplayName("§5.6: binary messages are not UTF-8 and are never validated")
    void binaryIsNotValidated() throws Exception {
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS)) {
            ws.client.sendFrame(true, Opcode.BINARY, hex("ff c0 ed a0 80"));
            assertEquals(5, handler.next(RecordingHandler.Binary.class).data().length);
        }
    }
}
