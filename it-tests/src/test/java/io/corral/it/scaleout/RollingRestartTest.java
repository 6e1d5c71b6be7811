package io.corral.it.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out: Debian's haproxy in front of two Corral instances, each the war-sample on {@code CorralConnector} in a
 * JVM of its own, health checked on {@code /plaintext}. While a bounded load runs through haproxy — keep-alive
 * HTTP clients and WebSocket echo clients — a rolling restart drains instance A ({@code CorralConnector.drain}),
 * stops its JVM, starts a new one on the same port, waits until haproxy routes to it again, then does the same to
 * B. Zero requests may fail, and no WebSocket message may go unanswered except the one a client had in flight when
 * its session was closed with 1001 by a drain (the client then reconnects, through haproxy, to the other
 * instance). haproxy is installed by {@code src/test/sh/install-haproxy.sh}; the test is skipped, saying why, only
 * when it cannot be.
 */
class RollingRestartTest {

    private static final int HTTP_CLIENTS = 6;
    private static final int WEBSOCKET_CLIENTS = 4;
    /** Bounds the load whatever happens: no client sends more than this. */
    private static final int MAX_PER_CLIENT = 200_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installHaproxy() throws Exception {
        Path output = scratch.resolve("install-haproxy.txt");
        Process install = new ProcessBuilder("bash", "src/test/sh/install-haproxy.sh")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = install.waitFor(10, TimeUnit.MINUTES);
        Assumptions.assumeTrue(ended && install.exitValue() == 0,
                () -> "haproxy could not be installed: " + read(output));
    }

    @Test
    @DisplayName("rolling restart behind haproxy under load: zero failed requests, WebSocket messages lost only at a 1001")
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
            haproxy = Haproxy.start(freePort(), ports, "/plaintext", scratch);
            for (String name : ports.keySet()) {
                haproxy.awaitStatus(name, "UP", HEALTH_DEADLINE);
            }

            for (int i = 0; i < HTTP_CLIENTS; i++) {
                HttpLoadClient client = new HttpLoadClient(haproxy.port(), "/plaintext", "Hello, World!",
                        MAX_PER_CLIENT, stop::get, answered);
                httpClients.add(client);
                load.add(Thread.ofVirtual().name("http-load-" + i).start(client));
            }
            for (int i = 0; i < WEBSOCKET_CLIENTS; i++) {
                WebSocketEchoClient client = new WebSocketEchoClient(
                        URI.create("ws://127.0.0.1:" + haproxy.port() + "/ws/echo"), MAX_PER_CLIENT, stop::get, echoed);
                webSocketClients.add(client);
                load.add(Thread.ofVirtual().name("ws-load-" + i).start(client));
            }
            awaitGrowth("load through haproxy", answered::get, 500, echoed::get, 50);

            Map<String, Integer> closedByForce = new LinkedHashMap<>();
            for (String name : ports.keySet()) {
                Instance old = instances.get(name);
                closedByForce.put(name, old.drain(DRAIN_TIMEOUT));
                haproxy.awaitStatus(name, "DOWN", HEALTH_DEADLINE);
                old.stop();
                Instance fresh = Instance.start(name, ports.get(name), war, scratch);
                instances.put(name, fresh);
                haproxy.awaitStatus(name, "UP", HEALTH_DEADLINE);
                // Routed to again: far more requests than its health checks (5 a second) could account for.
                awaitGrowth("instance " + name + " to serve clients again", () -> requests(fresh), 300, echoed::get, 0);
            }
            awaitGrowth("load after the restart", answered::get, answered.get() + 200, echoed::get, echoed.get() + 20);

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
                            + "(wretr, wredis)%n", answered.get(), failures.size(), echoed.get(), goingAway,
                    unansweredAtGoingAway, closedByForce, haproxy.stat("BACKEND", "wretr"),
                    haproxy.stat("BACKEND", "wredis"));
            assertEquals(List.of(), failures, "failed requests or WebSocket messages");
            assertTrue(goingAway >= 1, "no WebSocket session was closed with 1001 by a drain");
            assertEquals(goingAway, unansweredAtGoingAway, "messages lost other than at a 1001 close");
            assertEquals(Map.of("a", 0, "b", 0), closedByForce, "a drain had to close connections by force");
        } finally {
            stop.set(true);
            for (Thread thread : load) {
                thread.join(Duration.ofSeconds(30));
            }
            if (haproxy != null) {
                haproxy.close();
                // Kept where surefire's reports are: the place to look when this test fails.
                Files.copy(haproxy.log(), Path.of("target", "rolling-restart-haproxy.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (Instance instance : instances.values()) {
                instance.close();
            }
        }
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

    /** An ephemeral loopback port free right now (the instances and haproxy need theirs before they start). */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
