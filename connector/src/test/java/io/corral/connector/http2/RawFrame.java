package io.corral.connector.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Frames written octet by octet for tests, so that a test can break any rule the writer would not. */
final class RawFrame {

    private RawFrame() {
    }

    /** A frame header (§4.1) with the given length field, then the payload given in hex (spaces ignored). */
    static byte[] frame(int length, int type, int flags, int streamId, String payloadHex) {
        byte[] payload = HexFormat.of().parseHex(payloadHex.replaceAll("\\s", ""));
        ByteBuffer out = ByteBuffer.allocate(Http2Frame.HEADER_LENGTH + payload.length);
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        out.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return out.array();
    }

    /** The same with the length field matching the payload. */
    static byte[] frame(int type, int flags, int streamId, String payloadHex) {
        return frame(payloadHex.replaceAll("\\s", "").length() / 2, type, flags, streamId, payloadHex);
    }

    static byte[] concat(byte[]... parts) {
        ByteBuffer out = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] part : parts) {
            out.put(part);
        }
        return out.array();
    }

    static Http2Frame parseOne(byte[] bytes) throws Http2Exception {
        return parseOne(Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE), bytes);
    }

    /** Parses exactly one frame that fills {@code bytes}. */
    static Http2Frame parseOne(Http2FrameParser parser, byte[] bytes) throws Http2Exception {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Http2Frame frame = parser.parse(in);
        assertEquals(0, in.remaining(), "the frame's bytes are consumed");
        return frame;
    }

    /** Asserts that the bytes fail with this code, as a connection error (stream 0) or on that stream. */
    static Http2Exception assertError(Http2ErrorCode code, int streamId, Http2FrameParser parser, byte[] bytes) {
        Http2Exception error = assertThrows(Http2Exception.class, () -> {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            while (parser.parse(in) != null) {
                // frames before the faulty one
            }
        });
        assertEquals(code, error.errorCode(), error.getMessage());
        assertEquals(streamId, error.streamId(), error.getMessage());
        return error;
    }

    static Http2Exception assertError(Http2ErrorCode code, int streamId, byte[] bytes) {
        return assertError(code, streamId, Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE), bytes);
    }
}
