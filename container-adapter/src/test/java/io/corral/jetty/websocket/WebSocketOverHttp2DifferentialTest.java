package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.ee10.websocket.jakarta.common.JakartaWebSocketSession;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The same Jakarta {@code @ServerEndpoint} reached over HTTP/2 (RFC 8441 extended CONNECT) on {@code ServerConnector}
 * (Jetty's {@code HTTP2CServerConnectionFactory}, connect protocol enabled, its default) and on
 * {@code CorralConnector} (Corral's own HTTP/2 under the same factory), by the same client: Jetty's
 * {@link WebSocketClient} on {@link HttpClientTransportOverHTTP2}, which opens WebSockets with extended CONNECT on an
 * h2c connection. What each client sees (handshake status, messages, close codes, what the endpoint saw) must match;
 * on Corral, Corral's own framing must serve the session, on the stream.
 */
class WebSocketOverHttp2DifferentialTest {

    private static final long WAIT_SECONDS = 10;

    /** What the endpoints saw, per connector and per room. */
    private static final Map<String, BlockingQueue<String>> SEEN = new ConcurrentHashMap<>();

    private static final Map<ConnectorKind, BridgeServer> SERVERS = new EnumMap<>(ConnectorKind.class);
    private static HttpClient http;
    private static WebSocketClient client;

    /** Echoes short texts with its room's name, long ones as they are, binaries too; "close" closes with 1001; reports the connection under its core session. */
    @ServerEndpoint("/h2/rooms/{room}")
    public static class Room {
        @OnOpen
        public void open(Session session, @PathParam("room") String room) {
            seen(room).add("open " + session.getNegotiatedExtensions().stream().map(e -> e.getName()).toList());
        }

        @OnMessage
        public String text(Session session, String message, @PathParam("room") String room) throws Exception {
            seen(room).add("text " + message.length());
            if (message.equals("close")) {
                session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "asked to"));
                return null;
            }
            if (message.equals("framing")) {
                WebSocketCoreSession core = (WebSocketCoreSession) ((JakartaWebSocketSession) session).getCoreSession();
                return core.getConnection().getClass().getSimpleName();
            }
            return message.length() > 1000 ? message : room + ":" + message;
        }

        @OnMessage
        public ByteBuffer binary(ByteBuffer message) {
            return message;
        }

        @OnClose
        public void close(CloseReason reason, @PathParam("room") String room) {
            seen(room).add("close " + reason.getCloseCode().getCode());
        }

        static BlockingQueue<String> seen(String room) {
            return SEEN.computeIfAbsent(room, r -> new LinkedBlockingQueue<>());
        }
    }

    /** The client's side: every event as a line. */
    public static final class Recorder implements org.eclipse.jetty.websocket.api.Session.Listener.AutoDemanding {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        volatile org.eclipse.jetty.websocket.api.Session session;

        @Override
        public void onWebSocketOpen(org.eclipse.jetty.websocket.api.Session session) {
            this.session = session;
            events.add("open " + session.getUpgradeResponse().getStatusCode() + " "
                    + session.getUpgradeResponse().getExtensions().stream().map(e -> e.getName()).toList());
        }

        @Override
        public void onWebSocketText(String message) {
            events.add(message.length() > 64 ? "text of " + message.length() : message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            events.add("binary of " + payload.remaining());
            callback.succeed();
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            events.add("close " + statusCode + " " + reason);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            events.add("error " + cause.getClass().getSimpleName());
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(event, "no client event within " + WAIT_SECONDS + " s");
            return event;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            SERVERS.put(kind, BridgeServer.on(kind).h2c().jakartaEndpoints(Room.class).start());
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(BridgeServer::close);
    }

    /** A client of its own per test, so that no test inherits another's HTTP/2 connections. */
    @BeforeEach
    void startClient() throws Exception {
        http = ExtendedConnectHttpClient.create();
        client = new WebSocketClient(http);
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception {
        client.stop();
    }

    private static URI uri(ConnectorKind kind, String room) {
        return SERVERS.get(kind).ws("/h2/rooms/" + room);
    }

    /** Runs the same script on both connectors, each in its own room; returns what each saw, client and endpoint. */
    private static Map<ConnectorKind, List<String>> onBoth(String room, Script script) throws Exception {
        Map<ConnectorKind, List<String>> results = new EnumMap<>(ConnectorKind.class);
        for (ConnectorKind kind : ConnectorKind.values()) {
            String ownRoom = room + "-" + kind.name().toLowerCase();
            results.put(kind, script.run(kind, ownRoom));
        }
        return results;
    }

    @FunctionalInterface
    interface Script {
        List<String> run(ConnectorKind kind, String room) throws Exception;
    }

    private static String endpointEvent(String room) throws InterruptedException {
        String event = Room.seen(room).poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no endpoint event within " + WAIT_SECONDS + " s in " + room);
        return event;
    }

    /**
     * The echo both RFC 8441 tests compare, here and over TLS ({@link WebSocketOverH2TlsDifferentialTest}): connect to
     * {@code room}, "hello", a text and a binary of 60,000 octets each, close with 1000 "bye"; returns what the client
     * and the endpoint saw, in order.
     */
    static List<String> echoAndClose(WebSocketClient client, URI uri, String room) throws Exception {
        List<String> seen = new ArrayList<>();
        Recorder recorder = new Recorder();
        org.eclipse.jetty.websocket.api.Session session = client.connect(recorder, uri)
                .get(WAIT_SECONDS, TimeUnit.SECONDS);
        seen.add(recorder.next()); // "open 200 []": RFC 8441 §5, a 200 and no 101: the WebSocket rides an h2 stream
        seen.add(endpointEvent(room));
        sent(session, (s, c) -> s.sendText("hello", c));
        seen.add(recorder.next());
        seen.add(endpointEvent(room));
        // Two messages of 60,000 octets (under Jakarta's 64 KiB default): past the stream windows both ways (through
        // TLS records, over TLS).
        sent(session, (s, c) -> s.sendText("x".repeat(60_000), c));
        sent(session, (s, c) -> s.sendBinary(ByteBuffer.wrap(new byte[60_000]), c));
        seen.add(recorder.next());
        seen.add(recorder.next());
        seen.add(endpointEvent(room));
        session.close(1000, "bye", Callback.NOOP);
        seen.add(recorder.next());
        seen.add(endpointEvent(room));
        return seen;
    }

    @Test
    void echoOverAnExtendedConnectIsTheSameOnBothConnectors() throws Exception {
        Map<ConnectorKind, List<String>> results = onBoth("echo",
                (kind, room) -> echoAndClose(client, uri(kind, room), room));
        assertEquals(List.of("open 200 []", "open []", "echo-jetty:hello", "text 5", "text of 60000",
                "binary of 60000", "text 60000", "close 1000 bye", "close 1000"),
                results.get(ConnectorKind.JETTY));
        assertEquals(normalise(results.get(ConnectorKind.JETTY), "jetty"),
                normalise(results.get(ConnectorKind.CORRAL), "corral"));
    }

    @Test
    void permessageDeflateIsNegotiatedTheSame() throws Exception {
        Map<ConnectorKind, List<String>> results = onBoth("deflate", (kind, room) -> {
            List<String> seen = new ArrayList<>();
            Recorder recorder = new Recorder();
            ClientUpgradeRequest request = new ClientUpgradeRequest();
            request.addExtensions("permessage-deflate");
            org.eclipse.jetty.websocket.api.Session session = client.connect(recorder, uri(kind, room), request)
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            seen.add(recorder.next());
            seen.add(endpointEvent(room));
            sent(session, (s, c) -> s.sendText("compressible ".repeat(1000), c));
            // What the server side did with the compressed message (the endpoint got it whole), and its echo.
            seen.add(endpointEvent(room));
            seen.add(recorder.next());
            session.close(1000, "", Callback.NOOP);
            seen.add(recorder.next());
            seen.add(endpointEvent(room));
            return seen;
        });
        assertEquals(List.of("open 200 [permessage-deflate]", "open [permessage-deflate]", "text 13000",
                "text of 13000", "close 1000 null", "close 1000"), results.get(ConnectorKind.JETTY));
        assertEquals(normalise(results.get(ConnectorKind.JETTY), "jetty"),
                normalise(results.get(ConnectorKind.CORRAL), "corral"));
    }

    @Test
    void theEndpointsCloseReachesTheClientTheSame() throws Exception {
        Map<ConnectorKind, List<String>> results = onBoth("closing", (kind, room) -> {
            List<String> seen = new ArrayList<>();
            Recorder recorder = new Recorder();
            org.eclipse.jetty.websocket.api.Session session = client.connect(recorder, uri(kind, room))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            seen.add(recorder.next());
            sent(session, (s, c) -> s.sendText("close", c));
            seen.add(recorder.next());
            seen.add(endpointEvent(room)); // open
            seen.add(endpointEvent(room)); // text
            seen.add(endpointEvent(room)); // close
            return seen;
        });
        // The close frame is the first frame the server sends on the stream: before ExtendedConnectHttpClient, Jetty's
        // client now and then read it as "response content" and saw only the stream's end (ClosedChannelException).
        List<String> expected = List.of("open 200 []", "close 1001 asked to", "open []", "text 5", "close 1001");
        assertEquals(expected, results.get(ConnectorKind.JETTY));
        assertEquals(expected, results.get(ConnectorKind.CORRAL));
    }

    @Test
    void onCorralTheSessionRunsOnCorralsFramingOverTheStream() throws Exception {
        Recorder recorder = new Recorder();
        org.eclipse.jetty.websocket.api.Session session = client.connect(recorder,
                uri(ConnectorKind.CORRAL, "proof")).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("open 200 []", recorder.next());
        sent(session, (s, c) -> s.sendText("framing", c));
        assertEquals(CorralFramedConnection.class.getSimpleName(), recorder.next());
        session.close(1000, "", Callback.NOOP);
        assertTrue(recorder.next().startsWith("close 1000"));
    }

    @Test
    void severalWebSocketsShareOneHttp2Connection() throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            List<Recorder> recorders = new ArrayList<>();
            List<org.eclipse.jetty.websocket.api.Session> sessions = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Recorder recorder = new Recorder();
                sessions.add(client.connect(recorder, uri(kind, "many-" + kind + "-" + i))
                        .get(WAIT_SECONDS, TimeUnit.SECONDS));
                assertEquals("open 200 []", recorder.next(), kind.name());
                recorders.add(recorder);
            }
            for (int i = 0; i < 5; i++) {
                sessions.get(i).sendText("m" + i, Callback.NOOP);
            }
            for (int i = 0; i < 5; i++) {
                assertEquals("many-" + kind + "-" + i + ":m" + i, recorders.get(i).next(), kind.name());
            }
            for (org.eclipse.jetty.websocket.api.Session session : sessions) {
                session.close(1000, "", Callback.NOOP);
            }
            for (Recorder recorder : recorders) {
                assertTrue(recorder.next().startsWith("close 1000"), kind.name());
            }
        }
    }

    @Test
    void aDrainTellsASessionOverHttp2ToGoAwayAfterItsGrace() throws Exception {
        // Corral only: CorralConnector.drain. The session runs on a stream, not a connection of its own, and is
        // still among the connector's WebSocket sessions, told to go away (1001) once the grace is over.
        BridgeServer server = BridgeServer.on(ConnectorKind.CORRAL).h2c().jakartaEndpoints(Room.class)
                .connector(connector -> ((io.corral.jetty.CorralConnector) connector).setWebSocketDrainGrace(300))
                .start();
        try {
            io.corral.jetty.CorralConnector connector = (io.corral.jetty.CorralConnector) server.connector();
            Recorder recorder = new Recorder();
            org.eclipse.jetty.websocket.api.Session session = client.connect(recorder,
                    server.ws("/h2/rooms/drain")).get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals("open 200 []", recorder.next());
            // Listed once the stream's thread took the session over, just after the 200 went out.
            Deadline.await("the session listed", java.time.Duration.ofSeconds(10),
                    () -> connector.getWebSocketSessions() == 1);
            java.util.concurrent.CompletableFuture<Integer> drained =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> connector.drain(20_000));
            assertEquals("close 1001 server going away", recorder.next());
            // The session's close handshake ends its stream: it leaves the connector's sessions by itself.
            Deadline.await("the session ended", java.time.Duration.ofSeconds(10),
                    () -> connector.getWebSocketSessions() == 0);
            // Jetty's HTTP2Client keeps its connection (GOAWAY received, no stream left) until it is stopped; once it
            // leaves, the drain ends with nothing closed by force.
            client.stop();
            assertEquals(0, drained.get(15, TimeUnit.SECONDS), "the connection had to be closed by force");
            assertEquals(0, connector.getWebSocketSessions());
            assertTrue(!session.isOpen());
        } finally {
            server.close();
        }
    }

    /**
     * Sends and waits until the client has written the frame, so that a send that fails says so here rather than as
     * an echo that never comes.
     */
    static void sent(org.eclipse.jetty.websocket.api.Session session,
            java.util.function.BiConsumer<org.eclipse.jetty.websocket.api.Session, Callback> send) throws Exception {
        Callback.Completable done = new Callback.Completable();
        send.accept(session, done);
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static List<String> normalise(List<String> events, String kind) {
        return events.stream().map(s -> s.replace("-" + kind, "-KIND")).toList();
    }
}
