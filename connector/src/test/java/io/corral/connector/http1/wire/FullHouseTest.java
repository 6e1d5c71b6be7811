package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.ListenerStats;
import io.corral.connector.testing.ControlClients;
import io.corral.connector.websocket.WebSocketConfig;
import io.corral.connector.websocket.WebSocketHandler;
import io.corral.connector.websocket.WebSocketSession;
import io.corral.connector.websocket.WebSocketUpgrade;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A full house does not lock new clients out (issue 18): at the connection limit the listener closes the
 * connection that has waited longest for a request to begin and admits the new client, while connections in
 * the middle of a request and WebSockets are never chosen. Flooded at CI scale — hundreds of idle connections
 * against a limit of 100 — with a keep-alive client and a new-connection client as controls, which must see no
 * error and no request slower than a second.
 */
class FullHouseTest {

    private static final int LIMIT = 100;
    private static final int FLOOD = 400;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long WORST_ALLOWED_NANOS = Duration.ofSeconds(1).toNanos();
    /**
     * The bound under a reconnecting flood, where this JVM runs 300 attackers that never stop coming back, the server
     * and the controls on two shared cores: 1 s held at load 13 (worst 520–580 ms) but not inside the whole suite at
     * load 20 (2.6 s, with no handshake dropped: the accept queue holds every attacker). 3 s still tells a served
     * client from one locked out (its request times out after 10 s) and from one whose handshake the kernel dropped
     * twice (1 s + 3 s); the 1 s is measured at full scale by bench/run-floods.
     */
    private static final long WORST_ALLOWED_UNDER_CHURN_NANOS = Duration.ofSeconds(3).toNanos();

    private final List<Socket> flood = new ArrayList<>();
    /** Newcomers of the pausing-client test that could not connect. */
    private final ConcurrentLinkedQueue<String> newcomerErrors = new ConcurrentLinkedQueue<>();
    private Listener listener;

    private void start(Http1Config config) throws IOException {
        start(config, LIMIT);
    }

    private void start(Http1Config config, int limit) throws IOException {
        Http1Protocol protocol = new Http1Protocol(config, exchange -> {
            String target = exchange.request().target();
            if (target.equals("/ws")) {
                WebSocketUpgrade.upgrade(exchange, new WebSocketHandler() {
                    @Override
                    public void onText(WebSocketSession session, String message) throws Exception {
                        session.sendText(message);
                    }
                }, WebSocketConfig.DEFAULTS);
                return;
            }
            byte[] body = exchange.body().asInputStream().readAllBytes();
            byte[] answer = (target + (body.length > 0 ? " " + body.length : "")).getBytes(StandardCharsets.US_ASCII);
            exchange.response().write(ByteBuffer.wrap(answer), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0).withName("full-house")
                .withMaxConnections(limit), protocol);
        listener.start();
    }

    @AfterEach
    void stop() throws IOException {
        if (listener != null) {
            listener.stop();
        }
        for (Socket socket : flood) {
            socket.close();
        }
    }

    @Test
    @DisplayName("at the limit, idle connections give way to new clients: controls see no error and no request over 1 s")
    void idleConnectionsGiveWayToNewClients() throws Exception {
        // Without the near-full body floor: the body paused mid-request here must outlast the flood to show that
        // eviction never picks it; the floor, which would end it with 408, is TricklingBodyTest's.
        start(Http1Config.DEFAULTS.withMinRequestDataRateNearFull(0));
        RawClient midRequest = new RawClient(listener.localPort());
        RawClient webSocket = new RawClient(listener.localPort());
        try (midRequest; webSocket) {
            // The oldest connections of all, so the first an age-only rule would pick: neither may be closed.
            midRequest.send("POST /post HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345");
            openWebSocket(webSocket);

            AtomicBoolean flooding = new AtomicBoolean(true);
            ControlClients controls = ControlClients.start(() -> RawClient.controlConnection(listener.localPort()));
            try {
                for (int i = 0; i < FLOOD; i++) {
                    Socket socket = new Socket("127.0.0.1", listener.localPort());
                    flood.add(socket);
                    if (i % 2 == 0) {
                        // A keep-alive client that asked once and then went quiet (it hibernates) ...
                        socket.getOutputStream().write("GET /once HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } // ... or one that connected and never said a word.
                    // Paced: a flood, but one a control's 20 ms request rhythm outpaces, and one that comes no faster
                    // than the house can turn over. Half of it asks once and goes quiet, and a connection idle after
                    // an exchange holds its slot for IdleEviction.MIN_WAIT_AFTER_EXCHANGE (1 s): 100 slots admit about
                    // 160 such half-and-half newcomers a second (50 served ones a second take 50 slots for 1 s, 50
                    // silent ones 12 slots for 250 ms). At 2 ms (500 a second) the backlog grew until the
                    // new-connection control waited 1.1-1.5 s for its turn; at 10 ms the house keeps up.
                    Thread.sleep(10);
                }
                Await.until(WAIT, () -> listener.stats().evictedIdle() >= FLOOD - LIMIT,
                        () -> "the flood to be admitted by closing idle connections: " + listener.stats());
            } finally {
                flooding.set(false);
                controls.stop();
            }

            // A connection closed to make room hands its slot on before its own thread has ended: at most 64
            // (ConnectionSupervisor.closingMargin) are still ending beyond the limit, and they end soon.
            Await.until(WAIT, () -> listener.stats().active() <= LIMIT, () -> "the closed ones to end: " + listener.stats());
            ListenerStats stats = listener.stats();
            assertTrue(stats.peak() <= LIMIT + 64, "never over the limit but by connections closing: " + stats);
            assertTrue(controls.errors().isEmpty(), "control clients saw errors: " + controls.errors());
            assertTrue(controls.worstNanos() <= WORST_ALLOWED_NANOS,
                    "worst control request took " + controls.worstNanos() / 1_000_000 + " ms");

            midRequest.send("67890");
            assertEquals("/post 10", midRequest.read().text(), "the request in progress was left alone");
            assertEquals("still here", webSocketEcho(webSocket, "still here"), "the WebSocket was left alone");
        }
    }

    @Test
    @DisplayName("under a reconnecting flood (every attacker closed to make room comes back 200 ms later), controls see no error and no request over 3 s")
    void aReconnectingFloodDoesNotLockNewClientsOut() throws Exception {
        start(Http1Config.DEFAULTS);
        // Three attackers per slot, each coming back 200 ms after the listener closed it to make room, as the
        // full-scale flood's did: the house never empties, every new client must be admitted by an eviction, and
        // the accept queue fills with attackers if the acceptors fall behind.
        int attackers = 3 * LIMIT;
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong reconnects = new AtomicLong();
        List<Thread> attackerThreads = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            boolean asksOnce = i % 2 == 0;
            attackerThreads.add(Thread.ofVirtual().start(() -> reconnectingAttacker(flooding, asksOnce, reconnects)));
        }
        ControlClients controls;
        try {
            Await.until(WAIT, () -> listener.stats().evictedIdle() >= attackers - LIMIT,
                    () -> "the flood to fill the house and be admitted by closing idle connections: " + listener.stats());
            controls = ControlClients.start(() -> RawClient.controlConnection(listener.localPort()));
            long evictedBefore = listener.stats().evictedIdle();
            try {
                // Long enough for each attacker to be closed and come back several times (bounded: WAIT).
                Await.until(WAIT, () -> listener.stats().evictedIdle() - evictedBefore >= 3L * attackers,
                        () -> "the attackers to be closed and come back, again and again: " + listener.stats());
            } finally {
                flooding.set(false);
                controls.stop();
            }
        } finally {
            flooding.set(false);
            for (Thread attacker : attackerThreads) {
                attacker.join();
            }
        }
        assertTrue(reconnects.get() >= attackers, "attackers came back: " + reconnects.get());
        assertTrue(controls.errors().isEmpty(), "control clients saw errors: " + controls.errors());
        assertTrue(controls.worstNanos() <= WORST_ALLOWED_UNDER_CHURN_NANOS,
                "worst control request took " + controls.worstNanos() / 1_000_000 + " ms: " + listener.stats());
        Await.until(WAIT, () -> listener.stats().active() == 0, () -> "every connection to end: " + listener.stats());
    }

    /**
     * Connects, asks once or not at all, holds the connection until the listener closes it, and comes back 200 ms
     * later; for as long as the flood lasts (each read waits at most 200 ms, so it notices the end soon).
     */
    private void reconnectingAttacker(AtomicBoolean flooding, boolean asksOnce, AtomicLong reconnects) {
        byte[] buffer = new byte[512];
        for (int round = 0; flooding.get(); round++) {
            try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
                if (round > 0) {
                    reconnects.incrementAndGet();
                }
                socket.setSoTimeout(200);
                if (asksOnce) {
                    socket.getOutputStream().write("GET /once HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                while (flooding.get()) {
                    try {
                        if (socket.getInputStream().read(buffer) < 0) {
                            break; // closed to make room
                        }
                    } catch (java.net.SocketTimeoutException stillHeld) {
                        // held: look at the flag and wait on
                    }
                }
            } catch (IOException closedOrReset) {
                // closed to make room (a reset, if it had unread bytes): come back like the rest
            }
            if (flooding.get()) {
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos()); // the attacker's reconnect delay
            }
        }
    }

    @Test
    @DisplayName("a keep-alive client whose next request arrives just as the full house admits a newcomer is never the one closed")
    void aRequestThatHasArrivedIsNeverEvicted() throws Exception {
        start(Http1Config.DEFAULTS);
        // The house fills with keep-alive clients that asked once, oldest first: each is the next an age-only rule
        // would close. The full-scale trickle flood lost a control client that way (its request had arrived but
        // was not read yet when an eviction chose it): the listener now peeks at the socket before it closes.
        List<RawClient> house = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                RawClient client = new RawClient(listener.localPort());
                house.add(client);
                assertEquals("/first/" + i, client.send("GET /first/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            }
            long filledAt = System.nanoTime();
            Await.until(WAIT, () -> listener.stats().active() == LIMIT, () -> "the house to fill: " + listener.stats());
            // Every one idle long enough to give way (IdleEviction's minimum wait is 250 ms).
            Await.until(WAIT, () -> System.nanoTime() - filledAt > Duration.ofMillis(300).toNanos(), "the house to age");
            // Each round, the client that has been idle longest (as far as the test can tell: the server marks a
            // connection idle on its own thread, a moment after the answer went out, so the order may differ a
            // little) sends its next request, and a newcomer arrives at once: both race to the server, and the
            // newcomer must make room by closing some other idle connection.
            int rounds = 0;
            for (RawClient client : house) {
                client.setTimeout(1);
                boolean closedForANewcomer = client.isClosedByServer();
                client.setTimeout(10_000);
                if (closedForANewcomer) {
                    continue;
                }
                int round = rounds++;
                client.send("GET /next/" + round + " HTTP/1.1\r\nHost: a\r\n\r\n");
                // Loopback hands a write to a per-CPU queue: a SYN sent from another CPU can overtake it, and then
                // the request is still on its way, not arrived, when the newcomer is admitted — a race no server
                // can win. A millisecond lets it land; nothing the test can observe says when it has.
                LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
                flood.add(new Socket("127.0.0.1", listener.localPort()));
                String answer;
                try {
                    answer = client.read().text();
                } catch (IOException closed) {
                    throw new AssertionError("round " + round + ": closed with its request unanswered: " + listener.stats(), closed);
                }
                assertEquals("/next/" + round, answer, "round " + round + ": the request that had arrived was served");
                // The newcomer is in, and the connection closed for it has ended (its client can see the close).
                Await.until(WAIT, () -> listener.stats().totalClosed() >= round + 1,
                        () -> "the newcomer to be admitted by closing an idle connection: " + listener.stats());
            }
            assertTrue(rounds >= LIMIT / 3, "rounds: " + rounds);
        } finally {
            for (RawClient client : house) {
                client.close();
            }
        }
    }

    @Test
    @DisplayName("a keep-alive client pausing 400 ms between requests outlasts a flood of idle newcomers at a full house, and newcomers that asked once still give way")
    void aKeepAliveClientPausingBetweenRequestsOutlastsAFloodOfIdleNewcomers() throws Exception {
        // A house small enough for the flood to turn it over faster than the client pauses, even on two loaded
        // cores: with one minimum wait for all (250 ms), the client, idle for 250-400 ms of each pause, was soon the
        // longest idle of a house of newcomers that each gave way at 250 ms, and was closed with its next request
        // on the way. A connection that has served an exchange now waits IdleEviction.MIN_WAIT_AFTER_EXCHANGE (1 s).
        int limit = 20;
        int newcomers = 6 * limit;
        long pauseNanos = Duration.ofMillis(400).toNanos();
        start(Http1Config.DEFAULTS, limit);
        List<RawClient> askedOnce = new CopyOnWriteArrayList<>();
        List<RawClient> silent = new CopyOnWriteArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread flooder = null;
        try (RawClient keepAlive = new RawClient(listener.localPort())) {
            assertEquals("/keep-alive/0", keepAlive.send("GET /keep-alive/0 HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
            // Half connect and say nothing, half ask once and then go quiet: a flood, paced 2 ms apart, that
            // waits in the backlog for the house to make room.
            flooder = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < newcomers && flooding.get(); i++) {
                    try {
                        RawClient newcomer = new RawClient(listener.localPort());
                        if (i % 2 == 0) {
                            askedOnce.add(newcomer.send("GET /once HTTP/1.1\r\nHost: a\r\n\r\n"));
                        } else {
                            silent.add(newcomer);
                        }
                    } catch (IOException e) {
                        newcomerErrors.add("newcomer " + i + ": " + e);
                    }
                    LockSupport.parkNanos(Duration.ofMillis(2).toNanos());
                }
            });
            // Ten requests, each after a 400 ms pause that starts when the answer to the one before is read:
            // about 4 s, long enough for the whole flood to be admitted.
            for (int i = 1; i <= 10; i++) {
                LockSupport.parkNanos(pauseNanos);
                String answer;
                try {
                    answer = keepAlive.send("GET /keep-alive/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().text();
                } catch (IOException closed) {
                    throw new AssertionError("the keep-alive client was closed during pause " + i + ": " + listener.stats(), closed);
                }
                assertEquals("/keep-alive/" + i, answer);
            }
            flooder.join();
            assertTrue(newcomerErrors.isEmpty(), "newcomers could not connect: " + newcomerErrors);
            // Every newcomer admitted, each by closing an idle one, the keep-alive client never among them.
            int closedForNewcomers = newcomers - (limit - 1);
            Await.until(WAIT, () -> listener.stats().evictedIdle() >= closedForNewcomers,
                    () -> "every newcomer to be admitted: " + listener.stats());
            assertEquals(closedForNewcomers, listener.stats().evictedIdle(), "one closed per newcomer: " + listener.stats());
            assertEquals("/keep-alive/11", keepAlive.send("GET /keep-alive/11 HTTP/1.1\r\nHost: a\r\n\r\n").read().text());

            // Silent ones give way first, but there were fewer of them than newcomers to admit: the rest of the
            // room was made by closing newcomers that had asked once, each answered before it was closed.
            for (RawClient newcomer : askedOnce) {
                assertEquals("/once", newcomer.read().text(), "a newcomer's request is answered");
                newcomer.setTimeout(1);
            }
            int servedThenClosed = closedForNewcomers - silent.size();
            Await.until(WAIT, () -> closedByServer(askedOnce) >= servedThenClosed,
                    () -> "newcomers that asked once to give way too: " + closedByServer(askedOnce) + " closed");
        } finally {
            flooding.set(false);
            if (flooder != null) {
                flooder.join();
            }
            for (RawClient newcomer : askedOnce) {
                newcomer.close();
            }
            for (RawClient newcomer : silent) {
                newcomer.close();
            }
        }
    }

    /** How many of {@code clients}, whose answers were read, the server has closed since. */
    private static long closedByServer(List<RawClient> clients) {
        long closed = 0;
        for (RawClient client : clients) {
            try {
                if (client.socket().isInputShutdown() || client.isClosedByServer()) {
                    client.socket().shutdownInput(); // counted: not read again
                    closed++;
                }
            } catch (IOException e) {
                closed++;
            }
        }
        return closed;
    }

    @Test
    @DisplayName("with eviction off, a full house keeps new clients in the backlog (Ranch's backpressure)")
    void withEvictionOffTheBacklogHoldsNewClients() throws Exception {
        start(Http1Config.DEFAULTS);
        listener.setEvictIdleAtLimit(false);
        for (int i = 0; i < LIMIT; i++) {
            flood.add(new Socket("127.0.0.1", listener.localPort()));
        }
        Await.until(WAIT, () -> listener.stats().active() == LIMIT, () -> "the house to fill: " + listener.stats());
        try (RawClient late = new RawClient(listener.localPort())) {
            late.setTimeout(300);
            late.send("GET /late HTTP/1.1\r\nHost: a\r\n\r\n");
            assertFalse(late.isClosedByServer(), "nothing serves nor closes a client in the backlog");
            listener.setEvictIdleAtLimit(true); // live: the waiting acceptor now makes room
            late.setTimeout(10_000);
            assertEquals("/late", late.read().text());
            // The late client still holds its connection: the only one that can end is the one closed for it.
            Await.until(WAIT, () -> listener.stats().totalClosed() == 1, () -> "the one closed to end: " + listener.stats());
        }
        assertEquals(1, listener.stats().evictedIdle());
        assertEquals(0, listener.stats().failed(), "closed to make room is not a failure: " + listener.stats());
    }

    private static void openWebSocket(RawClient client) throws IOException {
        client.send("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertEquals(101, client.read(true).status());
    }

    /** Sends one masked text frame and reads the unmasked frame that comes back. */
    private static String webSocketEcho(RawClient client, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        client.send(frame);
        InputStream in = client.socket().getInputStream();
        byte[] head = in.readNBytes(2);
        assertEquals((byte) 0x81, head[0], "a text frame");
        return new String(in.readNBytes(head[1] & 0x7F), StandardCharsets.UTF_8);
    }
}
