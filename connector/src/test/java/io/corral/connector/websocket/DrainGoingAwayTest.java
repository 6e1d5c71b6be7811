package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 §7.4.1 1001 "going away" from a draining listener, on the native engine: a WebSocket has no next
 * response to say {@code Connection: close} on, so once the drain's grace for upgraded connections is over the
 * server closes it with 1001; until then it carries on, and a listener resumed within the grace keeps it.
 */
class DrainGoingAwayTest {

    private static TestClient open(EchoServer server) throws IOException {
        TestClient client = server.connectRaw(Duration.ofSeconds(10));
        client.sendText("hello");
        assertEquals("hello", client.expectText());
        return client;
    }

    @Test
    @DisplayName("drain: messages flow during the grace, then close 1001; the drain ends with the session, nothing closed by force")
    void drainClosesWebSocketsWith1001AfterTheGrace() throws Exception {
        try (EchoServer server = EchoServer.echoing(WebSocketConfig.DEFAULTS); TestClient client = open(server)) {
            server.protocol().setUpgradedDrainGrace(Duration.ofMillis(800));
            long started = System.nanoTime();
            CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(
                    () -> server.listener().drain(Duration.ofSeconds(20)));
            client.sendText("during the grace");
            assertEquals("during the grace", client.expectText());
            TestClient.CloseFrame close = client.expectClose();
            assertEquals(CloseStatus.GOING_AWAY, close.code(), close.toString());
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(800), "closed before the grace");
            client.sendClose(CloseStatus.GOING_AWAY, "");
            assertTrue(client.awaitEndOfStream());
            assertEquals(0, drained.get(15, TimeUnit.SECONDS), "the session had to be closed by force");
        }
    }

    @Test
    @DisplayName("a listener resumed within the grace withdraws the notice: the session stays open")
    void resumeWithinTheGraceKeepsSessions() throws Exception {
        try (EchoServer server = EchoServer.echoing(WebSocketConfig.DEFAULTS); TestClient client = open(server)) {
            server.protocol().setUpgradedDrainGrace(Duration.ofMillis(500));
            server.listener().drain();
            server.listener().resume();
            assertFalse(server.protocol().isDraining());
            // Past the grace (500 ms) with margin: no close frame comes.
            client.connection().socket().setSoTimeout(1500);
            try {
                Frame frame = client.readFrame();
                throw new AssertionError("the server sent " + frame + " after a resume");
            } catch (SocketTimeoutException quiet) {
                // as it should
            }
            client.connection().socket().setSoTimeout(10_000);
            client.sendText("still here");
            assertEquals("still here", client.expectText());
        }
    }
}
