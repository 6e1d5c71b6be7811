package io.corral.jetty.websocket;

import static io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.echoAndClose;
import static io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.normalise;
import static io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.sent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.TestTls;
import io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.Recorder;
import io.corral.jetty.websocket.WebSocketOverHttp2DifferentialTest.Room;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * {@link WebSocketClient} over {@code HTTP2Client} with TLS. What the client and the endpoint see must match; on
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

    /**
     * A client of its own per test (HTTP/2 over TLS only), so that no test inherits another's connections; with the
     * h2c test's fix for Jetty 12.1.8's client ({@link ExtendedConnectHttpClient}), which can lose the first frame the
     * server sends on the tunnel over TLS as over h2c.
     */
    @BeforeEach
    void startClient() throws Exception {
        client = new WebSocketClient(ExtendedConnectHttpClient.create(TestTls.http2Client()));
        client.start();
    }

    @AfterEach
    void stopClient() throws Exception {
        client.stop();
    }

    private static URI uri(ConnectorKind kind, String room) {
        return SERVERS.get(kind).wss("/h2/rooms/" + room);
    }

    @Test
    void echoOverAnExtendedConnectOverTlsIsTheSameOnBothConnectors() throws Exception {
        Map<ConnectorKind, List<String>> results = new EnumMap<>(ConnectorKind.class);
        for (ConnectorKind kind : ConnectorKind.values()) {
            String room = "tls-echo-" + kind.name().toLowerCase();
            List<String> seen = echoAndClose(client, uri(kind, room), room);
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
