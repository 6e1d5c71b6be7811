package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The trickle flood in small (issue 18): {@value #CONCURRENT} POSTs to an echo servlet at once, each body trickling
 * in, so that every one is inside the servlet with a response begun while it waits for the rest of its body. The
 * servlet's {@code HttpOutput} holds a pooled 32 KiB direct buffer (Jetty's default {@code outputBufferSize}) from
 * its first write to the end of the exchange, on either connector; when the burst is over, the connector's
 * {@code ByteBufferPool} keeps those buffers. Jetty's own pool keeps them for the life of the process (up to an
 * eighth of the heap's maximum, as direct memory): the figures show it for ServerConnector, the reference. Corral's
 * connector hands Jetty a pool that gives them back once they have been unused for its retention window (a
 * difference on purpose, in the README).
 */
class BufferPoolRetentionDifferentialTest {

    private static final int CONCURRENT = 300;
    /** How many pooled buffers Corral's pool may keep once the burst is over: a handful, not the burst's. */
    private static final int RETAINED_AFTER_BURST = 8;
    /** Jetty's default {@code HttpConfiguration.outputBufferSize}: what each exchange's response holds. */
    private static final long OUTPUT_BUFFER = 32 * 1024;

    /** As the war-sample's {@code POST /echo}, counting the exchanges that wrote their first bytes. */
    static final class TrickleEchoServlet extends HttpServlet {
        final CountDownLatch echoing = new CountDownLatch(CONCURRENT);

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentLengthLong(request.getContentLengthLong());
            InputStream in = request.getInputStream();
            OutputStream out = response.getOutputStream();
            byte[] chunk = new byte[8192];
            boolean first = true;
            for (int read; (read = in.read(chunk)) >= 0; ) {
                out.write(chunk, 0, read);
                if (first) {
                    first = false;
                    echoing.countDown();
                }
            }
        }
    }

    /**
     * What the pool holds: pooled buffers (in use or idle) and their bytes, and the bytes of buffers it lent that
     * are not pooled yet (allocated when nothing pooled fitted; they join the pool when given back).
     */
    record Retained(long directBuffers, long directBytes, long heapBuffers, long heapBytes, long inUseBytes) {
        static Retained of(ArrayByteBufferPool pool) {
            long inUse = pool.getDirectMemory() - pool.getAvailableDirectMemory() + pool.getHeapMemory()
                    - pool.getAvailableHeapMemory() + pool.getReserved();
            return new Retained(pool.getDirectByteBufferCount(), pool.getDirectMemory(),
                    pool.getHeapByteBufferCount(), pool.getHeapMemory(), inUse);
        }

        long buffers() {
            return directBuffers + heapBuffers;
        }

        @Override
        public String toString() {
            return directBuffers + " direct (" + directBytes / 1024 + " KiB), " + heapBuffers + " heap ("
                    + heapBytes / 1024 + " KiB), " + inUseBytes / 1024 + " KiB lent";
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aBurstOfTricklingPostsLeavesNoBuffersBehind(ConnectorKind kind) throws Exception {
        TrickleEchoServlet servlet = new TrickleEchoServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/echo", servlet)
                // ServerConnector serves a blocking servlet on a pool thread: enough of them for the whole burst,
                // so that both connectors serve the same concurrency.
                .server(s -> ((QueuedThreadPool) s.getThreadPool()).setMaxThreads(CONCURRENT + 64))
                .start()) {
            ArrayByteBufferPool pool = (ArrayByteBufferPool) server.connector().getByteBufferPool();
            if (pool instanceof TrimmedByteBufferPool trimmed) {
                // A second instead of 20: the burst's buffers go at the trimmer's first ticks (every 5 s) after it.
                trimmed.setRetentionWindow(Duration.ofSeconds(1));
            }
            Retained before = Retained.of(pool);
            List<RawConnection> clients = new ArrayList<>();
            try {
                for (int i = 0; i < CONCURRENT; i++) {
                    clients.add(server.connect().send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\na"));
                }
                assertTrue(servlet.echoing.await(60, TimeUnit.SECONDS),
                        () -> "every exchange echoing its first byte; " + servlet.echoing.getCount() + " not yet");
                Retained waiting = Retained.of(pool);
                if (server.connector() instanceof CorralConnector corral) {
                    // Nor do Corral's own input buffers wait with them (Jetty's connection, too, holds its request
                    // buffer only while bytes are there): each waits in a small array of its own.
                    Await.until("the waiting connections to give their input buffers back", Duration.ofSeconds(30),
                            () -> corral.getBorrowedBuffers() <= RETAINED_AFTER_BURST);
                }
                for (RawConnection client : clients) {
                    client.send("b");
                }
                for (RawConnection client : clients) {
                    RawResponse response = client.read();
                    assertEquals(200, response.status(), response.toString());
                    assertEquals("ab", response.text());
                }
                Retained after = Retained.of(pool);
                System.out.printf("%s: pool before %s; %d exchanges waiting for their bodies %s; after %s%n",
                        kind, before, CONCURRENT, waiting, after);
                // Each waiting exchange holds its response's buffer, the same on both connectors, and nothing more
                // on Corral's: it borrows for the request body only once body bytes are there, and gives back.
                assertTrue(waiting.inUseBytes() >= CONCURRENT * OUTPUT_BUFFER, () -> "lent " + waiting);
                if (server.connector() instanceof CorralConnector corral) {
                    assertTrue(waiting.inUseBytes() <= (CONCURRENT + RETAINED_AFTER_BURST) * OUTPUT_BUFFER,
                            () -> "lent " + waiting);
                }
            } finally {
                for (RawConnection client : clients) {
                    client.close();
                }
            }
            Await.until("every connection to be gone", Duration.ofSeconds(30),
                    () -> server.connector().getConnectedEndPoints().isEmpty());
            if (kind == ConnectorKind.JETTY) {
                // The reference: Jetty's pool keeps what the burst used.
                assertTrue(Retained.of(pool).directBuffers() >= CONCURRENT, () -> "retained " + Retained.of(pool));
                return;
            }
            long start = System.nanoTime();
            Await.until("the pool to give the burst's buffers back (holds " + Retained.of(pool) + ")",
                    Duration.ofSeconds(60), () -> Retained.of(pool).buffers() <= RETAINED_AFTER_BURST);
            System.out.printf("%s: pool %s %d ms after the burst%n", kind, Retained.of(pool),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            assertTrue(server.server().dump().contains(TrimmedByteBufferPool.class.getSimpleName() + "@"),
                    "the operator sees the pool in the server's dump, under the connector");
        }
    }
}
