package io.corral.connector.http2;

import static io.corral.connector.http2.RawFrame.assertError;
import static io.corral.connector.http2.RawFrame.frame;
import static io.corral.connector.http2.RawFrame.parseOne;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9113 §6.5 SETTINGS: the frame's shape, and each defined parameter's range on both sides of its bounds. */
class Rfc9113SettingsTest {

    @ParameterizedTest(name = "setting {0} = {1} is accepted")
    @CsvSource({
        "1, 0", "1, 4294967295",               // HEADER_TABLE_SIZE: any value
        "2, 0", "2, 1",                        // ENABLE_PUSH
        "3, 0", "3, 4294967295",               // MAX_CONCURRENT_STREAMS
        "4, 0", "4, 2147483647",               // INITIAL_WINDOW_SIZE up to 2^31-1
        "5, 16384", "5, 16777215",             // MAX_FRAME_SIZE within [2^14, 2^24-1]
        "6, 0", "6, 4294967295",               // MAX_HEADER_LIST_SIZE
        "8, 0", "8, 1",                        // RFC 8441 ENABLE_CONNECT_PROTOCOL
        "9, 1",                                // RFC 9218 NO_RFC7540_PRIORITIES
        "65535, 4294967295",                   // unknown: "MUST ignore that setting", so no error
    })
    void accepts(int id, long value) throws Exception {
        Http2Frame.Settings settings = (Http2Frame.Settings) parseOne(frame(Http2Frame.SETTINGS, 0, 0, entry(id, value)));
        assertEquals(List.of(new Http2Frame.Setting(id, value)), settings.settings());
    }

    @ParameterizedTest(name = "setting {0} = {1} is a {2}")
    @CsvSource({
        // "Any value other than 0 or 1 MUST be treated as a connection error of type PROTOCOL_ERROR."
        "2, 2, PROTOCOL_ERROR",
        // "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection error of
        // type FLOW_CONTROL_ERROR."
        "4, 2147483648, FLOW_CONTROL_ERROR",
        // "Values outside this range MUST be treated as a connection error of type PROTOCOL_ERROR."
        "5, 16383, PROTOCOL_ERROR",
        "5, 16777216, PROTOCOL_ERROR",
        "8, 2, PROTOCOL_ERROR",
        "9, 2, PROTOCOL_ERROR",
    })
    void refuses(int id, long value, Http2ErrorCode code) {
        assertError(code, 0, frame(Http2Frame.SETTINGS, 0, 0, entry(id, value)));
    }

    @Test
    void keepsTheOrderOfRepeatedParameters() throws Exception {
        // §6.5.3: "The values in the SETTINGS frame MUST be processed in the order they appear".
        Http2Frame.Settings settings = (Http2Frame.Settings) parseOne(frame(Http2Frame.SETTINGS, 0, 0,
                entry(4, 10) + entry(4, 20)));
        assertEquals(List.of(new Http2Frame.Setting(4, 10), new Http2Frame.Setting(4, 20)), settings.settings());
    }

    @Test
    void shapeErrors() {
        // "If an endpoint receives a SETTINGS frame whose Stream Identifier field is anything other than 0x00, the
        // endpoint MUST respond with a connection error of type PROTOCOL_ERROR."
        assertError(Http2ErrorCode.PROTOCOL_ERROR, 0, frame(Http2Frame.SETTINGS, 0, 1, ""));
        // "Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0 MUST be treated
        // as a connection error of type FRAME_SIZE_ERROR."
        assertError(Http2ErrorCode.FRAME_SIZE_ERROR, 0, frame(Http2Frame.SETTINGS, Http2Frame.FLAG_ACK, 0,
                entry(3, 1)));
        // "A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection error
        // of type FRAME_SIZE_ERROR."
        assertError(Http2ErrorCode.FRAME_SIZE_ERROR, 0, frame(Http2Frame.SETTINGS, 0, 0, "0003 0000 00"));
        assertError(Http2ErrorCode.FRAME_SIZE_ERROR, 0, frame(Http2Frame.SETTINGS, 0, 0, entry(3, 1) + "00"));
    }

    @Test
    void anAckIsEmpty() throws Exception {
        assertEquals(Http2Frame.Settings.ACK, parseOne(frame(Http2Frame.SETTINGS, Http2Frame.FLAG_ACK, 0, "")));
    }

    private static String entry(int id, long value) {
        return String.format("%04x%08x", id, value);
    }
}
