package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.FRAME_SIZE_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.PROTOCOL_ERROR;
import static io.corral.connector.http2.RawFrame.assertError;
import static io.corral.connector.http2.RawFrame.frame;
import static io.corral.connector.http2.RawFrame.parseOne;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 §6, frame by frame: each rule a frame's own bytes can break, with the error code and the kind of error
 * (connection or stream) the RFC names, and the frames on the right side of each rule.
 */
class Rfc9113FrameErrorsTest {

    static Stream<Arguments> faults() {
        return Stream.of(
                // §6.1 DATA: "If a DATA frame is received whose Stream Identifier field is 0x00, the recipient MUST
                // respond with a connection error of type PROTOCOL_ERROR."
                fault("§6.1 DATA on stream 0", PROTOCOL_ERROR, 0, frame(Http2Frame.DATA, 0, 0, "00")),
                // "If the length of the padding is the length of the frame payload or greater, the recipient MUST
                // treat this as a connection error of type PROTOCOL_ERROR."
                fault("§6.1 DATA padding equal to the payload", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.DATA, Http2Frame.FLAG_PADDED, 1, "03 0000")),
                fault("§6.1 DATA padded with no pad length octet", FRAME_SIZE_ERROR, 0,
                        frame(Http2Frame.DATA, Http2Frame.FLAG_PADDED, 1, "")),
                fault("§6.2 HEADERS on stream 0", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.HEADERS, Http2Frame.FLAG_END_HEADERS, 0, "82")),
                fault("§6.2 HEADERS padding longer than what follows the priority", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.HEADERS, Http2Frame.FLAG_END_HEADERS | Http2Frame.FLAG_PADDED
                                | Http2Frame.FLAG_PRIORITY, 1, "01 0000 0000 0f")),
                fault("§6.2 HEADERS too short for its priority fields", FRAME_SIZE_ERROR, 0,
                        frame(Http2Frame.HEADERS, Http2Frame.FLAG_END_HEADERS | Http2Frame.FLAG_PRIORITY, 1, "0000")),
                // §6.3: "If a PRIORITY frame is received with a stream identifier of 0x00, the recipient MUST
                // respond with a connection error of type PROTOCOL_ERROR." / "A PRIORITY frame with a length
                // other than 5 octets MUST be treated as a stream error of type FRAME_SIZE_ERROR."
                fault("§6.3 PRIORITY on stream 0", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.PRIORITY, 0, 0, "0000 0001 0f")),
                fault("§6.3 PRIORITY of 4 octets", FRAME_SIZE_ERROR, 3, frame(Http2Frame.PRIORITY, 0, 3, "0000 0001")),
                fault("§6.3 PRIORITY of 6 octets", FRAME_SIZE_ERROR, 3,
                        frame(Http2Frame.PRIORITY, 0, 3, "0000 0001 0f00")),
                // §5.3.1 of RFC 7540, kept by RFC 9113 §5.3.1: "A stream cannot depend on itself."
                fault("§5.3.1 PRIORITY depending on its own stream", PROTOCOL_ERROR, 3,
                        frame(Http2Frame.PRIORITY, 0, 3, "0000 0003 0f")),
                // §6.4 RST_STREAM
                fault("§6.4 RST_STREAM on stream 0", PROTOCOL_ERROR, 0, frame(Http2Frame.RST_STREAM, 0, 0, "0000 0008")),
                fault("§6.4 RST_STREAM of 3 octets", FRAME_SIZE_ERROR, 0, frame(Http2Frame.RST_STREAM, 0, 1, "000008")),
                fault("§6.4 RST_STREAM of 5 octets", FRAME_SIZE_ERROR, 0,
                        frame(Http2Frame.RST_STREAM, 0, 1, "0000 0008 00")),
                // §6.6: a server receiving PUSH_PROMISE (§8.4)
                fault("§8.4 PUSH_PROMISE from a client", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.PUSH_PROMISE, Http2Frame.FLAG_END_HEADERS, 1, "0000 0002 82")),
                // §6.7 PING
                fault("§6.7 PING on a stream", PROTOCOL_ERROR, 0, frame(Http2Frame.PING, 0, 1, "0000 0000 0000 0000")),
                fault("§6.7 PING of 7 octets", FRAME_SIZE_ERROR, 0, frame(Http2Frame.PING, 0, 0, "0000 0000 0000 00")),
                fault("§6.7 PING of 9 octets", FRAME_SIZE_ERROR, 0,
                        frame(Http2Frame.PING, 0, 0, "0000 0000 0000 0000 00")),
                // §6.8 GOAWAY
                fault("§6.8 GOAWAY on a stream", PROTOCOL_ERROR, 0, frame(Http2Frame.GOAWAY, 0, 1, "0000 0000 0000 0000")),
                fault("§6.8 GOAWAY of 7 octets", FRAME_SIZE_ERROR, 0, frame(Http2Frame.GOAWAY, 0, 0, "0000 0000 0000 00")),
                // §6.9 WINDOW_UPDATE
                fault("§6.9 WINDOW_UPDATE of 0 on a stream", PROTOCOL_ERROR, 5,
                        frame(Http2Frame.WINDOW_UPDATE, 0, 5, "0000 0000")),
                fault("§6.9 WINDOW_UPDATE of 0 on the connection", PROTOCOL_ERROR, 0,
                        frame(Http2Frame.WINDOW_UPDATE, 0, 0, "0000 0000")),
                fault("§6.9 WINDOW_UPDATE of 3 octets", FRAME_SIZE_ERROR, 0,
                        frame(Http2Frame.WINDOW_UPDATE, 0, 0, "000001")),
                // §6.5.2: an out-of-range INITIAL_WINDOW_SIZE is a FLOW_CONTROL_ERROR
                fault("§6.5.2 SETTINGS_INITIAL_WINDOW_SIZE 2^31", FLOW_CONTROL_ERROR, 0,
                        frame(Http2Frame.SETTINGS, 0, 0, "0004 8000 0000")));
    }

    private static Arguments fault(String rule, Http2ErrorCode code, int streamId, byte[] bytes) {
        return Arguments.of(rule, code, streamId, bytes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void refuses(String rule, Http2ErrorCode code, int streamId, byte[] bytes) {
        assertError(code, streamId, bytes);
    }

    @Test
    void aStreamErrorConsumesItsFrameSoTheConnectionReadsOn() throws Exception {
        Http2FrameParser parser = Http2FrameParser.forServer(Http2Frame.DEFAULT_MAX_FRAME_SIZE);
        ByteBuffer in = ByteBuffer.wrap(RawFrame.concat(frame(Http2Frame.PRIORITY, 0, 3, "0000 0001"),
                frame(Http2Frame.PING, 0, 0, "0000 0000 0000 0009")));
        assertError(FRAME_SIZE_ERROR, 3, parser, java.util.Arrays.copyOf(in.array(), 13));
        in.position(13);
        assertEquals(new Http2Frame.Ping(false, 9), parser.parse(in));
    }

    @Test
    void paddingUpToTheLastOctetIsFine() throws Exception {
        // Pad length 2 in a 3-octet payload: the pad length octet and two octets of padding, no data.
        Http2Frame.Data data = (Http2Frame.Data) parseOne(frame(Http2Frame.DATA, Http2Frame.FLAG_PADDED, 1, "02 0000"));
        assertEquals(0, data.data().length);
        assertEquals(3, data.flowControlledLength(), "§6.9.1: padding counts against flow control");
        Http2Frame.Headers headers = (Http2Frame.Headers) parseOne(frame(Http2Frame.HEADERS,
                Http2Frame.FLAG_END_HEADERS | Http2Frame.FLAG_PADDED | Http2Frame.FLAG_PRIORITY, 1, "01 0000 0000 0f 00"));
        assertEquals(0, headers.fragment().length);
        assertEquals(new Http2Frame.Priority(0, false, 16), headers.priority());
    }

    @Test
    void aGoAwayCarriesItsDebugDataAndAnyErrorCode() throws Exception {
        Http2Frame.GoAway goAway = (Http2Frame.GoAway) parseOne(frame(Http2Frame.GOAWAY, 0, 0,
                "8000 0007 0000 00ff 6869"));
        assertEquals(7, goAway.lastStreamId(), "the reserved bit is not part of the id");
        assertEquals(0xff, goAway.errorCode(), "an unknown code is kept as sent");
        assertArrayEquals(new byte[] {'h', 'i'}, goAway.debugData());
        assertEquals("0xff", Http2ErrorCode.nameOf(goAway.errorCode()));
        assertEquals(List.of(), ((Http2Frame.Settings) parseOne(frame(Http2Frame.SETTINGS, 0, 0, ""))).settings());
    }
}
