package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static io.corral.jetty.websocket.RawWebSocket.BINARY;
import static io.corral.jetty.websocket.RawWebSocket.CLOSE;
import static io.corral.jetty.websocket.RawWebSocket.CONTINUATION;
import static io.corral.jetty.websocket.RawWebSocket.PING;
import static io.corral.jetty.websocket.RawWebSocket.PONG;
import static io.corral.jetty.websocket.RawWebSocket.TEXT;
import static io.corral.jetty.websocket.RawWebSocket.frame;
import static io.corral.jetty.websocket.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 6455 on raw sockets against a Jakarta endpoint, on CorralConnector (Jetty's session above Corral's
 * frame parser and writer) and on ServerConnector (Jetty's own framing), which must answer the same
 * bytes the same way: each test names the section whose MUST it checks.
 */
class Rfc6455BridgeTest {

    static final int SMALL_LIMIT = 1024;
    static final int LARGE_LIMIT = 2 * 1024 * 1024;

    @ServerEndpoint("/rfc/echo")
    public static class Echo {
        @OnMessage
        public String text(String message) {
            return message;
        }

        @OnMessage
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }
    }

    @ServerEndpoint("/rfc/small")
    public static class SmallMessages {
        @OnMessage(maxMessageSize = SMALL_LIMIT)
        public String text(String message) {
            return "" + message.length();
        }
    }

    @ServerEndpoint("/rfc/large")
    public static class LargeMessages {
        @OnMessage(maxMessageSize = LARGE_LIMIT)
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }
    }

    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> builder.jakartaEndpoints(Echo.class, SmallMessages.class, LargeMessages.class));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static RawWebSocket open(ConnectorKind kind, String path) throws IOException {
        RawWebSocket client = RawWebSocket.connect(servers.on(kind).port());
        client.open(path);
        return client;
    }

    /**
     * What a client does after the server failed the connection (§7.1.7): reads up to the close frame,
     * answers it if the socket is still open, and expects TCP to end. Returns the server's close frame.
     */
    private static RawWebSocket.ServerFrame expectFailure(RawWebSocket client, int code) throws IOException {
        RawWebSocket.ServerFrame close = client.expectClose();
        assertEquals(code, close.closeCode(), close.toString());
        try {
            client.send(RawWebSocket.closeFrame(code, ""));
        } catch (IOException alreadyClosed) {
            // The server may close TCP right after its close frame (§7.1.1 lets it): nothing to answer.
        }
        assertTrue(client.awaitEndOfStream(), "TCP still open after the close handshake");
        return close;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.1: \"a server MUST close the connection upon receiving a frame that is not masked\" — 1002")
    void unmaskedClientFrameFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, TEXT, utf8("bare"), false));
            expectFailure(client, 1002);
        }
    }

    static Stream<Integer> reservedOpcodes() {
        return Stream.of(0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF);
    }

    @ParameterizedTest(name = "{0} opcode {1}")
    @MethodSource("bothConnectorsAndReservedOpcodes")
    @DisplayName("§5.2: \"If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_\" — 1002")
    void reservedOpcodeFailsTheConnection(ConnectorKind kind, int opcode) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, opcode, utf8("x")));
            expectFailure(client, 1002);
        }
    }

    static Stream<Arguments> bothConnectorsAndReservedOpcodes() {
        return Arrays.stream(ConnectorKind.values()).flatMap(kind -> reservedOpcodes().map(op -> Arguments.of(kind, op)));
    }

    @ParameterizedTest(name = "{0} rsv {1}")
    @MethodSource("bothConnectorsAndRsvBits")
    @DisplayName("§5.2: RSV1-3 \"MUST be 0 unless an extension is negotiated that defines meanings\" — 1002")
    void rsvBitWithoutExtensionFailsTheConnection(ConnectorKind kind, int rsv) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, rsv, TEXT, utf8("x")));
            expectFailure(client, 1002);
        }
    }

    static Stream<Arguments> bothConnectorsAndRsvBits() {
        return Arrays.stream(ConnectorKind.values()).flatMap(kind ->
                Stream.of(RawWebSocket.RSV1, RawWebSocket.RSV2, RawWebSocket.RSV3).map(rsv -> Arguments.of(kind, rsv)));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.4: \"Control frames MAY be injected in the middle of a fragmented message\" — pong between fragments, message whole")
    void pingBetweenFragmentsIsAnsweredAndTheMessageStaysWhole(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(false, 0, TEXT, utf8("frag")),
                    frame(true, 0, PING, utf8("in-between")),
                    frame(false, 0, CONTINUATION, utf8("men")),
                    frame(true, 0, CONTINUATION, utf8("ted")));
            RawWebSocket.ServerFrame pong = client.expectFrame();
            assertEquals(PONG, pong.opcode(), pong.toString());
            assertEquals("in-between", pong.text());
            assertEquals("fragmented", client.expectText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.4: a continuation frame with no message to continue fails the connection — 1002")
    void continuationWithoutStartFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, CONTINUATION, utf8("orphan")));
            expectFailure(client, 1002);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.4: \"fragments of one message MUST NOT be interleaved\" — a new text frame mid-message is 1002")
    void newMessageInsideAFragmentedOneFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(false, 0, TEXT, utf8("first")), frame(true, 0, TEXT, utf8("second")));
            expectFailure(client, 1002);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.5: \"All control frames MUST have a payload length of 125 bytes or less\" — a 126-byte ping is 1002")
    void controlFrameOver125BytesFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, PING, new byte[126]));
            expectFailure(client, 1002);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.5: control frames \"MUST NOT be fragmented\" — a ping without FIN is 1002")
    void fragmentedControlFrameFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(false, 0, PING, utf8("half")));
            expectFailure(client, 1002);
        }
    }

    @ParameterizedTest(name = "{0} payload {1}")
    @MethodSource("bothConnectorsAndPingSizes")
    @DisplayName("§5.5.2/§5.5.3: a Pong \"MUST have identical Application data\" to the Ping it answers (0 and 125 bytes)")
    void pingIsAnsweredWithPongCarryingTheSamePayload(ConnectorKind kind, int size) throws IOException {
        byte[] payload = new byte[size];
        for (int i = 0; i < size; i++) {
            payload[i] = (byte) (i * 7 + 1);
        }
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, PING, payload));
            RawWebSocket.ServerFrame pong = client.expectFrame();
            assertEquals(PONG, pong.opcode(), pong.toString());
            assertTrue(pong.fin());
            assertArrayEquals(payload, pong.payload());
        }
    }

    static Stream<Arguments> bothConnectorsAndPingSizes() {
        return Arrays.stream(ConnectorKind.values()).flatMap(kind -> Stream.of(0, 125).map(size -> Arguments.of(kind, size)));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.5.3: \"A response to an unsolicited Pong frame is not expected\" — it is ignored, the session goes on")
    void unsolicitedPongIsIgnored(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, PONG, utf8("heartbeat")), RawWebSocket.textFrame("after"));
            assertEquals("after", client.expectText());
        }
    }

    @ParameterizedTest(name = "{0} code {1}")
    @MethodSource("bothConnectorsAndInvalidCloseCodes")
    @DisplayName("§7.4.1/§7.4.2: a close frame with a code the RFC reserves or never assigns fails the connection — 1002")
    void invalidCloseCodeFailsTheConnection(ConnectorKind kind, int code) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(RawWebSocket.closeFrame(code, ""));
            expectFailure(client, 1002);
        }
    }

    static Stream<Arguments> bothConnectorsAndInvalidCloseCodes() {
        // 1005, 1006 and 1015 "MUST NOT be set as a status code in a Close control frame"; below 1000 and
        // 1016-2999 unassigned; 5000 and up out of range.
        return Arrays.stream(ConnectorKind.values()).flatMap(kind ->
                Stream.of(0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535).map(code -> Arguments.of(kind, code)));
    }

    @ParameterizedTest(name = "{0} code {1}")
    @MethodSource("bothConnectorsAndValidCloseCodes")
    @DisplayName("§5.5.1/§7.4: a valid close is answered with a close (\"typically echoing the status code it received\") and TCP ends")
    void validCloseCompletesTheCloseHandshake(ConnectorKind kind, int code) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(RawWebSocket.closeFrame(code, "bye"));
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(code, close.closeCode(), close.toString());
            assertTrue(client.awaitEndOfStream(), "§7.1.1: the server closes TCP after the close handshake");
        }
    }

    static Stream<Arguments> bothConnectorsAndValidCloseCodes() {
        return Arrays.stream(ConnectorKind.values()).flatMap(kind ->
                Stream.of(1000, 1001, 1003, 1007, 1011, 3000, 4999).map(code -> Arguments.of(kind, code)));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.5.1: a close frame of one byte (half a status code) is a protocol error — 1002")
    void oneByteCloseFrameFailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, CLOSE, new byte[] {0x03}));
            expectFailure(client, 1002);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.5.1: an empty close is answered with an empty close (no status), and TCP ends")
    void emptyCloseIsAnsweredAndTcpEnds(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, CLOSE, new byte[0]));
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(1005, close.closeCode(), close.toString());
            assertTrue(client.awaitEndOfStream());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§8.1: \"When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not ... MUST _Fail_\" — 1007")
    void invalidUtf8TextFailsWith1007(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, TEXT, new byte[] {'o', 'k', (byte) 0xC3, (byte) 0x28}));
            expectFailure(client, 1007);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§8.1: a UTF-8 sequence split across fragments is valid; an overlong one in the last fragment is 1007")
    void utf8IsJudgedAcrossFragments(ConnectorKind kind) throws IOException {
        byte[] euro = utf8("€");
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(false, 0, TEXT, new byte[] {'a', euro[0]}),
                    frame(true, 0, CONTINUATION, new byte[] {euro[1], euro[2], 'b'}));
            assertEquals("a€b", client.expectText());
            client.send(frame(false, 0, TEXT, utf8("fine")), frame(true, 0, CONTINUATION, new byte[] {(byte) 0xC0, (byte) 0xAF}));
            expectFailure(client, 1007);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§7.1.6/§8.1: a close reason that is not UTF-8 fails the connection")
    void closeReasonThatIsNotUtf8FailsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(frame(true, 0, CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF, (byte) 0xFE}));
            RawWebSocket.ServerFrame close = client.expectClose();
            assertTrue(close.closeCode() == 1007 || close.closeCode() == 1002, close.toString());
            assertTrue(client.awaitEndOfStream());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§4.2.1/§5: the first frame pipelined in the same packet as the handshake is not lost")
    void frameInTheHandshakePacketIsNotLost(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = RawWebSocket.connect(servers.on(kind).port())) {
            client.send(RawWebSocket.concat(RawWebSocket.handshake("/rfc/echo"), RawWebSocket.textFrame("pipelined"),
                    frame(true, 0, BINARY, new byte[] {1, 2, 3})));
            RawWebSocket.Response response = client.readResponse();
            assertEquals(101, response.status(), response.toString());
            assertEquals("pipelined", client.expectText());
            assertArrayEquals(new byte[] {1, 2, 3}, client.expectBinary());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§4.2.1/§5: a frame cut in two, its head behind the handshake and its tail in a later packet, is read whole")
    void frameSplitAcrossTheHandshakePacketIsReadWhole(ConnectorKind kind) throws IOException {
        byte[] large = new byte[3000];
        Arrays.fill(large, (byte) 'z');
        byte[] frame = frame(true, 0, TEXT, large);
        try (RawWebSocket client = RawWebSocket.connect(servers.on(kind).port())) {
            client.send(RawWebSocket.concat(RawWebSocket.handshake("/rfc/echo"), Arrays.copyOf(frame, 1500)));
            assertEquals(101, client.readResponse().status());
            client.send(Arrays.copyOfRange(frame, 1500, frame.length));
            assertEquals("z".repeat(3000), client.expectText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.2: frames may arrive split anywhere — a frame sent one byte per packet is read whole")
    void frameSplitIntoSingleBytesIsReassembled(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            byte[] frame = frame(true, 0, TEXT, utf8("x".repeat(130))); // 16-bit length: header split too
            for (byte b : frame) {
                client.send(new byte[] {b});
            }
            assertEquals("x".repeat(130), client.expectText());
        }
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("bothConnectorsAroundTheLimit")
    @DisplayName("§7.4.1 1009: a message over the endpoint's maxMessageSize is refused with 1009; one at the limit is taken")
    void messageOverTheLimitIsRefusedWith1009(ConnectorKind kind, int size) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/small")) {
            client.send(RawWebSocket.textFrame("m".repeat(size)));
            if (size <= SMALL_LIMIT) {
                assertEquals(String.valueOf(size), client.expectText());
            } else {
                expectFailure(client, 1009);
            }
        }
    }

    static Stream<Arguments> bothConnectorsAroundTheLimit() {
        return Arrays.stream(ConnectorKind.values()).flatMap(kind ->
                Stream.of(SMALL_LIMIT, SMALL_LIMIT + 1).map(size -> Arguments.of(kind, size)));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§7.4.1 1009: a message over the limit in small fragments is refused too")
    void fragmentedMessageOverTheLimitIsRefusedWith1009(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/small")) {
            byte[][] fragments = new byte[11][];
            fragments[0] = frame(false, 0, TEXT, new byte[100]);
            for (int i = 1; i < fragments.length; i++) {
                fragments[i] = frame(i == fragments.length - 1, 0, CONTINUATION, utf8("m".repeat(100)));
            }
            fragments[0] = frame(false, 0, TEXT, utf8("m".repeat(100)));
            client.send(fragments);
            expectFailure(client, 1009);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.2: one 1 MiB frame (64-bit length) is taken when the message limit allows it, past Jetty's 64 KiB frame size")
    void singleFrameOfOneMebibyteIsEchoed(ConnectorKind kind) throws IOException {
        byte[] payload = new byte[1024 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i % 251);
        }
        try (RawWebSocket client = open(kind, "/rfc/large")) {
            client.send(frame(true, 0, BINARY, payload));
            assertArrayEquals(payload, client.expectBinary());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§5.2: a 64-bit length with the most significant bit set is refused and the connection ends")
    void frameLengthWithTheTopBitSetEndsTheConnection(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.send(new byte[] {(byte) 0x82, (byte) 0xFF, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4});
            RawWebSocket.ServerFrame close = client.expectClose();
            assertTrue(close.closeCode() == 1002 || close.closeCode() == 1009, close.toString());
            assertTrue(client.awaitEndOfStream());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("§1.4/§7.1.1: a client-initiated close completes: close echoed, then the server closes TCP first")
    void closeHandshakeCompletesAndTcpCloses(ConnectorKind kind) throws IOException {
        try (RawWebSocket client = open(kind, "/rfc/echo")) {
            client.sendText("before");
            assertEquals("before", client.expectText());
            client.send(RawWebSocket.closeFrame(1000, "done"));
            RawWebSocket.ServerFrame close = client.expectFrame();
            assertEquals(CLOSE, close.opcode(), close.toString());
            assertEquals(1000, close.closeCode());
            assertTrue(client.awaitEndOfStream());
        }
    }
}
