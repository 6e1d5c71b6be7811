package io.corral.jetty.websocket;

import static io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.normalise;
import static io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.TestTls;
import io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.Recorder;
import io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.Room;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket over HTTP/2 (RFC 8441 extended CONNECT) over TLS, {@code h2} agreed by ALPN: the same Jakarta endpoint
 * ({@link Room}) on {@code ServerConnector} (SslConnectionFactory → ALPN → Jetty's HTTP/2 and HTTP/1.1) and on
 * {@code CorralConnector} (Corral's TLS, ALPN and HTTP/2 under the same factories), by the same client: Jetty's
 * {@link WebSocketClient} over {@link HTTP2Client} with TLS. What the client and the endpoint see must match; on
 * Corral the session runs on Corral's framing, on the stream. The h2c twin is {@link WebSocketOverHttp2DifferentialTest}.
 */
class WebSocketOverH2TlsDifferentialTest {

    private static final long WAIT_SECONDS = 10;
    private static final Map<ConnectorKind, BridgeServer> SERVERS = new EnumMap<>(ConnectorKind.class);
    private WebSocketClient client;

    @BeforeAll
    static void start() throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            SERVERS.put(kind, BridgeServer.on(kind).tlsWithH2(TestTls.serverFactory()).jakartaEndpoints(Room.class)
                    .start());
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(BridgeServer::close);
    }

    /** A client of its own per test (HTTP/2 over TLS only), so that no test inherits another's connections. */
    @BeforeEach
    void startClient() throws Exception {
        HTTP2Client http2 = new HTTP2Client();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(TestTls.clientContext(false));
        http2.getClientConnector().setSslContextFactory(tls);
        client = new WebSocketClient(new HttpClient(new HttpClientTransportOverHTTP2(http2)));
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception {
        client.stop();
    }

    private static URI uri(ConnectorKind kind, String room) {
        return SERVERS.get(kind).wss("/h2/rooms/" + room);
    }

    private static String endpointEvent(String room) throws InterruptedException {
        String event = Room.seen(room).poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(event, "no endpoint event within " + WAIT_SECONDS + " s in " + room);
        return event;
    }

    @Test
    void echoOverAnExtendedConnectOverTlsIsTheSameOnBothConnectors() throws Exception {
        Map<ConnectorKind, List<String>> results = new EnumMap<>(ConnectorKind.class);
        for (ConnectorKind kind : ConnectorKind.values()) {
            String room = "tls-echo-" + kind.name().toLowerCase();
            List<String> seen = new ArrayList<>();
            Recorder recorder = new Recorder();
            org.eclipse.jetty.websocket.api.Session session = client.connect(recorder, uri(kind, room))
                    .get(WAIT_SECONDS, TimeUnit.SECONDS);
            seen.add(recorder.next()); // "open 200 []": a 200, not HTTP/1.1's 101: the WebSocket rides an h2 stream
            seen.add(endpointEvent(room));
            sent(session, (s, c) -> s.sendText("hello", c));
            seen.add(recorder.next());
            seen.add(endpointEvent(room));
            // Past the stream windows both ways, through TLS records.
            sent(session, (s, c) -> s.sendText("x".repeat(60_000), c));
            sent(session, (s, c) -> s.sendBinary(ByteBuffer.wrap(new byte[60_000]), c));
            seen.add(recorder.next());
            seen.add(recorder.next());
            seen.add(endpointEvent(room));
            session.close(1000, "bye", Callback.NOOP);
            seen.add(recorder.next());
            seen.add(endpointEvent(room));
            results.put(kind, normalise(seen, kind.name().toLowerCase()));
        }
        assertEquals(List.of("open 200 []", "open []", "tls-echo-KIND:hello", "text 5", "text of 60000",
                "binary of 60000", "text 60000", "close 1000 bye", "close 1000"), results.get(ConnectorKind.JETTY));
        assertEquals(results.get(ConnectorKind.JETTY), results.get(ConnectorKind.CORRAL));
    }

    @Test
    void onCorralTheSessionRunsOnCorralsFramingOverTheH2Stream() throws Exception {
        Recorder recorder = new Recorder();
        org.eclipse.jetty.websocket.api.Session session = client.connect(recorder,
                uri(ConnectorKind.CORRAL, "tls-proof")).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("open 200 []", recorder.next());
        sent(session, (s, c) -> s.sendText("framing", c));
        assertEquals(CorralFramedConnection.class.getSimpleName(), recorder.next());
        session.close(1000, "", Callback.NOOP);
        assertTrue(recorder.next().startsWith("close 1000"));
    }
}
