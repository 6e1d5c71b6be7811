package io.corral.it.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.it.haproxy.Haproxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: Debian's haproxy in front of two Corral instances, each the war-sample on {@code CorralConnector} in a
 * JVM of its own with the PROXY protocol required, haproxy opening every connection to them with a PROXY v2 header
 * ({@code send-proxy-v2}) and health checking them on {@code /plaintext} with a LOCAL header
 * ({@code check-send-proxy}); the configuration is {@code haproxy/rolling-restart.cfg}, run by the shared
 * {@link Haproxy} launcher. While a bounded load runs through haproxy — keep-alive
 * HTTP clients and WebSocket echo clients — a rolling restart drains instance A ({@code CorralConnector.drain}),
 * stops its JVM, starts a new one on the same port, waits until haproxy routes to it again, then does the same to
 * B. Zero requests may fail, and no WebSocket message may go unanswered except the one a client had in flight when
 * its session was closed with 1001 by a drain (the client then reconnects, through haproxy, to the other
 * instance). Throughout, {@code /whoami} through haproxy from a client on 127.0.0.2 answers 127.0.0.2 and the
 * client's port — also while one instance is down, so each instance is shown to see the client's real address —
 * and no instance refuses a PROXY header. haproxy is installed by {@code src/test/sh/install-haproxy.sh}; the test
 * is skipped, saying why, only when it cannot be.
 */
class RollingRestartTest {

    private static final int HTTP_CLIENTS = 6;
    private static final int WEBSOCKET_CLIENTS = 4;
    /** Bounds the load whatever happens: no client sends more than this. */
    private static final int MAX_PER_CLIENT = 200_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(30);
    private static final String BACKEND = "corral";
    /** Another loopback address than haproxy's own: what the instances see must be the client's, not the proxy's. */
    private static final String CLIENT_ADDRESS = "127.0.0.2";

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installHaproxy() throws Exception {
        Haproxy.assumeInstalled(scratch);
    }

    @Test
    @DisplayName("rolling restart behind haproxy (PROXY v2) under load: zero failed requests, WebSocket messages lost "
            + "only at a 1001, the client's address seen throughout")
    void rollingRestartUnderLoad() throws Exception {
        Path war = Path.of(System.getProperty("war.sample.file"));
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("a", freePort());
        ports.put("b", freePort());
        Map<String, Instance> instances = new LinkedHashMap<>();
        List<Thread> load = new ArrayList<>();
        List<HttpLoadClient> httpClients = new ArrayList<>();
        List<WebSocketEchoClient> webSocketClients = new ArrayList<>();
        AtomicLong answered = new AtomicLong();
        AtomicLong echoed = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Haproxy haproxy = null;
        try {
            for (var instance : ports.entrySet()) {
                instances.put(instance.getKey(), Instance.start(instance.getKey(), instance.getValue(), war, scratch));
            }
            haproxy = Haproxy.fromResource("haproxy/rolling-restart.cfg")
                    .set("SERVER_A", "127.0.0.1:" + ports.get("a"))
                    .set("SERVER_B", "127.0.0.1:" + ports.get("b"))
                    .set("HEALTH_PATH", "/plaintext")
                    .port("FRONT")
                    .start(scratch);
            int front = haproxy.port("FRONT");
            for (String name : ports.keySet()) {
                haproxy.awaitStatus(BACKEND, name, "UP", HEALTH_DEADLINE);
            }

            for (int i = 0; i < HTTP_CLIENTS; i++) {
                HttpLoadClient client = new HttpLoadClient(front, "/plaintext", "Hello, World!",
                        MAX_PER_CLIENT, stop::get, answered);
                httpClients.add(client);
                load.add(Thread.ofVirtual().name("http-load-" + i).start(client));
            }
            for (int i = 0; i < WEBSOCKET_CLIENTS; i++) {
                WebSocketEchoClient client = new WebSocketEchoClient(
                        URI.create("ws://127.0.0.1:" + front + "/ws/echo"), MAX_PER_CLIENT, stop::get, echoed);
                webSocketClients.add(client);
                load.add(Thread.ofVirtual().name("ws-load-" + i).start(client));
            }
            awaitGrowth("load through haproxy", answered::get, 500, echoed::get, 50);
            int whoamis = assertWhoamiIsTheClient(front, 4, "under load, both instances up");

            Map<String, Integer> closedByForce = new LinkedHashMap<>();
            Map<String, Instance.ProxyHeaders> proxyHeaders = new LinkedHashMap<>();
            for (String name : ports.keySet()) {
                Instance old = instances.get(name);
                proxyHeaders.put(name + " before restart", old.proxyHeaders());
                closedByForce.put(name, old.drain(DRAIN_TIMEOUT));
                haproxy.awaitStatus(BACKEND, name, "DOWN", HEALTH_DEADLINE);
                // Only the other instance is routed to now: it is the one that must see the client's address.
                whoamis += assertWhoamiIsTheClient(front, 2, "instance " + name + " down, the other serving");
                old.stop();
                Instance fresh = Instance.start(name, ports.get(name), war, scratch);
                instances.put(name, fresh);
                haproxy.awaitStatus(BACKEND, name, "UP", HEALTH_DEADLINE);
                // Routed to again: far more requests than its health checks (5 a second) could account for.
                awaitGrowth("instance " + name + " to serve clients again", () -> requests(fresh), 300, echoed::get, 0);
            }
            awaitGrowth("load after the restart", answered::get, answered.get() + 200, echoed::get, echoed.get() + 20);
            whoamis += assertWhoamiIsTheClient(front, 4, "under load after the rolling restart");
            for (var instance : instances.entrySet()) {
                proxyHeaders.put(instance.getKey() + " restarted", instance.getValue().proxyHeaders());
            }

            stop.set(true);
            for (Thread thread : load) {
                assertTrue(thread.join(Duration.ofSeconds(60)), thread.getName() + " did not stop");
            }
            List<String> failures = new ArrayList<>();
            httpClients.forEach(client -> failures.addAll(client.failures()));
            webSocketClients.forEach(client -> failures.addAll(client.failures()));
            int goingAway = webSocketClients.stream().mapToInt(WebSocketEchoClient::goingAwayCloses).sum();
            int unansweredAtGoingAway = webSocketClients.stream().mapToInt(WebSocketEchoClient::unansweredAtGoingAway).sum();
            System.out.printf("rolling restart: %d requests answered, %d failed; %d WebSocket echoes, %d sessions "
                            + "closed with 1001 and reconnected (%d messages in flight at those closes); connections "
                            + "closed by force by the drains: %s; haproxy: %s retries, %s redispatches "
                            + "(wretr, wredis); /whoami from %s: %d answered with the client's address; PROXY "
                            + "headers (read, refused, by kind): %s%n", answered.get(), failures.size(), echoed.get(),
                    goingAway, unansweredAtGoingAway, closedByForce, haproxy.stat(BACKEND, "BACKEND", "wretr"),
                    haproxy.stat(BACKEND, "BACKEND", "wredis"), CLIENT_ADDRESS, whoamis, proxyHeaders);
            assertEquals(List.of(), failures, "failed requests or WebSocket messages");
            assertTrue(goingAway >= 1, "no WebSocket session was closed with 1001 by a drain");
            assertEquals(goingAway, unansweredAtGoingAway, "messages lost other than at a 1001 close");
            assertEquals(Map.of("a", 0, "b", 0), closedByForce, "a drain had to close connections by force");
            proxyHeaders.forEach((when, counts) -> {
                // Every connection haproxy opens carries a header (load, WebSocket, checks): at least the two checks
                // (rise 2) that brought the instance UP; that no request failed shows the rest had theirs.
                assertTrue(counts.read() >= 2, "instance " + when + " read no PROXY headers: " + counts);
                assertEquals(0, counts.refused(), "instance " + when + " refused PROXY headers: " + counts);
            });
        } finally {
            stop.set(true);
            for (Thread thread : load) {
                thread.join(Duration.ofSeconds(30));
            }
            if (haproxy != null) {
                haproxy.close();
                // Kept where surefire's reports are: the place to look when this test fails.
                Files.writeString(Path.of("target", "rolling-restart-haproxy.log"), haproxy.log());
            }
            for (Instance instance : instances.values()) {
                instance.close();
            }
        }
    }

    /**
     * {@code count} times {@code GET /whoami} through haproxy from a client bound to {@link #CLIENT_ADDRESS}, each on a
     * connection of its own: the instance that answers must report that address and the client's port (from the
     * PROXY v2 header), and haproxy's frontend as the local end.
     *
     * @return {@code count}
     */
    private static int assertWhoamiIsTheClient(int front, int count, String when) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket client = new Socket()) {
                client.bind(new InetSocketAddress(CLIENT_ADDRESS, 0));
                client.connect(new InetSocketAddress("127.0.0.1", front), 10_000);
                client.setSoTimeout(30_000);
                client.getOutputStream().write("GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(response.startsWith("HTTP/1.1 200 "), when + ": " + response);
                assertEquals("{\"remoteAddr\":\"" + CLIENT_ADDRESS + "\",\"remotePort\":" + client.getLocalPort()
                                + ",\"localAddr\":\"127.0.0.1\",\"localPort\":" + front
                                + ",\"scheme\":\"http\",\"secure\":false}",
                        response.substring(response.indexOf("\r\n\r\n") + 4), when);
            }
        }
        return count;
    }

    private static long requests(Instance instance) {
        try {
            return instance.requests();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits, with a generous deadline, until both counters reach their marks. */
    private static void awaitGrowth(String what, LongSupplier first, long firstMark, LongSupplier second, long secondMark) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (first.getAsLong() < firstMark || second.getAsLong() < secondMark) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what + ": " + first.getAsLong() + "/" + firstMark
                        + ", " + second.getAsLong() + "/" + secondMark);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** An ephemeral loopback port free right now (an instance keeps its port across its restart). */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }
}
