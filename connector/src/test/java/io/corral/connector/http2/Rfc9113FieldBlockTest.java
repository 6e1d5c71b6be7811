package io.corral.connector.http2;

import static io.corral.connector.http2.RawFrame.assertError;
import static io.corral.connector.http2.RawFrame.concat;
import static io.corral.connector.http2.RawFrame.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §4.3 Field Section Compression and Decompression and §6.10 CONTINUATION: the sequence rules on raw
 * frames, the writer's split of a large block, and {@link FieldBlockAssembler}'s bounds against the
 * CONTINUATION flood (CVE-2024-27316 family) on both sides of each limit.
 */
class Rfc9113FieldBlockTest {

    @Test
    void aFieldBlockInterruptedByAnotherTypeIsAProtocolError() {
        // §4.3: "Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames of
        // any other type or from any other stream."
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, concat(frame(Http2Frame.HEADERS, 0, 1, "82"),
                frame(Http2Frame.DATA, 0, 1, "00")));
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, concat(frame(Http2Frame.HEADERS, 0, 1, "82"),
                frame(Http2Frame.PING, 0, 0, "0000 0000 0000 0000")));
    }

    @Test
    void aContinuationOfAnotherStreamIsAProtocolError() {
        // §6.10: "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without
        // the END_HEADERS flag set."
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, concat(frame(Http2Frame.HEADERS, 0, 1, "82"),
                frame(Http2Frame.CONTINUATION, Http2Frame.FLAG_END_HEADERS, 3, "86")));
    }

    @Test
    void aContinuationWithoutAnOpenBlockIsAProtocolError() {
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, frame(Http2Frame.CONTINUATION, Http2Frame.FLAG_END_HEADERS, 1,
                "86"));
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, concat(
                frame(Http2Frame.HEADERS, Http2Frame.FLAG_END_HEADERS, 1, "82"),
                frame(Http2Frame.CONTINUATION, Http2Frame.FLAG_END_HEADERS, 1, "86")));
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, frame(Http2Frame.CONTINUATION, 0, 0, ""));
    }

    @Test
    void aBlockInThreeFramesIsAssembledAndTheNextFrameIsFree() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(frame(Http2Frame.HEADERS, Http2Frame.FLAG_END_STREAM, 1, "82"),
                frame(Http2Frame.CONTINUATION, 0, 1, "86"),
                frame(Http2Frame.CONTINUATION, Http2Frame.FLAG_END_HEADERS, 1, "84"),
                frame(Http2Frame.PING, 0, 0, "0000 0000 0000 0000")));
        Http2FrameParser parser = Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        FieldBlockAssembler assembler = new FieldBlockAssembler(1024, 4);
        Http2Frame.Headers headers = (Http2Frame.Headers) parser.parse(in);
        assertNull(assembler.start(headers.fragment(), headers.endHeaders()));
        Http2Frame.Continuation second = (Http2Frame.Continuation) parser.parse(in);
        assertNull(assembler.continueWith(second.fragment(), second.endHeaders()));
        Http2Frame.Continuation third = (Http2Frame.Continuation) parser.parse(in);
        assertArrayEquals(new byte[] {(byte) 0x82, (byte) 0x86, (byte) 0x84},
                assembler.continueWith(third.fragment(), third.endHeaders()));
        assertEquals(new Http2Frame.Ping(false, 0), parser.parse(in));
    }

    @Test
    void theWriterSplitsABlockAtMaxFrameSize() {
        byte[] block = new byte[16_384 * 2 + 1];
        List<Http2Frame> frames = Http2FrameWriter.fieldBlock(1, block, true, 16_384);
        assertEquals(3, frames.size());
        Http2Frame.Headers first = (Http2Frame.Headers) frames.get(0);
        assertEquals(16_384, first.fragment().length);
        assertEquals(true, first.endStream());
        assertEquals(false, first.endHeaders());
        assertEquals(false, ((Http2Frame.Continuation) frames.get(1)).endHeaders());
        Http2Frame.Continuation last = (Http2Frame.Continuation) frames.get(2);
        assertEquals(1, last.fragment().length);
        assertEquals(true, last.endHeaders());
        assertEquals(1, Http2FrameWriter.fieldBlock(1, new byte[16_384], false, 16_384).size());
    }

    @Test
    void aBlockOfExactlyTheLimitIsHeldAndOneOctetMoreEndsTheConnection() throws Exception {
        FieldBlockAssembler assembler = new FieldBlockAssembler(100, 8);
        assertNull(assembler.start(new byte[60], false));
        assertEquals(100, assembler.continueWith(new byte[40], true).length);
        assertEquals(100, assembler.start(new byte[100], true).length);

        assertNull(assembler.start(new byte[60], false));
        Http2Exception error = assertThrows(Http2Exception.class, () -> assembler.continueWith(new byte[41], false));
        assertEquals(Http2ErrorCode.ENHANCE_YOUR_CALM, error.errorCode());
        assertEquals(true, error.isConnectionError());
        assertThrows(Http2Exception.class, () -> new FieldBlockAssembler(100, 8).start(new byte[101], true));
    }

    @Test
    void emptyContinuationsAreCountedSoAFloodOfThemEndsTheConnection() throws Exception {
        FieldBlockAssembler assembler = new FieldBlockAssembler(100, 8);
        assertNull(assembler.start(new byte[1], false));
        for (int i = 0; i < 7; i++) {
            assertNull(assembler.continueWith(new byte[0], false));
        }
        assertEquals(1, assembler.continueWith(new byte[0], true).length, "the 8th ends the block: fine");

        assertNull(assembler.start(new byte[1], false));
        for (int i = 0; i < 8; i++) {
            assertNull(assembler.continueWith(new byte[0], false));
        }
        Http2Exception error = assertThrows(Http2Exception.class, () -> assembler.continueWith(new byte[0], false));
        assertEquals(Http2ErrorCode.ENHANCE_YOUR_CALM, error.errorCode());
    }
}
