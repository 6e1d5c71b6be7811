package io.corral.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The load generators' RFC 6455 client side: what goes on the wire must be what the RFC says. */
class WebSocketWireTest {

    @Test
    void acceptKeyOfTheRfcExample() {
        // RFC 6455 §1.3
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketWire.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void wideMaskingMatchesByteByByteMaskingForEveryLengthAndOffset() {
        int key = 0x37FA213D;
        byte[] keyBytes = {0x37, (byte) 0xFA, 0x21, 0x3D};
        for (int length = 0; length < 40; length++) {
            byte[] payload = new byte[length + 3];
            for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i * 31 + 7);
            }
            byte[] wide = new byte[length + 5];
            WebSocketWire.mask(payload, 3, length, key, wide, 5);
            for (int i = 0; i < length; i++) {
                assertEquals((byte) (payload[3 + i] ^ keyBytes[i & 3]), wide[5 + i], "length " + length + ", byte " + i);
            }
        }
    }

    @Test
    void framesAreMaskedWithTheLengthEncodingOfTheirSize() throws IOException {
        WebSocketWire wire = new WebSocketWire();
        for (int length : new int[] {0, 125, 126, 65535, 65536}) {
            byte[] payload = new byte[length];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            wire.writeFrame(out, WebSocketWire.OP_BINARY, payload, 0, length);
            byte[] frame = out.toByteArray();
            assertEquals((byte) 0x82, frame[0]);
            assertTrue((frame[1] & 0x80) != 0, "a client frame is masked");
            int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
            assertEquals(header + 4 + length, frame.length, "length " + length);
            byte[] unmasked = new byte[length];
            int key = (frame[header] & 0xFF) << 24 | (frame[header + 1] & 0xFF) << 16
                    | (frame[header + 2] & 0xFF) << 8 | frame[header + 3] & 0xFF;
            WebSocketWire.mask(frame, header + 4, length, key, unmasked, 0);
            assertArrayEquals(payload, unmasked);
        }
    }

    @Test
    void readsAServerFrameAndRefusesAMaskedOne() throws IOException {
        byte[] text = {(byte) 0x01, 0x03, 'a', 'b', 'c'}; // a text frame without FIN
        byte[] payload = new byte[8];
        WebSocketWire.FrameHeader header = WebSocketWire.readFrame(new ByteArrayInputStream(text), payload, 1);
        assertEquals(WebSocketWire.OP_TEXT, header.opcode());
        assertFalse(header.fin());
        assertEquals(3, header.length());
        assertEquals('a', payload[1]);
        byte[] masked = {(byte) 0x81, (byte) 0x81, 1, 2, 3, 4, 'x'};
        assertThrows(IOException.class, () -> WebSocketWire.readFrame(new ByteArrayInputStream(masked), payload, 0));
    }
}
