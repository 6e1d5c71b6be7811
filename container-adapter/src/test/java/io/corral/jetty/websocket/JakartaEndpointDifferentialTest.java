package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;
import jakarta.websocket.EncodeException;
import jakarta.websocket.Encoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.websocket.api.annotations.WebSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same Jakarta endpoints (and one of Jetty's own WebSocket API) on ServerConnector and on
 * CorralConnector, driven by the same client — the JDK's {@code java.net.http.WebSocket}, or raw bytes
 * where the JDK client cannot say it (permessage-deflate, handshake headers): every test expects the
 * same literal result from both connectors, so a difference between them fails one of the two runs.
 */
class JakartaEndpointDifferentialTest {

    // ---- endpoints -------------------------------------------------------------------------------

    @ServerEndpoint("/jakarta/rooms/{room}")
    public static class Rooms {
        @OnMessage(maxMessageSize = 1024 * 1024)
        public String message(@PathParam("room") String room, String text) {
            return room + ":" + text;
        }
    }

    public record Point(int x, int y) {}

    public record Blob(byte[] bytes) {}

    public static class PointDecoder implements Decoder.Text<Point> {
        @Override
        public Point decode(String text) throws DecodeException {
            int comma = text.indexOf(',');
            try {
                return new Point(Integer.parseInt(text.substring(0, comma)), Integer.parseInt(text.substring(comma + 1)));
            } catch (RuntimeException e) {
                throw new DecodeException(text, "not a point", e);
            }
        }

        @Override
        public boolean willDecode(String text) {
            return text.indexOf(',') > 0;
        }
    }

    public static class PointEncoder implements Encoder.Text<Point> {
        @Override
        public String encode(Point point) {
            return "(" + point.x() + "|" + point.y() + ")";
        }
    }

    public static class BlobEncoder implements Encoder.Binary<Blob> {
        @Override
        public ByteBuffer encode(Blob blob) {
            return ByteBuffer.wrap(blob.bytes());
        }
    }

    /** Decodes points, answers with a binary blob (Encoder.Binary) and then the swapped point (Encoder.Text). */
    @ServerEndpoint(value = "/jakarta/codec", decoders = PointDecoder.class, encoders = {PointEncoder.class, BlobEncoder.class})
    public static class Codec {
        @OnMessage
        public Point point(Point point, Session session) throws IOException, EncodeException {
            session.getBasicRemote().sendObject(new Blob(new byte[] {(byte) point.x(), (byte) point.y()}));
            return new Point(point.y(), point.x());
        }
    }

    /** Commands for the blocking remote: whole text, whole binary, partial text and binary, ping. */
    @ServerEndpoint("/jakarta/basic")
    public static class Basic {
        @OnMessage
        public void command(String command, Session session) throws IOException {
            var remote = session.getBasicRemote();
            switch (command) {
                case "text" -> remote.sendText("basic text");
                case "binary" -> remote.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                case "partial" -> {
                    remote.sendText("par", false);
                    remote.sendText("ti", false);
                    remote.sendText("al", true);
                }
                case "partial binary" -> {
                    remote.sendBinary(ByteBuffer.wrap(new byte[] {4, 5}), false);
                    remote.sendBinary(ByteBuffer.wrap(new byte[] {6}), true);
                }
                case "ping" -> remote.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8)));
                default -> remote.sendText("unknown " + command);
            }
        }

        @OnMessage
        public void pong(PongMessage pong, Session session) throws IOException {
            session.getBasicRemote().sendText("pong:" + StandardCharsets.UTF_8.decode(pong.getApplicationData()));
        }
    }

    /** Commands for the asynchronous remote: Future, SendHandler, batching. */
    @ServerEndpoint("/jakarta/async")
    public static class Async {
        @OnMessage
        public void command(String command, Session session) throws Exception {
            var remote = session.getAsyncRemote();
            switch (command) {
                case "future" -> {
                    Future<Void> sent = remote.sendText("via future");
                    sent.get(5, TimeUnit.SECONDS);
                    remote.sendText("future done " + sent.isDone());
                }
                case "handler" -> {
                    CompletableFuture<SendResult> done = new CompletableFuture<>();
                    remote.sendBinary(ByteBuffer.wrap(new byte[] {9, 8, 7}), done::complete);
                    SendResult result = done.get(5, TimeUnit.SECONDS);
                    remote.sendText("handler ok " + result.isOK() + " " + (result.getException() == null));
                }
                case "batch" -> {
                    remote.setBatchingAllowed(true);
                    remote.sendText("one");
                    remote.sendText("two");
                    remote.sendText("three");
                    remote.flushBatch();
                    remote.setBatchingAllowed(false);
                }
                default -> remote.sendText("unknown " + command);
            }
        }
    }

    /** Checks the origin, reads a header into the session, picks a subprotocol, adds a response header. */
    public static class TokenConfigurator extends ServerEndpointConfig.Configurator {
        @Override
        public boolean checkOrigin(String origin) {
            return origin == null || !origin.contains("evil");
        }

        @Override
        public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
            List<String> token = request.getHeaders().get("X-Token");
            config.getUserProperties().put("token", token == null || token.isEmpty() ? "none" : token.get(0));
            response.getHeaders().put("X-Handshake", List.of("seen"));
        }

        @Override
        public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
            // The last requested one the server supports: not the default first-match, so it shows the hook ran.
            for (int i = requested.size() - 1; i >= 0; i--) {
                if (supported.contains(requested.get(i))) {
                    return requested.get(i);
                }
            }
            return "";
        }
    }

    /** A programmatic endpoint, deployed with ServerContainer.addEndpoint(ServerEndpointConfig). */
    public static class Programmatic extends Endpoint {
        @Override
        public void onOpen(Session session, EndpointConfig config) {
            String token = String.valueOf(config.getUserProperties().get("token"));
            session.addMessageHandler(String.class, text -> session.getAsyncRemote()
                    .sendText(session.getNegotiatedSubprotocol() + "|" + token + "|" + text));
        }
    }

    /** Closes with the code and reason it is told to; records every close it sees, by the id in the query. */
    @ServerEndpoint("/jakarta/close")
    public static class Closing {
        static final Map<String, String> SEEN = new ConcurrentHashMap<>();

        @OnMessage
        public void command(String command, Session session) throws IOException {
            // "close <code> <reason>"
            int space = command.indexOf(' ', 6);
            int code = Integer.parseInt(command.substring(6, space));
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), command.substring(space + 1)));
        }

        @OnClose
        public void closed(Session session, CloseReason reason) {
            SEEN.put(session.getRequestParameterMap().get("id").get(0), reason.getCloseCode().getCode() + " " + reason.getReasonPhrase());
        }
    }

    @ServerEndpoint("/jakarta/large")
    public static class Large {
        @OnMessage(maxMessageSize = 2 * 1024 * 1024)
        public String text(String text) {
            return text;
        }

        @OnMessage(maxMessageSize = 2 * 1024 * 1024)
        public ByteBuffer binary(ByteBuffer bytes) {
            return bytes;
        }
    }

    @ServerEndpoint("/jakarta/throws")
    public static class Throws {
        @OnMessage
        public String fail(String text) {
            throw new IllegalStateException("endpoint failure on purpose");
        }
    }

    @ServerEndpoint("/jakarta/open-fails")
    public static class OpenFails {
        @OnOpen
        public void open(Session session) {
            throw new IllegalStateException("refusing the session on purpose");
        }

        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Connection open and close events as the connector's listeners see them, by connection. */
    static final class ConnectionEvents implements Connection.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onOpened(Connection connection) {
            events.add("opened " + System.identityHashCode(connection) + " " + connection.getClass().getSimpleName());
        }

        @Override
        public void onClosed(Connection connection) {
            events.add("closed " + System.identityHashCode(connection) + " " + connection.getClass().getSimpleName());
        }
    }

    // ---- servers ---------------------------------------------------------------------------------

    private static final Map<ConnectorKind, ConnectionEvents> EVENTS = new EnumMap<>(ConnectorKind.class);
    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> {
            ConnectionEvents events = new ConnectionEvents();
            EVENTS.put(builder.kind(), events);
            return builder
                    .connector(connector -> connector.addEventListener(events))
                    .jakartaEndpoints(Rooms.class, Codec.class, Basic.class, Async.class, Closing.class, Large.class, Throws.class, OpenFails.class)
                    .jakarta(container -> container.addEndpoint(ServerEndpointConfig.Builder
                            .create(Programmatic.class, "/jakarta/programmatic")
                            .subprotocols(List.of("v1.corral", "v2.corral"))
                            .configurator(new TokenConfigurator())
                            .build()))
                    .jettyApiServlet("/jetty-api/*", new JettyApiEchoServlet());
        });
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static JdkWebSocket connect(ConnectorKind kind, String path) throws Exception {
        return JdkWebSocket.connect(servers.on(kind).ws(path));
    }

    // ---- tests -----------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("@PathParam: the room in the URI reaches the endpoint")
    void pathParameterReachesTheEndpoint(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/rooms/lobby")) {
            client.sendText("hi");
            assertEquals("lobby:hi", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Decoder.Text in, Encoder.Binary via sendObject and Encoder.Text via the return value out")
    void decodersAndEncodersRun(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/codec")) {
            client.sendText("3,4");
            assertArrayEquals(new byte[] {3, 4}, client.nextBinary());
            assertEquals("(4|3)", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a text message no decoder will decode is dropped (Jetty logs \"Message lost\") and the session goes on")
    void messageNoDecoderAcceptsIsDropped(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/codec")) {
            client.sendText("not a point");
            client.sendText("5,6");
            assertArrayEquals(new byte[] {5, 6}, client.nextBinary());
            assertEquals("(6|5)", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("getBasicRemote: whole text, whole binary, partial text, partial binary")
    void basicRemoteSendsWholeAndPartialMessages(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/basic")) {
            client.sendText("text");
            assertEquals("basic text", client.nextText());
            client.sendText("binary");
            assertArrayEquals(new byte[] {1, 2, 3}, client.nextBinary());
            client.sendText("partial");
            assertEquals("partial", client.nextText());
            client.sendText("partial binary");
            assertArrayEquals(new byte[] {4, 5, 6}, client.nextBinary());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("getBasicRemote().sendPing: the JDK client's pong comes back to the endpoint as a PongMessage")
    void pingFromTheEndpointIsAnsweredByTheClient(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/basic")) {
            client.sendText("ping");
            assertEquals("pong:are you there", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("getAsyncRemote: a Future completes, a SendHandler is told OK, a batch is flushed in order")
    void asyncRemoteCompletesFuturesAndHandlers(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/async")) {
            client.sendText("future");
            assertEquals("via future", client.nextText());
            assertEquals("future done true", client.nextText());
            client.sendText("handler");
            assertArrayEquals(new byte[] {9, 8, 7}, client.nextBinary());
            assertEquals("handler ok true true", client.nextText());
            client.sendText("batch");
            assertEquals("one", client.nextText());
            assertEquals("two", client.nextText());
            assertEquals("three", client.nextText());
            client.sendText("future"); // the session outlives the flush
            assertEquals("via future", client.nextText());
            assertEquals("future done true", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("ServerContainer.addEndpoint(ServerEndpointConfig) with a Configurator: header read, subprotocol chosen")
    void programmaticEndpointWithConfigurator(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = JdkWebSocket.connect(servers.on(kind).ws("/jakarta/programmatic"),
                Map.of("X-Token", "secret-42"), List.of("v1.corral", "v2.corral", "v3.corral"))) {
            assertEquals("v2.corral", client.socket().getSubprotocol());
            client.sendText("hello");
            assertEquals("v2.corral|secret-42|hello", client.nextText());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Configurator on the wire: its response header is in the 101, and checkOrigin refuses with 403")
    void configuratorShapesTheHandshake(ConnectorKind kind) throws Exception {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.open("/jakarta/programmatic", "Sec-WebSocket-Protocol: v1.corral");
            assertEquals("seen", response.header("X-Handshake"));
            assertEquals("v1.corral", response.header("Sec-WebSocket-Protocol"));
        }
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.upgrade("/jakarta/programmatic", "Origin: http://evil.example");
            assertEquals(403, response.status(), response.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Session.close(CloseReason): the JDK client gets the endpoint's code and reason")
    void endpointClosesWithCodeAndReason(ConnectorKind kind) throws Exception {
        String id = "server-jdk-" + kind;
        try (JdkWebSocket client = connect(kind, "/jakarta/close?id=" + id)) {
            client.sendText("close 4001 custom reason");
            JdkWebSocket.Closed closed = client.nextClose();
            assertEquals(4001, closed.code());
            assertEquals("custom reason", closed.reason());
            // The JDK client answers the close on its own; the session ends once the answer is in.
            Deadline.await("@OnClose of " + id, JdkWebSocket.TIMEOUT, () -> Closing.SEEN.containsKey(id));
        }
        assertEquals("4001 ", Closing.SEEN.get(id), "@OnClose sees the JDK client's answer: the code, no reason");
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Session.close(CloseReason) on the wire: close frame with code and reason; @OnClose sees the client's answer; TCP ends")
    void endpointCloseHandshakeOnTheWire(ConnectorKind kind) throws Exception {
        String id = "server-raw-" + kind;
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/jakarta/close?id=" + id);
            client.sendText("close 4003 closing time");
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(4003, close.closeCode());
            assertEquals("closing time", close.closeReason());
            client.send(RawWebSocket.closeFrame(4003, "ack"));
            assertTrue(client.awaitEndOfStream(), "§7.1.1: the server closes TCP once the close handshake is done");
        }
        Deadline.await("@OnClose of " + id, JdkWebSocket.TIMEOUT, () -> Closing.SEEN.containsKey(id));
        assertEquals("4003 ack", Closing.SEEN.get(id));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("the client closes with a code and reason: @OnClose sees them, and the server echoes the code")
    void clientClosesWithCodeAndReason(ConnectorKind kind) throws Exception {
        String id = "client-" + kind;
        try (JdkWebSocket client = connect(kind, "/jakarta/close?id=" + id)) {
            client.sendClose(4002, "client reason");
            assertEquals(4002, client.nextClose().code());
        }
        Deadline.await("@OnClose of " + id, JdkWebSocket.TIMEOUT, () -> Closing.SEEN.containsKey(id));
        assertEquals("4002 client reason", Closing.SEEN.get(id));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("an exception from @OnMessage (no @OnError) closes the session with Jetty's Jakarta layer's code, 1003")
    void endpointExceptionClosesTheSession(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jakarta/throws")) {
            client.sendText("boom");
            assertEquals(1003, client.nextClose().code());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("an exception from @OnOpen closes the new session with 1011 (server error), and TCP ends")
    void openFailureClosesTheSession(ConnectorKind kind) throws Exception {
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/jakarta/open-fails");
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(1011, close.closeCode(), close.toString());
            assertTrue(client.awaitEndOfStream());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("1 MiB text and binary messages both ways, with maxMessageSize raised")
    void largeMessagesTravelBothWays(ConnectorKind kind) throws Exception {
        StringBuilder text = new StringBuilder(1024 * 1024);
        for (int i = 0; text.length() < 1024 * 1024; i++) {
            text.append(i % 10);
        }
        byte[] binary = new byte[1024 * 1024];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        try (JdkWebSocket client = connect(kind, "/jakarta/large")) {
            client.sendText(text.toString());
            assertEquals(text.toString(), client.nextText());
            client.sendBinary(binary);
            assertArrayEquals(binary, client.nextBinary());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("RFC 7692: permessage-deflate is negotiated and used both ways (whole, fragmented and large messages)")
    void permessageDeflateIsNegotiatedAndUsed(ConnectorKind kind) throws Exception {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.open("/jakarta/rooms/zip",
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits");
            String extensions = RawWebSocket.extensions(response);
            assertTrue(extensions != null && extensions.startsWith("permessage-deflate"), response.toString());
            PermessageDeflate inflater = new PermessageDeflate();

            // §7.2.3.1: a compressed message has RSV1 on its first frame only.
            client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT,
                    PermessageDeflate.compress(RawWebSocket.utf8("hello hello hello"))));
            RawWebSocket.Message reply = client.expectMessage();
            assertEquals(RawWebSocket.RSV1, reply.rsv(), "the server compresses its messages too");
            assertEquals("zip:hello hello hello", new String(inflater.decompress(reply.payload()), StandardCharsets.UTF_8));

            byte[] compressed = PermessageDeflate.compress(RawWebSocket.utf8("fragmented and compressed"));
            int half = compressed.length / 2;
            client.send(RawWebSocket.frame(false, RawWebSocket.RSV1, RawWebSocket.TEXT, java.util.Arrays.copyOf(compressed, half)),
                    RawWebSocket.frame(true, 0, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(compressed, half, compressed.length)));
            reply = client.expectMessage();
            assertEquals("zip:fragmented and compressed", new String(inflater.decompress(reply.payload()), StandardCharsets.UTF_8));

            String large = "corral ".repeat(40_000); // 280 KB, past Jetty's 64 KiB frame size once inflated
            client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT, PermessageDeflate.compress(RawWebSocket.utf8(large))));
            reply = client.expectMessage();
            assertEquals(RawWebSocket.RSV1, reply.rsv());
            assertEquals("zip:" + large, new String(inflater.decompress(reply.payload()), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("RFC 7692 §6.1: without the extension negotiated, RSV1 on a frame is a protocol error (1002)")
    void compressedFrameWithoutTheExtensionIsRefused(ConnectorKind kind) throws Exception {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.open("/jakarta/rooms/plain");
            assertEquals(null, response.header("Sec-WebSocket-Extensions"));
            client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT, PermessageDeflate.compress(RawWebSocket.utf8("x"))));
            assertEquals(1002, client.expectClose().closeCode());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Jetty's own API under a JettyWebSocketServlet (ee10) echoes on both")
    void jettyWebSocketServletEchoes(ConnectorKind kind) throws Exception {
        try (JdkWebSocket client = connect(kind, "/jetty-api/echo")) {
            client.sendText("hello");
            assertEquals("jetty-api:hello", client.nextText());
            client.sendClose(1000, "");
            assertEquals(1000, client.nextClose().code());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("the connector's Connection.Listeners see the WebSocket connection opened, then closed")
    void connectionListenersSeeTheWebSocketConnectionOpenAndClose(ConnectorKind kind) throws Exception {
        ConnectionEvents events = EVENTS.get(kind);
        events.events.clear();
        try (JdkWebSocket client = connect(kind, "/jakarta/rooms/events")) {
            client.sendText("x");
            assertEquals("events:x", client.nextText());
            client.sendClose(1000, "");
            client.nextClose();
        }
        String webSocketClass = kind == ConnectorKind.CORRAL ? "CorralFramedConnection" : "WebSocketConnection";
        Deadline.await("the WebSocket connection's close event", JdkWebSocket.TIMEOUT,
                () -> events.events.stream().anyMatch(event -> event.startsWith("closed") && event.endsWith(" " + webSocketClass)));
        List<String> webSocketEvents = events.events.stream().filter(event -> event.endsWith(" " + webSocketClass))
                .map(event -> event.substring(0, event.indexOf(' '))).toList();
        assertEquals(List.of("opened", "closed"), webSocketEvents, events.events.toString());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a handshake to a path with no endpoint is an ordinary 404")
    void handshakeToAPathWithoutEndpointIs404(ConnectorKind kind) throws Exception {
        try (RawWebSocket client = servers.on(kind).connect()) {
            RawWebSocket.Response response = client.upgrade("/nowhere");
            assertEquals(404, response.status(), response.toString());
        }
    }
}
