package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Ranch's {@code stampede_SUITE}, Corral style: Ranch kills its own processes at random to prove the
 * supervision tree heals; here clients connect in a crowd far above the connection limit, send partial
 * bytes, vanish with a FIN or a RST, or make the protocol crash — all at once. Afterwards nothing may be
 * left: no live connection, no leaked slot (a new client is served at once), no thread, no descriptor.
 */
class StampedeTest {

    private static final int CLIENTS = 1_500;
    private static final int AT_ONCE = 200;
    private static final int MAX_CONNECTIONS = 64;
    private static final long SEED = Long.getLong("corral.stampede.seed", 0x5EED_C0A1L);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(15);

    /** What one client does before it disappears. */
    enum Fate {
        CLOSE_AT_ONCE, RESET_AT_ONCE, PARTIAL_THEN_CLOSE, PARTIAL_THEN_RESET, ECHO_THEN_CLOSE, CRASH_THE_PROTOCOL
    }

    @Test
    void aCrowdOfVanishingClientsLeavesNothingBehind() throws Exception {
        ResourceCensus baseline = ResourceCensus.take();
        ProtocolProbe probe = new ProtocolProbe(connection -> {
            connection.setReadTimeout(Duration.ofSeconds(10)); // a lost FIN must not hold a slot forever
            byte[] first = new byte[1];
            if (connection.read(first, 0, 1) < 0) {
                return;
            }
            if (first[0] == '!') {
                throw new IllegalStateException("crash requested by the client");
            }
            connection.write(first, 0, 1);
            ProtocolProbe.echo(connection);
        });
        Listener listener = new Listener(TestClient.loopbackConfig("stampede")
                .withMaxConnections(MAX_CONNECTIONS).withAcceptors(2).withBacklog(1024), probe);
        listener.start();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();

        Map<Fate, AtomicInteger> planned = new EnumMap<>(Fate.class);
        Map<Fate, AtomicInteger> fulfilled = new EnumMap<>(Fate.class);
        for (Fate fate : Fate.values()) {
            planned.put(fate, new AtomicInteger());
            fulfilled.put(fate, new AtomicInteger());
        }
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        Semaphore crowd = new Semaphore(AT_ONCE);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> runs = new ArrayList<>(CLIENTS);
            for (int i = 0; i < CLIENTS; i++) {
                SplittableRandom random = new SplittableRandom(SEED + i);
                Fate fate = Fate.values()[random.nextInt(Fate.values().length)];
                planned.get(fate).incrementAndGet();
                runs.add(clients.submit(() -> {
                    crowd.acquire();
                    try {
                        if (runClient(address, fate, random)) {
                            fulfilled.get(fate).incrementAndGet();
                        }
                    } finally {
                        crowd.release();
                    }
                    return null;
                }));
            }
            for (Future<?> run : runs) {
                run.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        }
        String seed = " (seed " + SEED + ")";
        assertEquals(planned.get(Fate.ECHO_THEN_CLOSE).get(), fulfilled.get(Fate.ECHO_THEN_CLOSE).get(),
                "every client that waited for its echo got it" + seed);
        assertEquals(planned.get(Fate.CRASH_THE_PROTOCOL).get(), fulfilled.get(Fate.CRASH_THE_PROTOCOL).get(),
                "every crashed protocol's connection was closed" + seed);

        Await.until(Duration.ofSeconds(10), () -> listener.stats().active() == 0,
                () -> "every connection has ended: " + listener.stats() + seed);
        ListenerStats stats = listener.stats();
        assertEquals(stats.totalAccepted(), stats.totalClosed(), seed);
        assertTrue(stats.peak() <= MAX_CONNECTIONS, "never over the limit: " + stats + seed);
        assertTrue(stats.totalAccepted() <= CLIENTS, stats + seed);
        assertTrue(stats.failed() >= planned.get(Fate.CRASH_THE_PROTOCOL).get(), stats + seed);
        assertEquals(0, stats.acceptErrors(), seed);

        try (TestClient survivor = TestClient.connect(listener)) {
            survivor.assertEchoes("every slot came back");
        }
        listener.stop();
        assertEquals(List.of(), probe.aliveThreads(), seed);
        ResourceCensus.awaitBackTo(baseline, Duration.ofSeconds(10));
    }

    /** Plays one client's fate; returns whether what it expected from the server happened. */
    private static boolean runClient(InetSocketAddress address, Fate fate, SplittableRandom random) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.connect(address, 10_000);
            byte[] partial = new byte[1 + random.nextInt(2_000)];
            random.nextBytes(partial);
            partial[0] = 'p'; // anything but the crash request
            switch (fate) {
                case CLOSE_AT_ONCE -> { }
                case RESET_AT_ONCE -> socket.setSoLinger(true, 0);
                case PARTIAL_THEN_CLOSE -> socket.getOutputStream().write(partial, 0, 1 + random.nextInt(partial.length));
                case PARTIAL_THEN_RESET -> {
                    socket.getOutputStream().write(partial, 0, 1 + random.nextInt(partial.length));
                    socket.setSoLinger(true, 0);
                }
                case ECHO_THEN_CLOSE -> {
                    socket.getOutputStream().write(partial);
                    assertArrayEquals(partial, socket.getInputStream().readNBytes(partial.length));
                }
                case CRASH_THE_PROTOCOL -> {
                    socket.getOutputStream().write('!');
                    return closedByServer(socket.getInputStream());
                }
            }
            return true;
        }
    }

    private static boolean closedByServer(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException reset) {
            return true;
        }
    }
}
