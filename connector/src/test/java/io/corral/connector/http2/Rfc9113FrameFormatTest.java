package io.corral.connector.http2;

import static io.corral.connector.http2.RawFrame.assertError;
import static io.corral.connector.http2.RawFrame.concat;
import static io.corral.connector.http2.RawFrame.frame;
import static io.corral.connector.http2.RawFrame.parseOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §4.1 Frame Format, §4.2 Frame Size and §5.5 Extending HTTP/2, on raw frames; and every frame type
 * written by {@link Http2FrameWriter} reads back the same through {@link Http2FrameParser}, whole or a byte at a
 * time.
 */
class Rfc9113FrameFormatTest {

    @Test
    void s4_1_theReservedBitIsIgnoredOnReceipt() throws Exception {
        Http2Frame frame = parseOne(frame(Http2Frame.WINDOW_UPDATE, 0, 0x8000_0003, "0000 0001"));
        assertEquals(new Http2Frame.WindowUpdate(3, 1), frame);
    }

    @Test
    void s4_1_flagsATypeDoesNotDefineAreIgnored() throws Exception {
        // PING defines only ACK (0x1): "Flags that have no defined semantics for a particular frame type MUST be
        // ignored and MUST be left unset (0x00) when sending."
        assertEquals(new Http2Frame.Ping(false, 7), parseOne(frame(Http2Frame.PING, 0xFE, 0, "0000 0000 0000 0007")));
        assertEquals(new Http2Frame.WindowUpdate(1, 5), parseOne(frame(Http2Frame.WINDOW_UPDATE, 0xFF, 1, "00000005")));
    }

    @Test
    void s4_2_aFrameOfExactlyMaxFrameSizeIsRead() throws Exception {
        Http2Frame.Data data = (Http2Frame.Data) parseOne(frame(Http2Frame.DATA, 0, 1, "00".repeat(16_384)));
        assertEquals(16_384, data.data().length);
    }

    @Test
    void s4_2_oneOctetOverMaxFrameSizeIsAFrameSizeErrorSeenFromTheHeaderAlone() throws Exception {
        // Only the 9-octet header: the parser must not wait for 16 KiB it will refuse anyway.
        byte[] header = frame(16_385, Http2Frame.DATA, 0, 1, "");
        assertError(Http2ErrorCode.FRAME_SIZE_ERROR, 0, header);
        Http2FrameParser larger = Http2FrameParser.forServer(32_768);
        assertNull(larger.parse(ByteBuffer.wrap(header)), "within a larger advertised maximum: wait for the payload");
    }

    @Test
    void s5_5_anUnknownFrameTypeIsSkippedAndTheNextFrameRead() throws Exception {
        // "Implementations MUST ignore unknown or unsupported values in all extensible protocol elements" and
        // "MUST discard frames that have unknown or unsupported types".
        ByteBuffer in = ByteBuffer.wrap(concat(frame(0xFA, 0xFF, 5, "0102 0304"),
                frame(Http2Frame.PING, 0, 0, "0000 0000 0000 0001")));
        Http2FrameParser parser = Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        assertEquals(new Http2Frame.Unknown(0xFA, 0xFF, 5, 4), parser.parse(in));
        assertEquals(new Http2Frame.Ping(false, 1), parser.parse(in));
    }

    @Test
    void s5_5_anUnknownFrameTypeInsideAFieldBlockIsAProtocolError() {
        // §4.3: a field block is "a contiguous sequence of frames, with no interleaved frames of any other type".
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, concat(frame(Http2Frame.HEADERS, 0, 1, "82"),
                frame(0xFA, 0, 1, "")));
    }

    @Test
    void everyFrameTypeReadsBackAsWrittenWholeAndByteByByte() throws Exception {
        List<Http2Frame> frames = List.of(
                new Http2Frame.Data(1, bytes("hello"), false),
                new Http2Frame.Data(1, bytes("padded"), true, 7),
                new Http2Frame.Data(3, new byte[0], true, 0),
                new Http2Frame.Headers(5, bytes("\u0082\u0086"), true, true),
                new Http2Frame.Headers(7, bytes("\u0082"), false, true, new Http2Frame.Priority(5, true, 256), 3),
                new Http2Frame.PriorityFrame(9, new Http2Frame.Priority(0, false, 1)),
                new Http2Frame.RstStream(9, Http2ErrorCode.CANCEL.code()),
                new Http2Frame.Settings(false, List.of(new Http2Frame.Setting(Http2Frame.Settings.MAX_CONCURRENT_STREAMS,
                        100), new Http2Frame.Setting(Http2Frame.Settings.INITIAL_WINDOW_SIZE, 0x7FFF_FFFFL))),
                Http2Frame.Settings.ACK,
                new Http2Frame.Ping(true, 0x0102_0304_0506_0708L),
                new Http2Frame.GoAway(9, Http2ErrorCode.ENHANCE_YOUR_CALM.code(), bytes("calm")),
                new Http2Frame.WindowUpdate(0, 0x7FFF_FFFF),
                new Http2Frame.Headers(11, bytes("\u0082"), false, false),
                new Http2Frame.Continuation(11, bytes("\u0086"), false),
                new Http2Frame.Continuation(11, bytes("\u0084"), true),
                new Http2Frame.Unknown(0x20, 0, 0, 3));
        ByteBuffer wire = ByteBuffer.allocate(frames.stream().mapToInt(Http2FrameWriter::length).sum());
        frames.forEach(frame -> Http2FrameWriter.write(frame, wire));
        byte[] bytes = wire.array();

        assertSameFrames(frames, readAll(bytes, bytes.length));
        assertSameFrames(frames, readAll(bytes, 1));
    }

    @Test
    void aClientsParserReadsPushPromise() throws Exception {
        Http2Frame.PushPromise promise = new Http2Frame.PushPromise(1, 2, bytes("\u0082"), true, 2);
        Http2Frame read = parseOne(Http2FrameParser.forClient(Http2Frame.DEFAULT_MAX_FRAME_SIZE),
                Http2FrameWriter.toBytes(promise));
        Http2Frame.PushPromise back = assertInstanceOf(Http2Frame.PushPromise.class, read);
        assertEquals(2, back.promisedStreamId());
        assertArrayEquals(promise.fragment(), back.fragment());
        assertEquals(2, back.padLength());
    }

    /** Feeds the bytes in reads of {@code step} octets, as a socket might deliver them. */
    private static List<Http2Frame> readAll(byte[] bytes, int step) throws Http2Exception {
        Http2FrameParser parser = Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length);
        buffer.flip();
        List<Http2Frame> frames = new ArrayList<>();
        for (int offset = 0; offset < bytes.length; offset += step) {
            buffer.compact().put(bytes, offset, Math.min(step, bytes.length - offset)).flip();
            for (Http2Frame frame; (frame = parser.parse(buffer)) != null; ) {
                frames.add(frame);
            }
        }
        assertEquals(0, buffer.remaining());
        return frames;
    }

    /** Records holding arrays compare by identity: compare their bytes on the wire instead. */
    private static void assertSameFrames(List<Http2Frame> expected, List<Http2Frame> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getClass(), actual.get(i).getClass());
            assertArrayEquals(Http2FrameWriter.toBytes(expected.get(i)), Http2FrameWriter.toBytes(actual.get(i)),
                    "frame " + i);
        }
    }

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
