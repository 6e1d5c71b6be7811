package io.corral.jetty.websocket;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.testing.ProcessCensus;
import io.corral.connector.websocket.FrameWriter;
import io.corral.jetty.ConnectorKind;
import io.corral.jetty.CorralConnector;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's leak check, on the path users run (Jetty, a servlet and a Jakarta endpoint on
 * {@link CorralConnector}): connections opened and closed in every way a client has — HTTP keep-alive,
 * {@code Connection: close}, a WebSocket with its close handshake, and clients that vanish mid-head,
 * mid-body, mid-response or mid-frame — and afterwards the process is back where it started: open file
 * descriptors, platform and virtual threads, the connector's borrowed buffers, and the heap after full GCs
 * (less what the buffer pools keep for reuse, which they bound and give back on their own schedule).
 *
 * <p>10,000 connections in the test suite; {@code bin/soak --leak} runs 100,000
 * ({@code -Dcorral.leak.connections}). Prints its figures on one line.
 */
class ConnectionLeakTest {

    private static final int CONNECTIONS = Integer.getInteger("corral.leak.connections", 10_000);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(Long.getLong("corral.leak.seconds", 300));
    private static final int CLIENTS = 16;
    /**
     * What the heap may keep beyond its starting level: the JIT, class data and Jetty's caches settle over the
     * first connections (a warm-up goes first), and collections leave a little floating garbage. A leak of even
     * 100 bytes per connection would show as 1 MB at 10,000 connections, 10 MB at 100,000.
     */
    private static final long HEAP_SLACK = 3L * 1024 * 1024;

    @ServerEndpoint("/leak/echo")
    public static class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }

        /** Clients that vanish mid-frame end their sessions with an error: expected here, not worth a WARN. */
        @OnError
        public void vanished(Throwable cause) {
        }
    }

    /** POST echoes the body; GET /leak/big sends 256 KiB, any other GET a word. */
    public static final class EchoServlet extends HttpServlet {
        private static final byte[] BIG = new byte[256 * 1024];

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getRequestURI().endsWith("/big") ? BIG : "ok".getBytes(ISO_8859_1);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }

    /** How a connection lives and ends. */
    enum Way {
        KEEP_ALIVE, CONNECTION_CLOSE, WEBSOCKET, VANISH_MID_HEAD, VANISH_MID_BODY, VANISH_MID_RESPONSE,
        VANISH_MID_FRAME;

        /** Whether the client expects a complete, correct exchange (any failure then is an error). */
        boolean completes() {
            return this == KEEP_ALIVE || this == CONNECTION_CLOSE || this == WEBSOCKET;
        }
    }

    @Test
    void connectionsOpenedAndClosedInEveryWayLeaveNothingBehind() throws Exception {
        assumeTrue(ProcessCensus.available(), "needs /proc/self/fd to count file descriptors");
        try (BridgeServer server = BridgeServer.on(ConnectorKind.CORRAL)
                .jakartaEndpoints(Echo.class)
                .context(context -> context.addServlet(EchoServlet.class, "/leak/*"))
                // Jetty's pool threads beyond its minimum end after this long idle: they are Jetty's, not leaks.
                .server(jetty -> ((QueuedThreadPool) jetty.getThreadPool()).setIdleTimeout(500))
                .start()) {
            CorralConnector connector = (CorralConnector) server.connector();
            // A warm-up of the same mix first: the JIT, lazily loaded classes, the JDK's pollers and Jetty's
            // caches are there for good after it, so the census counts what the connections themselves keep.
            run(server, Math.max(1_000, CONNECTIONS / 10));
            Snapshot before = settle(server, connector);

            long started = System.nanoTime();
            Map<Way, Integer> done = run(server, CONNECTIONS);
            double seconds = (System.nanoTime() - started) / 1e9;
            Snapshot after = settle(server, connector);

            System.out.printf("corral leak check: %,d connections in %.1f s (%s); descriptors %d -> %d, platform"
                            + " threads %d -> %d, virtual threads %d -> %d, borrowed buffers %d -> %d (chunks %d -> %d),"
                            + " heap after GC less pools %.1f -> %.1f MiB (%+.0f bytes per connection)%n",
                    CONNECTIONS, seconds, done, before.census.descriptors(), after.census.descriptors(),
                    before.census.platformThreads(), after.census.platformThreads(),
                    before.census.virtualThreads(), after.census.virtualThreads(),
                    before.borrowedBuffers, after.borrowedBuffers, before.borrowedChunks, after.borrowedChunks,
                    before.heap() / 1048576.0, after.heap() / 1048576.0,
                    (double) (after.heap() - before.heap()) / CONNECTIONS);

            assertTrue(after.census.descriptors() <= before.census.descriptors(),
                    () -> "descriptors left open: " + ProcessCensus.openDescriptors());
            assertTrue(after.census.platformThreads() <= before.census.platformThreads(),
                    () -> "platform threads left: " + ProcessCensus.livePlatformThreads());
            assertTrue(after.census.virtualThreads() <= before.census.virtualThreads(), "virtual threads left");
            assertEquals(before.borrowedBuffers, after.borrowedBuffers, "HTTP buffers never given back");
            assertEquals(before.borrowedChunks, after.borrowedChunks, "WebSocket chunks never given back");
            assertTrue(after.heap() - before.heap() <= HEAP_SLACK, "heap grew by "
                    + (after.heap() - before.heap()) + " bytes over " + CONNECTIONS + " connections");
        }
    }

    /** The census once every connection has ended and the pools' and Jetty's threads have gone idle. */
    private static Snapshot settle(BridgeServer server, CorralConnector connector) {
        Deadline.await("every connection closed; now " + connector.getActiveConnections(), Duration.ofSeconds(30),
                () -> connector.getActiveConnections() == 0 && connector.getBorrowedBuffers() == 0);
        QueuedThreadPool jettyThreads = (QueuedThreadPool) server.connector().getServer().getThreadPool();
        Deadline.await("Jetty's pool back to its minimum", Duration.ofSeconds(30),
                () -> jettyThreads.getThreads() <= jettyThreads.getMinThreads());
        ProcessCensus census = ProcessCensus.take();
        ByteBufferPool jettyPool = server.connector().getByteBufferPool();
        long jettyPooled = jettyPool instanceof ArrayByteBufferPool pool ? pool.getHeapMemory() : 0;
        long corralPooled = (long) connector.getPooledBuffers() * 16 * 1024;
        return new Snapshot(census, connector.getBorrowedBuffers(), FrameWriter.borrowedChunks(),
                jettyPooled + corralPooled);
    }

    private record Snapshot(ProcessCensus census, int borrowedBuffers, int borrowedChunks, long pooledBytes) {
        long heap() {
            return census.heapAfterGc() - pooledBytes;
        }
    }

    /** Opens and ends {@code count} connections, the ways in turn, from {@link #CLIENTS} clients at once. */
    private static Map<Way, Integer> run(BridgeServer server, int count) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Map<Way, AtomicInteger> done = new EnumMap<>(Way.class);
        for (Way way : Way.values()) {
            done.put(way, new AtomicInteger());
        }
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count && System.nanoTime() < deadline;
                            i = next.getAndIncrement()) {
                        Way way = Way.values()[i % Way.values().length];
                        try {
                            play(server.port(), way);
                            done.get(way).incrementAndGet();
                        } catch (IOException | AssertionError e) {
                            if (way.completes()) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e);
                            } else {
                                done.get(way).incrementAndGet(); // a vanishing client may see a reset: fine
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get(TIME_LIMIT.toSeconds() + 60, TimeUnit.SECONDS);
            }
        }
        if (errors.get() > 0) {
            throw new AssertionError(errors.get() + " connections failed", firstError.get());
        }
        int total = done.values().stream().mapToInt(AtomicInteger::get).sum();
        if (total < count) {
            fail("only " + total + " of " + count + " connections within " + TIME_LIMIT);
        }
        Map<Way, Integer> counts = new EnumMap<>(Way.class);
        done.forEach((way, n) -> counts.put(way, n.get()));
        return counts;
    }

    private static void play(int port, Way way) throws IOException {
        try (RawWebSocket client = RawWebSocket.connect(port)) {
            switch (way) {
                case KEEP_ALIVE -> {
                    for (int i = 0; i < 3; i++) {
                        client.send(http("POST /leak/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"));
                        assertEquals("hello", client.readResponse().body());
                    }
                }
                case CONNECTION_CLOSE -> {
                    client.send(http("GET /leak/word HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"));
                    assertEquals("ok", client.readResponse().body());
                    assertTrue(client.awaitEndOfStream(), "the server closes after Connection: close");
                }
                case WEBSOCKET -> {
                    client.open("/leak/echo");
                    client.sendText("hello");
                    assertEquals("hello", client.expectText());
                    client.send(RawWebSocket.closeFrame(1000, ""));
                    client.expectClose();
                    assertTrue(client.awaitEndOfStream(), "the server closes after the close handshake");
                }
                case VANISH_MID_HEAD -> {
                    client.send(http("GET /leak/word HTTP/1.1\r\nHo"));
                    reset(client);
                }
                case VANISH_MID_BODY -> client.send(
                        http("POST /leak/echo HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly a part"));
                case VANISH_MID_RESPONSE -> {
                    client.send(http("GET /leak/big HTTP/1.1\r\nHost: a\r\n\r\n"));
                    client.socket().getInputStream().readNBytes(100);
                    reset(client);
                }
                case VANISH_MID_FRAME -> {
                    client.open("/leak/echo");
                    byte[] frame = RawWebSocket.textFrame("a message cut short");
                    client.send(java.util.Arrays.copyOf(frame, frame.length / 2));
                    reset(client);
                }
            }
        }
    }

    /** Ends the connection with a TCP reset instead of a FIN when the socket closes. */
    private static void reset(RawWebSocket client) throws IOException {
        client.socket().setSoLinger(true, 0);
    }

    private static byte[] http(String text) {
        return text.getBytes(ISO_8859_1);
    }
}
