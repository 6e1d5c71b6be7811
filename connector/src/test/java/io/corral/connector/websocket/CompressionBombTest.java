package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 7692 §8.1 ("decompression bombs") and RFC 6455 §10.4: the size limit applies to the decompressed
 * message, and decompression stops as soon as it is passed, so a few KB of zeros that would inflate to
 * gigabytes cost at most the limit.
 */
class CompressionBombTest {

    private static byte[] compressedZeros(int length) {
        DeflateTestCodec codec = new DeflateTestCodec();
        try {
            return codec.compress(new byte[length]);
        } finally {
            codec.end();
        }
    }

    @ParameterizedTest(name = "limit {0}, message {1}")
    @CsvSource({"65536, 65536, true", "65536, 65537, false", "1000, 1000, true", "1000, 1001, false", "0, 0, true", "0, 1, false"})
    @DisplayName("§10.4: a decompressed message of exactly the limit passes; one byte more is 1009")
    void limitBoundary(int limit, int length, boolean fits) throws Exception {
        MessageInflater inflater = new MessageInflater(false);
        MessageBuffer out = new MessageBuffer(limit);
        byte[] compressed = compressedZeros(length);
        try {
            if (fits) {
                inflater.inflate(compressed, 0, compressed.length, out);
                inflater.finishMessage(out);
                assertEquals(length, out.length());
            } else {
                WebSocketException e = assertThrows(WebSocketException.class, () -> {
                    inflater.inflate(compressed, 0, compressed.length, out);
                    inflater.finishMessage(out);
                });
                assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeCode());
            }
            assertTrue(out.capacity() <= limit, "never more than the limit allocated");
        } finally {
            inflater.release();
        }
    }

    @Test
    @DisplayName("§8.1: 100 MB of zeros in ~100 KB of deflate stops at the 64 KiB limit, having allocated no more")
    void bombStopsAtLimit() {
        byte[] bomb = compressedZeros(100 * 1024 * 1024);
        assertTrue(bomb.length < 200 * 1024);
        MessageInflater inflater = new MessageInflater(false);
        MessageBuffer out = new MessageBuffer(65536);
        try {
            // Fed in frame-sized pieces, as a connection would.
            WebSocketException e = assertThrows(WebSocketException.class, () -> {
                for (int offset = 0; offset < bomb.length; offset += 4096) {
                    inflater.inflate(bomb, offset, Math.min(4096, bomb.length - offset), out);
                }
            });
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, e.closeCode());
            assertEquals(65536, out.capacity());
        } finally {
            inflater.release();
        }
    }

    @Test
    @DisplayName("§8.1 on a live connection: the bomb's first frame already ends the connection with 1009")
    void bombOnLiveConnection() throws Exception {
        byte[] bomb = compressedZeros(50 * 1024 * 1024);
        RecordingHandler handler = RecordingHandler.recording();
        try (LoopbackWebSocket ws = LoopbackWebSocket.start(handler, WebSocketConfig.DEFAULTS,
                new DeflateParameters(false, false, false), new byte[0])) {
            // Fragments of 16 KiB; the server gives up long before the last one.
            ws.client.sendFrame(false, FrameParser.RSV1, Opcode.BINARY, Arrays.copyOf(bomb, 16 * 1024));
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, ws.client.expectCloseThenEnd().code());
            assertEquals(CloseStatus.MESSAGE_TOO_BIG, handler.awaitClosed().code());
            assertTrue(handler.events.stream().noneMatch(event -> event instanceof RecordingHandler.Binary));
        }
    }
}
