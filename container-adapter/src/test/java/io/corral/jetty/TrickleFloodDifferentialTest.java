package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.ControlClients;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 18's trickle flood on the servlet path, on both connectors: {@value #TRICKLERS} POSTs each trickling its
 * body at 10 B/s into a servlet that reads it whole, cut by Jetty's {@code minRequestDataRate} (1000 B/s here, set on
 * the {@code HttpConfiguration} both connectors share) with 408 and coming back, while a keep-alive client and a
 * new-connection client GET from the same servlet context. The controls must see no error and no request over a
 * second. Room to spare on Corral (no connection limit reached: its near-full floor is {@code TricklingBodyTest}'s
 * and {@code MinRequestDataRateTest}'s); ServerConnector serves a blocking servlet on a pool thread, so its pool gets
 * a thread for every trickler, as {@code BufferPoolRetentionDifferentialTest} does.
 *
 * <p>Both connectors must cut the tricklers with 408 and give the controls no error. The 1 s bound is issue 18's,
 * for Corral: ServerConnector, the reference, is not held to it, and on this loaded 2-core machine it did not always
 * meet it. Measured in 6 runs at load 10-11 from other builds: Corral's worst 80-306 ms, ServerConnector's
 * 163-1,201 ms. Without the tricklers' 200 ms reconnect delay (about 1,000 408s a second) Corral's worst was
 * 129-869 ms and ServerConnector's 229-1,056 ms in 8 runs at load 11-13: reconnecting at once costs both more than
 * the trickle does.
 */
class TrickleFloodDifferentialTest {

    private static final int TRICKLERS = 300;
    private static final Duration FLOOD_TIME = Duration.ofSeconds(4);
    private static final long WORST_ALLOWED_NANOS = Duration.ofSeconds(1).toNanos();
    private static final String HEAD = "POST /read HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n";

    /** Reads the body whole and says how much it read; GET answers with the path. */
    static final class ReadingServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int length = request.getInputStream().readAllBytes().length;
            response.getWriter().print("read " + length);
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print(request.getRequestURI());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aTrickleFloodDoesNotStallOtherClients(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind)
                .http(config -> config.setMinRequestDataRate(1000))
                .server(s -> ((QueuedThreadPool) s.getThreadPool()).setMaxThreads(TRICKLERS + 64))
                .servlet("/*", new ReadingServlet())
                .start()) {
            // Warm: the first requests to a fresh server (class loading, the servlet's first call, JIT) cost more
            // than the flood is to be charged with.
            for (int i = 0; i < 100; i++) {
                try (RawConnection client = server.connect()) {
                    assertEquals(200, client.send("GET /warm HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
                }
            }

            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicInteger connected = new AtomicInteger();
            AtomicInteger cut = new AtomicInteger();
            List<Thread> tricklers = new ArrayList<>();
            ControlClients controls;
            try {
                for (int i = 0; i < TRICKLERS; i++) {
                    tricklers.add(Thread.ofVirtual().start(() -> trickle(server.port(), flooding, connected, cut)));
                }
                // Measured once the flood is under way: every trickler has connected and sent its head.
                Await.until("the tricklers to connect", Duration.ofSeconds(30), () -> connected.get() >= TRICKLERS);
                // The controls (ControlClients) run on platform threads, as clients in a process of their own.
                controls = ControlClients.start(() -> RawConnection.controlConnection(server.port()));
                try {
                    LockSupport.parkNanos(FLOOD_TIME.toNanos()); // the flood's length; the controls measure throughout
                } finally {
                    controls.stop();
                }
            } finally {
                flooding.set(false);
                for (Thread trickler : tricklers) {
                    trickler.join();
                }
            }
            assertTrue(controls.errors().isEmpty(), kind + ": control clients saw errors: " + controls.errors());
            assertTrue(cut.get() >= TRICKLERS, kind + ": tricklers answered 408: " + cut.get());
            if (kind == ConnectorKind.CORRAL) {
                assertTrue(controls.worstNanos() <= WORST_ALLOWED_NANOS,
                        kind + ": worst control request took " + controls.worstNanos() / 1_000_000 + " ms");
            }
        }
    }

    /** One attacker: trickles a body at 10 B/s until the server answers (408) or cuts it, and 200 ms later again. */
    private static void trickle(int port, AtomicBoolean flooding, AtomicInteger connected, AtomicInteger cut) {
        while (flooding.get()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                out.write(HEAD.getBytes(StandardCharsets.US_ASCII));
                connected.incrementAndGet();
                while (flooding.get() && in.available() == 0) {
                    out.write('x');
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the trickle: 10 bytes a second
                }
                if (in.available() > 0 && new String(in.readNBytes(12), StandardCharsets.US_ASCII).equals("HTTP/1.1 408")) {
                    cut.incrementAndGet();
                }
            } catch (IOException e) {
                // cut off mid-write: go round again while the flood lasts
            }
            if (flooding.get()) {
                // The attacker's reconnect delay, as FullHouseTest's reconnecting flood has.
                LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            }
        }
    }
}
