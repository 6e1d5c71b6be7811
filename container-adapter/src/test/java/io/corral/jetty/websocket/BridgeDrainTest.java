package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.CorralConnector;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CorralConnector#drain} and Jakarta sessions: once the WebSocket grace is over the session is closed with
 * 1001 "going away" (RFC 6455 §7.4.1), the endpoint's {@code @OnClose} sees 1001, and the drain ends with the
 * session, closing nothing by force — on Corral's framing and on Jetty's framing over Corral's endpoint (the
 * fallback when the seam is unavailable, forced here by its documented switch).
 */
class BridgeDrainTest {

    @ServerEndpoint("/drain/echo")
    public static class Echo {
        static final Map<String, Integer> CLOSED = new ConcurrentHashMap<>();

        @OnMessage
        public String echo(String text) {
            return text;
        }

        @OnClose
        public void closed(Session session, CloseReason reason) {
            CLOSED.put(session.getRequestParameterMap().get("id").get(0), reason.getCloseCode().getCode());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"corral", "jetty"})
    @DisplayName("drain: messages flow during the grace, then 1001, @OnClose sees it, nothing closed by force")
    void drainClosesJakartaSessionsWith1001(String framing) throws Exception {
        String property = "corral.websocket.framing";
        String before = System.getProperty(property);
        System.setProperty(property, framing);
        String id = "drain-" + framing;
        BridgeServer server = BridgeServer.on(ConnectorKind.CORRAL).jakartaEndpoints(Echo.class)
                .connector(connector -> ((CorralConnector) connector).setWebSocketDrainGrace(600))
                .start();
        try (RawWebSocket client = server.connect()) {
            client.open("/drain/echo?id=" + id);
            client.sendText("before");
            assertEquals("before", client.expectText());
            CorralConnector connector = (CorralConnector) server.connector();
            assertEquals(1, connector.getWebSocketSessions());
            assertEquals(1L, connector.getUpgrades());

            long started = System.nanoTime();
            CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> connector.drain(20_000));
            client.sendText("during the grace");
            assertEquals("during the grace", client.expectText());
            RawWebSocket.ServerFrame close = client.expectClose();
            assertEquals(1001, close.closeCode(), close.toString());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(600), "closed before the grace");
            client.send(RawWebSocket.closeFrame(1001, ""));
            assertTrue(client.awaitEndOfStream());
            assertEquals(0, drained.get(15, TimeUnit.SECONDS), "the session had to be closed by force");
            Deadline.await("@OnClose", Duration.ofSeconds(5), () -> Echo.CLOSED.containsKey(id));
            assertEquals(1001, Echo.CLOSED.get(id));
            assertEquals(0, connector.getWebSocketSessions());
        } finally {
            server.close();
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }
}
