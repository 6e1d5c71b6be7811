package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stopping the server while a servlet is stuck in a blocking wait: the stop does not hang, the
 * servlet's thread is interrupted, and the client's connection is closed.
 */
class StopWithStuckServletTest {

    static final class StuckServlet extends HttpServlet {
        final CountDownLatch entered = new CountDownLatch(1);
        final CompletableFuture<Throwable> outcome = new CompletableFuture<>();

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) {
            entered.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                outcome.complete(null);
            } catch (Throwable x) {
                outcome.complete(x);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void stopInterruptsTheStuckServlet(ConnectorKind kind) throws Exception {
        StuckServlet servlet = new StuckServlet();
        ServletServer server = ServletServer.on(kind).servlet("/stuck", servlet)
                .server(s -> s.setStopTimeout(500)).start();
        try (RawConnection client = server.connect()) {
            client.send("GET /stuck HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(servlet.entered.await(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            try {
                server.server().stop();
            } catch (TimeoutException gracefulStopTimedOut) {
                // Jetty reports that the graceful phase ran out of time, after stopping everything anyway.
            }
            long took = System.nanoTime() - start;
            assertTrue(took < TimeUnit.SECONDS.toNanos(4), "stop took " + took / 1_000_000 + " ms");
            assertInstanceOf(InterruptedException.class, servlet.outcome.get(5, TimeUnit.SECONDS));
            assertTrue(client.isClosedByServer(3000));
        } finally {
            server.close();
        }
    }
}
