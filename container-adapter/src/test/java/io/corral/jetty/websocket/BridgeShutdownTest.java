package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stopping the server ends open WebSocket sessions the way Jetty's container does on either connector:
 * the client is told the server is going away (1001) and TCP closes, and the endpoint's {@code @OnClose}
 * runs.
 */
class BridgeShutdownTest {

    @ServerEndpoint("/shutdown/echo")
    public static class Echo {
        static final Map<String, String> CLOSED = new ConcurrentHashMap<>();

        @OnMessage
        public String echo(String text) {
            return text;
        }

        @OnClose
        public void closed(Session session, CloseReason reason) {
            CLOSED.put(session.getRequestParameterMap().get("id").get(0), String.valueOf(reason.getCloseCode().getCode()));
        }
    }

    private static RawWebSocket openSession(BridgeServer server, String id) throws IOException {
        RawWebSocket client = server.connect();
        client.open("/shutdown/echo?id=" + id);
        client.sendText("alive");
        assertEquals("alive", client.expectText());
        // The echo can reach the client while the server is still returning from @OnMessage; a stop that
        // interrupts it there fails the handler (1003). One frame per demand: the pong comes only once the
        // echo's handling is over, so the session is idle when the test stops the server.
        client.send(RawWebSocket.frame(true, 0, 0x9, RawWebSocket.utf8("idle?")));
        RawWebSocket.ServerFrame pong = client.readFrame();
        assertEquals(0xA, pong.opcode(), "pong");
        return client;
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a graceful stop closes open sessions as going away (§7.4.1 1001), then TCP ends")
    void gracefulStopClosesSessionsWith1001(ConnectorKind kind) throws Exception {
        String id = "graceful-" + kind;
        BridgeServer server = BridgeServer.on(kind).stopTimeout(5000).jakartaEndpoints(Echo.class).start();
        try (RawWebSocket client = openSession(server, id)) {
            Thread stopper = Thread.ofVirtual().start(server::close);
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(1001, close.closeCode(), close.toString());
            client.send(RawWebSocket.closeFrame(1001, ""));
            assertTrue(client.awaitEndOfStream());
            assertTrue(stopper.join(Duration.ofSeconds(10)), "the server did not stop");
        } finally {
            server.close();
        }
        Deadline.await("@OnClose", Duration.ofSeconds(5), () -> Echo.CLOSED.containsKey(id));
        assertEquals("1001", Echo.CLOSED.get(id));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a plain stop ends open sessions at once: TCP closes, @OnClose sees 1006, the stop does not hang")
    void stopEndsOpenSessions(ConnectorKind kind) throws Exception {
        String id = "stop-" + kind;
        BridgeServer server = BridgeServer.on(kind).jakartaEndpoints(Echo.class).start();
        try (RawWebSocket client = openSession(server, id)) {
            Thread stopper = Thread.ofVirtual().start(server::close);
            assertTrue(client.awaitEndOfStream(), "the session outlived the server");
            assertTrue(stopper.join(Duration.ofSeconds(10)), "the server did not stop");
        } finally {
            server.close();
        }
        Deadline.await("@OnClose", Duration.ofSeconds(5), () -> Echo.CLOSED.containsKey(id));
        assertEquals("1006", Echo.CLOSED.get(id));
    }
}
