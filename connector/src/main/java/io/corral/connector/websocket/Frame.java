package io.corral.connector.websocket;

import java.nio.ByteBuffer;

/**
 * One WebSocket frame (RFC 6455 §5.2) as {@link FrameParser#parse} hands it over or
 * {@link FrameWriter#write(io.corral.connector.transport.ByteSink, Frame)} sends it: the header
 * bits, the opcode and the payload. Corral's own connection loop never builds these (it streams payloads
 * into messages); they exist for a caller that works one frame at a time, such as a test client.
 *
 * @param masked  whether the frame arrived masked; the parser has already unmasked the payload
 * @param maskKey the 32-bit masking key in wire order (first key byte in the top 8 bits); 0 when unmasked
 * @param payload the payload bytes between position and limit
 */
public record Frame(
        boolean fin,
        boolean rsv1,
        boolean rsv2,
        boolean rsv3,
        Opcode opcode,
        boolean masked,
        int maskKey,
        ByteBuffer payload) {

    /** An unmasked final frame with no RSV bit: what a server sends. */
    public static Frame of(Opcode opcode, ByteBuffer payload) {
        return new Frame(true, false, false, false, opcode, false, 0, payload);
    }

    /** The RSV bits as they sit in the first header byte (RSV1 = 0x40, RSV2 = 0x20, RSV3 = 0x10). */
    public int rsvBits() {
        return (rsv1 ? FrameParser.RSV1 : 0) | (rsv2 ? FrameParser.RSV2 : 0) | (rsv3 ? FrameParser.RSV3 : 0);
    }
}
