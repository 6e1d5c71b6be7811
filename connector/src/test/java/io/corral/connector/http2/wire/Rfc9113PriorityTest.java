package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §5.3 priority: "RFC 7540 defined a rich scheme for signaling prioritization of requests. However, this
 * scheme proved to be complex to implement, and it has not been uniformly implemented"; §5.3.2: "Endpoints ...
 * can ignore priority signals". Corral parses PRIORITY frames and the HEADERS priority fields (their shape is
 * checked, {@code Rfc9113FrameErrorsTest}) and serves every stream the same; RFC 9218's PRIORITY_UPDATE and
 * SETTINGS_NO_RFC7540_PRIORITIES, which browsers send today, are an unknown frame type and an unknown setting:
 * ignored (§5.5).
 */
class Rfc9113PriorityTest {

    private static final Http2Config CONFIG = Http2Config.DEFAULTS;

    /** Echoes the request body, so a PRIORITY frame between DATA frames shows it did not disturb the body. */
    private static H2TestServer echoServer() throws Exception {
        return new H2TestServer(CONFIG, exchange -> exchange.response().write(
                ByteBuffer.wrap(exchange.body().asInputStream().readAllBytes()), true));
    }

    @Test
    void priorityFramesOnIdleOpenAndClosedStreamsAreIgnored() throws Exception {
        // §6.3: "The PRIORITY frame can be sent on a stream in any state".
        try (H2TestServer server = echoServer(); H2Client client = server.connect()) {
            client.handshake();
            Http2Frame.Priority priority = new Http2Frame.Priority(0, true, 255);
            client.send(new Http2Frame.PriorityFrame(9, priority)); // idle: it opens nothing
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.Data(1, "ab".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.PriorityFrame(1, new Http2Frame.Priority(9, false, 1))); // open
            client.send(new Http2Frame.Data(1, "cd".getBytes(StandardCharsets.US_ASCII), true));
            assertEquals("abcd", client.response(1).body());
            client.send(new Http2Frame.PriorityFrame(1, priority)); // closed
            client.request(3, get("/"), true);
            assertEquals(200, client.response(3).status(),
                    "stream 3 opens after a PRIORITY for stream 9: PRIORITY does not use a stream identifier");
            client.request(9, get("/"), true);
            assertEquals(200, client.response(9).status(), "and stream 9 was never opened by it");
        }
    }

    @Test
    void headersWithPriorityFieldsAreServedLikeAnyOther() throws Exception {
        try (H2TestServer server = echoServer(); H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Headers(1, client.encode(get("/")), true, true,
                    new Http2Frame.Priority(0, true, 42), Http2Frame.NOT_PADDED));
            client.send(new Http2Frame.Headers(3, client.encode(get("/")), true, true,
                    new Http2Frame.Priority(1, false, 0), 3));
            assertEquals(200, client.response(3).status());
            assertEquals(200, client.response(1).status());
        }
    }

    @Test
    void aStreamThatDependsOnItselfIsAStreamErrorAndTheConnectionServesOn() throws Exception {
        // RFC 7540 §5.3.1, which RFC 9113 keeps for the frames it still parses: "A stream cannot depend on itself.
        // An endpoint MUST treat this as a stream error (Section 5.4.2) of type PROTOCOL_ERROR."
        try (H2TestServer server = echoServer(); H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Headers(1, client.encode(get("/")), true, true,
                    new Http2Frame.Priority(1, false, 16), Http2Frame.NOT_PADDED));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(1).errorCode(), "in HEADERS");
            client.request(3, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.PriorityFrame(3, new Http2Frame.Priority(3, false, 16)));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.reset(3).errorCode(), "in PRIORITY");
            client.request(5, get("/"), true);
            assertEquals(200, client.response(5).status());
        }
    }

    @Test
    void rfc9218PriorityUpdateAndNoRfc7540PrioritiesAreIgnored() throws Exception {
        // RFC 9218 §7.1: PRIORITY_UPDATE is frame type 0x10 on stream 0, its payload the prioritized stream's id
        // and a Priority Field Value; §2.1: SETTINGS_NO_RFC7540_PRIORITIES (0x9) = 1.
        try (H2TestServer server = echoServer(); H2Client client = server.connect()) {
            client.handshake(new Http2Frame.Setting(Http2Frame.Settings.NO_RFC7540_PRIORITIES, 1));
            byte[] field = "u=1, i".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer update = ByteBuffer.allocate(Http2Frame.HEADER_LENGTH + 4 + field.length);
            update.put((byte) 0).put((byte) 0).put((byte) (4 + field.length)).put((byte) 0x10).put((byte) 0).putInt(0);
            update.putInt(1).put(field);
            client.sendRaw(update.array());
            client.request(1, get("/"), true);
            assertEquals(200, client.response(1).status());
            assertEquals(List.of(), client.framesBeforePingAck(1), "no error for either");
        }
    }

    @Test
    void priorityInsideAFieldBlockIsAConnectionError() throws Exception {
        // §6.10: "A receiver MUST treat the receipt of any other type of frame or a frame on a different stream as a
        // connection error (Section 5.4.1) of type PROTOCOL_ERROR" while CONTINUATION frames are expected.
        try (H2TestServer server = echoServer(); H2Client client = server.connect()) {
            client.handshake();
            client.send(new Http2Frame.Headers(1, client.encode(get("/")), true, false));
            client.send(new Http2Frame.PriorityFrame(1, new Http2Frame.Priority(0, false, 16)));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), client.goAway().errorCode());
        }
    }
}
