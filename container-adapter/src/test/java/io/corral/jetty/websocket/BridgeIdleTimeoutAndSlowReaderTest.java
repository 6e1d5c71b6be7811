package io.corral.jetty.websocket;

import io.corral.jetty.ConnectorKind;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Time and flow control under Corral's framing, beside ServerConnector: Jetty's idle timeouts (the
 * session's own, or the connector's when the session sets none) close idle sessions with 1001; a client
 * that stops reading never holds an async sender back, what is queued for it is bounded, and an idle
 * timeout ends a write that the peer never lets finish — without holding up anyone else's timeouts.
 */
class BridgeIdleTimeoutAndSlowReaderTest {

    static final long CONNECTOR_IDLE_MS = 600;
    static final long SESSION_IDLE_MS = 300;
    static final int FLOOD_MESSAGES = 400; // more than Corral's default bound of 256 queued frames
    static final int FLOOD_MESSAGE_SIZE = 64 * 1024;
    /**
     * How long to wait for an event that must come (a close, a sender released): generous, since a 2-core machine at
     * load 20-40 takes seconds over what is milliseconds when quiet, and what is proven is that it comes at all.
     */
    static final Duration EVENT_WAIT = Duration.ofSeconds(30);

    /** Sets its own idle timeout, shorter than the connector's unless {@code ?idle=ms} asks for another. */
    @ServerEndpoint("/idle/session")
    public static class SessionIdle {
        @OnOpen
        public void open(Session session) {
            List<String> idle = session.getRequestParameterMap().get("idle");
            session.setMaxIdleTimeout(idle == null ? SESSION_IDLE_MS : Long.parseLong(idle.get(0)));
        }

        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Leaves the idle timeout to the connector. */
    @ServerEndpoint("/idle/connector")
    public static class ConnectorIdle {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** What one flood did, by the id in its query. */
    static final class Flood {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        /** Sends that failed, by index ({@code FLOOD_MESSAGES} for the final "done"), and why. */
        final Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
        volatile String closed;
        volatile boolean senderReturned;
    }

    /**
     * Sends {@code FLOOD_MESSAGES} binary messages of 64 KiB through the asynchronous remote as fast as
     * the remote takes them, counting sends started and completed; ends with a text message "done".
     * With {@code ?idle=ms} it sets that idle timeout first.
     */
    @ServerEndpoint("/flood")
    public static class Flooder {
        static final Map<String, Flood> FLOODS = new ConcurrentHashMap<>();

        @OnOpen
        public void open(Session session) {
            List<String> idle = session.getRequestParameterMap().get("idle");
            if (idle != null) {
                session.setMaxIdleTimeout(Long.parseLong(idle.get(0)));
            }
        }

        @OnMessage
        public void flood(String command, Session session) {
            Flood flood = FLOODS.computeIfAbsent(id(session), id -> new Flood());
            try {
                for (int i = 0; i < FLOOD_MESSAGES; i++) {
                    flood.started.incrementAndGet();
                    int index = i;
                    session.getAsyncRemote().sendBinary(ByteBuffer.wrap(message(i)), result -> {
                        if (!result.isOK()) {
                            flood.failures.put(index, result.getException());
                        }
                        (result.isOK() ? flood.completed : flood.failed).incrementAndGet();
                    });
                }
                session.getAsyncRemote().sendText("done", result -> {
                    if (!result.isOK()) {
                        flood.failures.put(FLOOD_MESSAGES, result.getException());
                    }
                });
            } catch (RuntimeException stopped) {
                flood.failed.incrementAndGet();
            } finally {
                flood.senderReturned = true;
            }
        }

        @OnError
        public void error(Session session, Throwable cause) {
            // The session ends after this; @OnClose records how.
        }

        @OnClose
        public void close(Session session, CloseReason reason) {
            FLOODS.computeIfAbsent(id(session), id -> new Flood()).closed = String.valueOf(reason.getCloseCode().getCode());
        }

        private static String id(Session session) {
            return session.getRequestParameterMap().get("id").get(0);
        }
    }

    static byte[] message(int index) {
        byte[] message = new byte[FLOOD_MESSAGE_SIZE];
        for (int i = 0; i < message.length; i += 256) {
            message[i] = (byte) index;
        }
        ByteBuffer.wrap(message).putInt(0, index);
        return message;
    }

    private static BridgeServers servers;

    @BeforeAll
    static void start() throws Exception {
        servers = BridgeServers.start(builder -> builder
                .connector(connector -> connector.setIdleTimeout(CONNECTOR_IDLE_MS))
                .jakartaEndpoints(SessionIdle.class, ConnectorIdle.class, Flooder.class));
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    /** Opens a session, stays silent, and returns how long the server took to close it with 1001. */
    private static long silentUntilClosed(ConnectorKind kind, String path) throws IOException {
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open(path);
            long opened = System.nanoTime();
            client.sendText("one message, then silence");
            assertEquals("one message, then silence", client.expectText());
            RawWebSocket.ServerFrame close = client.expectClose();
            long elapsedMs = (System.nanoTime() - opened) / 1_000_000;
            assertEquals(1001, close.closeCode(), close.toString());
            assertTrue(client.awaitEndOfStream(), "TCP still open after the idle close");
            return elapsedMs;
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Session.setMaxIdleTimeout is honoured: the idle session is closed with 1001 (going away), not before its time")
    void sessionIdleTimeoutClosesTheSession(ConnectorKind kind) throws IOException {
        long elapsed = silentUntilClosed(kind, "/idle/session");
        assertTrue(elapsed >= SESSION_IDLE_MS - 50, "closed after " + elapsed + " ms, before the idle timeout");
        // The close must come (expectClose waits RawWebSocket.READ_TIMEOUT_MS for it); how soon after the timeout is
        // the machine's: a bound of the connector's timeout + 2 s failed at load 20-40 on 2 cores.
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("a session that sets no idle timeout gets the connector's: closed with 1001 once idle that long")
    void connectorIdleTimeoutClosesTheSession(ConnectorKind kind) throws IOException {
        long elapsed = silentUntilClosed(kind, "/idle/connector");
        assertTrue(elapsed >= CONNECTOR_IDLE_MS - 50, "closed after " + elapsed + " ms, before the connector's idle timeout");
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("traffic keeps a session alive past its idle timeout")
    void trafficKeepsTheSessionAlive(ConnectorKind kind) throws IOException {
        // An idle timeout of its own, longer than SESSION_IDLE_MS: a round trip every quarter of it leaves three
        // quarters for the round trip itself, which on a loaded 2-core machine took more than the 200 ms that a
        // round trip every third of 300 ms left. The client's own lateness is measured: a run where the client
        // itself fell silent for the idle timeout proves nothing.
        long idleMs = 1200;
        try (RawWebSocket client = servers.on(kind).connect()) {
            client.open("/idle/session?idle=" + idleMs);
            long opened = System.nanoTime();
            long lastHeard = opened;
            long step = idleMs / 4 * 1_000_000;
            for (int i = 1; i <= 8; i++) {
                long due = opened + i * step;
                Deadline.await("the next round trip to be due", Duration.ofSeconds(5), () -> System.nanoTime() - due >= 0);
                long silence = (System.nanoTime() - lastHeard) / 1_000_000;
                Assumptions.assumeTrue(silence < idleMs, "the client itself was silent " + silence
                        + " ms, past the idle timeout (the machine is overloaded): this run proves nothing");
                client.sendText("still here " + i);
                assertEquals("still here " + i, client.expectText(), "round trip " + i + " after " + silence + " ms");
                lastHeard = System.nanoTime();
            }
        }
    }

    /**
     * Asynchronous sends return at once on both connectors, however slowly the client reads. Jetty queues
     * the whole flood in memory; Corral bounds each session's queue with Jetty's own
     * {@code maxOutgoingFrames} (256 frames unless the application set it) and fails the sends beyond it
     * at once with a {@link java.nio.channels.WritePendingException}, as Jetty does past that setting,
     * keeping the session open. Every message whose send was accepted arrives, in order, once the client
     * reads.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("async sends to a client that stops reading return at once; Corral bounds what is queued and fails the rest clearly")
    void asyncSendsToASlowReaderReturnAtOnce(ConnectorKind kind) throws IOException {
        String id = "slow-" + kind;
        try (RawWebSocket client = RawWebSocket.connect(servers.on(kind).port(), 16 * 1024)) {
            client.open("/flood?id=" + id);
            client.sendText("flood");
            Deadline.await("the flood to start", EVENT_WAIT, () -> Flooder.FLOODS.containsKey(id));
            Flood flood = Flooder.FLOODS.get(id);
            Deadline.await("the sender to return while the client reads nothing", EVENT_WAIT,
                    () -> flood.senderReturned);
            assertEquals(FLOOD_MESSAGES, flood.started.get());
            assertTrue(flood.completed.get() < FLOOD_MESSAGES, "the client read nothing, yet every send completed");
            if (kind == ConnectorKind.CORRAL) {
                assertTrue(flood.failed.get() > 0, "Corral queued a 16 MiB flood for a client that is not reading: completed "
                        + flood.completed.get() + ", failed " + flood.failed.get());
                assertTrue(FLOOD_MESSAGES - flood.failed.get() - flood.completed.get() <= 256 + 1,
                        "more than the bound waits for the client");
                for (Throwable refused : flood.failures.values()) {
                    assertTrue(refused instanceof java.nio.channels.WritePendingException, String.valueOf(refused));
                }
            } else {
                assertEquals(0, flood.failed.get(), "Jetty queues the whole flood");
            }

            for (int i = 0; i < FLOOD_MESSAGES; i++) {
                if (!flood.failures.containsKey(i)) {
                    assertArrayEquals(message(i), client.expectBinary(), "message " + i);
                }
            }
            if (!flood.failures.containsKey(FLOOD_MESSAGES)) {
                assertEquals("done", client.expectText());
            }
            int accepted = FLOOD_MESSAGES - flood.failures.size() + (flood.failures.containsKey(FLOOD_MESSAGES) ? 1 : 0);
            Deadline.await("every accepted send to complete", EVENT_WAIT, () -> flood.completed.get() == accepted);
        }
    }

    /**
     * A write stuck on a client that never reads is ended by the idle timeout (the session closes, the
     * sender is released), and meanwhile another session's idle timeout still fires: the idle timeout
     * must not wait on the stuck write on Jetty's scheduler thread.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("an idle timeout ends a write the client never lets finish, and other sessions' timeouts still fire")
    void idleTimeoutEndsAStuckWrite(ConnectorKind kind) throws IOException {
        String id = "stuck-" + kind;
        try (RawWebSocket stuck = RawWebSocket.connect(servers.on(kind).port(), 16 * 1024);
             RawWebSocket idle = servers.on(kind).connect()) {
            stuck.open("/flood?idle=" + SESSION_IDLE_MS + "&id=" + id);
            stuck.sendText("flood");
            Deadline.await("the flood to start", EVENT_WAIT, () -> Flooder.FLOODS.containsKey(id));
            Flood flood = Flooder.FLOODS.get(id);
            Deadline.awaitSettled("sends started", EVENT_WAIT, Duration.ofMillis(100), () -> flood.started.get());

            // While the flood is stuck, another session idles out as usual.
            idle.open("/idle/session");
            RawWebSocket.ServerFrame close = idle.expectClose();
            assertEquals(1001, close.closeCode(), close.toString());

            Deadline.await("the stuck session to close", EVENT_WAIT, () -> flood.closed != null);
            Deadline.await("the sender to be released", EVENT_WAIT, () -> flood.senderReturned);
            assertTrue(flood.completed.get() < FLOOD_MESSAGES, "the flood was not stuck");
        }
    }
}
