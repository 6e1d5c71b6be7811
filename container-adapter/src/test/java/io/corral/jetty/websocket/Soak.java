package io.corral.jetty.websocket;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.ProcessCensus;
import io.corral.connector.websocket.FrameWriter;
import io.corral.jetty.ConnectorKind;
import io.corral.jetty.CorralConnector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * The soak (issue 12; not in CI — its name is not a test name, so surefire runs it only when asked:
 * {@code bin/soak}, or {@code -Dtest=Soak}): mixed HTTP and WebSocket load on {@link CorralConnector} under
 * Jetty for {@code corral.soak.minutes} (10 by default), then its figures. HTTP clients post bodies of random
 * sizes on keep-alive connections and now and then end one with {@code Connection: close}; WebSocket clients
 * echo messages of random sizes, some with permessage-deflate, and now and then close and reconnect; a control
 * client times one small request every 50 ms. Every answer is checked. Once a minute the heap is measured
 * after full GCs. It passes with zero errors, a flat heap (the last minute's within 4 MiB of the first's, the
 * pools' reusable buffers aside) and, once the load stops, the descriptors, threads and buffers it started
 * with.
 */
class Soak {

    private static final int MINUTES = Integer.getInteger("corral.soak.minutes", 10);
    private static final int HTTP_CLIENTS = 8;
    private static final int WEBSOCKET_CLIENTS = 8;
    private static final long HEAP_SLACK = 4L * 1024 * 1024;
    private static final Duration WARM_UP = Duration.ofSeconds(20);

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();

    @Test
    void mixedLoadForMinutes() throws Exception {
        try (BridgeServer server = BridgeServer.on(ConnectorKind.CORRAL)
                .jakartaEndpoints(FaultIsolationTest.Echo.class)
                .context(context -> context.addServlet(FaultIsolationTest.FaultyServlet.class, "/fault/*"))
                .server(jetty -> ((QueuedThreadPool) jetty.getThreadPool()).setIdleTimeout(500))
                .start()) {
            CorralConnector connector = (CorralConnector) server.connector();
            // A warm-up of the same mix first, as the leak check has: the JIT, lazily loaded classes, the JDK's
            // pollers and Jetty's scheduler are there for good after it, so the census counts what the load keeps.
            try (ExecutorService clients = Executors.newFixedThreadPool(HTTP_CLIENTS + WEBSOCKET_CLIENTS)) {
                for (Future<?> client : startClients(clients, server, System.nanoTime() + WARM_UP.toNanos(), 1_000)) {
                    client.get(2, TimeUnit.MINUTES);
                }
            }
            settle(server, connector);
            requests.set(0);
            messages.set(0);
            connections.set(0);
            ProcessCensus before = ProcessCensus.take();
            long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
            List<String> minutes = new ArrayList<>();
            List<Long> heaps = new ArrayList<>();
            List<Long> control = new ArrayList<>();
            try (ExecutorService clients = Executors.newFixedThreadPool(HTTP_CLIENTS + WEBSOCKET_CLIENTS)) {
                List<Future<?>> running = startClients(clients, server, end, 0);
                try (RawWebSocket timing = RawWebSocket.connect(server.port())) {
                    long nextMinute = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        timing.send(http("GET /fault/word HTTP/1.1\r\nHost: a\r\n\r\n"));
                        assertEquals("ok", timing.readResponse().body());
                        control.add(System.nanoTime() - start);
                        if (System.nanoTime() >= nextMinute) {
                            nextMinute += TimeUnit.MINUTES.toNanos(1);
                            long heap = ProcessCensus.heapAfterFullGc() - pooledBytes(server, connector);
                            heaps.add(heap);
                            minutes.add(String.format("minute %d: %,d requests, %,d messages, %,d connections,"
                                            + " %d errors, control p50 %s p99 %s, heap after GC %.1f MiB",
                                    heaps.size(), requests.get(), messages.get(), connections.get(), errors.get(),
                                    percentile(control, 50), percentile(control, 99), heap / 1048576.0));
                            System.out.println("corral soak: " + minutes.getLast());
                            control.clear();
                        }
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the control client's pace
                    }
                }
                for (Future<?> client : running) {
                    client.get(2, TimeUnit.MINUTES);
                }
            }
            settle(server, connector);
            ProcessCensus after = ProcessCensus.take();

            System.out.printf("%ncorral soak, %d minutes: %,d HTTP requests, %,d WebSocket messages, %,d connections,"
                            + " %d errors; heap after GC by minute (MiB): %s; descriptors %d -> %d, platform threads"
                            + " %d -> %d, virtual threads %d -> %d, borrowed buffers %d, chunks %d%n",
                    MINUTES, requests.get(), messages.get(), connections.get(), errors.get(),
                    heaps.stream().map(h -> String.format("%.1f", h / 1048576.0)).toList(),
                    before.descriptors(), after.descriptors(), before.platformThreads(), after.platformThreads(),
                    before.virtualThreads(), after.virtualThreads(), connector.getBorrowedBuffers(),
                    FrameWriter.borrowedChunks());
            minutes.forEach(line -> System.out.println("  " + line));

            assertEquals(0, errors.get(), () -> "errors, the first: " + firstError.get());
            if (heaps.size() >= 2) {
                assertTrue(heaps.getLast() - heaps.getFirst() <= HEAP_SLACK, "heap after GC grew from "
                        + heaps.getFirst() + " to " + heaps.getLast() + " bytes");
            }
            assertTrue(after.descriptors() <= before.descriptors(), () -> "descriptors: " + ProcessCensus.openDescriptors());
            assertTrue(after.platformThreads() <= before.platformThreads(),
                    () -> "platform threads: " + ProcessCensus.livePlatformThreads());
            assertTrue(after.virtualThreads() <= before.virtualThreads(), "virtual threads left");
        }
    }

    /** Starts the HTTP and WebSocket clients, each running until {@code end}; seeds start at {@code seedBase}. */
    private List<Future<?>> startClients(ExecutorService clients, BridgeServer server, long end, long seedBase) {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < HTTP_CLIENTS; i++) {
            long seed = seedBase + i;
            running.add(clients.submit(() -> guarded(() -> http(server, end, new SplittableRandom(seed)))));
        }
        for (int i = 0; i < WEBSOCKET_CLIENTS; i++) {
            long seed = seedBase + 100 + i;
            boolean deflate = i % 2 == 1;
            running.add(clients.submit(() -> guarded(() -> webSocket(server, end, deflate,
                    new SplittableRandom(seed)))));
        }
        return running;
    }

    /** Once every connection has ended and Jetty's pool is back to its minimum. */
    private static void settle(BridgeServer server, CorralConnector connector) {
        Deadline.await("every connection closed", Duration.ofSeconds(30),
                () -> connector.getActiveConnections() == 0 && connector.getBorrowedBuffers() == 0);
        QueuedThreadPool jettyThreads = (QueuedThreadPool) server.connector().getServer().getThreadPool();
        Deadline.await("Jetty's pool back to its minimum", Duration.ofSeconds(30),
                () -> jettyThreads.getThreads() <= jettyThreads.getMinThreads());
    }

    private interface Load {
        void run() throws Exception;
    }

    /** Runs one client's loop; whatever escapes it counts as an error. */
    private Void guarded(Load load) {
        try {
            load.run();
        } catch (Exception | AssertionError e) {
            error(e);
        }
        return null;
    }

    private void http(BridgeServer server, long end, SplittableRandom random) throws IOException {
        while (System.nanoTime() < end) {
            try (RawWebSocket client = RawWebSocket.connect(server.port())) {
                connections.incrementAndGet();
                int onThisConnection = random.nextInt(1, 100);
                for (int i = 0; i < onThisConnection && System.nanoTime() < end; i++) {
                    boolean last = i == onThisConnection - 1;
                    byte[] body = new byte[random.nextInt(0, 16 * 1024)];
                    Arrays.fill(body, (byte) ('a' + random.nextInt(26)));
                    client.send(http("POST /fault/echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length
                            + (last ? "\r\nConnection: close" : "") + "\r\n\r\n"), body);
                    assertEquals(new String(body, ISO_8859_1), client.readResponse().body());
                    requests.incrementAndGet();
                }
            } catch (IOException | AssertionError e) {
                error(e);
            }
        }
    }

    private void webSocket(BridgeServer server, long end, boolean deflate, SplittableRandom random) {
        while (System.nanoTime() < end) {
            try (RawWebSocket client = RawWebSocket.connect(server.port())) {
                connections.incrementAndGet();
                if (deflate) {
                    client.open("/fault/ws/echo", "Sec-WebSocket-Extensions: permessage-deflate");
                } else {
                    client.open("/fault/ws/echo");
                }
                PermessageDeflate inflater = new PermessageDeflate();
                int onThisSession = random.nextInt(1, 200);
                for (int i = 0; i < onThisSession && System.nanoTime() < end; i++) {
                    char[] text = new char[random.nextInt(1, 4096)];
                    Arrays.fill(text, (char) ('a' + random.nextInt(26)));
                    String message = new String(text);
                    if (deflate) {
                        client.send(RawWebSocket.frame(true, RawWebSocket.RSV1, RawWebSocket.TEXT,
                                PermessageDeflate.compress(RawWebSocket.utf8(message))));
                        RawWebSocket.Message reply = client.expectMessage();
                        byte[] payload = reply.rsv() != 0 ? inflater.decompress(reply.payload()) : reply.payload();
                        assertEquals(message, new String(payload, java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        client.sendText(message);
                        assertEquals(message, client.expectText());
                    }
                    messages.incrementAndGet();
                }
                client.send(RawWebSocket.closeFrame(1000, ""));
                assertEquals(1000, client.expectClose().closeCode());
            } catch (Exception | AssertionError e) {
                error(e);
            }
        }
    }

    private void error(Throwable e) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, e);
    }

    private static long pooledBytes(BridgeServer server, CorralConnector connector) {
        long jetty = server.connector().getByteBufferPool() instanceof ArrayByteBufferPool pool ? pool.getHeapMemory() : 0;
        return jetty + (long) connector.getPooledBuffers() * 16 * 1024;
    }

    private static String percentile(List<Long> nanos, int percent) {
        if (nanos.isEmpty()) {
            return "-";
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        long value = sorted[Math.max(0, sorted.length * percent / 100 - 1)];
        return String.format("%.2f ms", value / 1e6);
    }

    private static byte[] http(String text) {
        return text.getBytes(ISO_8859_1);
    }
}
