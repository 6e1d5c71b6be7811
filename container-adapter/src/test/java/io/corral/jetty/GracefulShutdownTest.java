package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.component.Graceful;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jetty's graceful shutdown ({@code Server.setStopTimeout}): once stopping, the connector accepts no new
 * connection, a request in flight completes (its response says {@code Connection: close}), an idle
 * keep-alive connection is closed, and the stop returns as soon as every connection is gone rather than
 * after the whole stop timeout.
 */
class GracefulShutdownTest {

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void inFlightRequestCompletesWhileNewConnectionsAreRefused(ConnectorKind kind) throws Exception {
        SlowServlet servlet = new SlowServlet("done", Duration.ofSeconds(10));
        ServletServer server = ServletServer.on(kind)
                .servlet("/work", servlet)
                .server(s -> s.setStopTimeout(10_000))
                .start();
        int port = server.port();
        try (RawConnection busy = server.connect(); RawConnection idle = server.connect()) {
            idle.send("GET /work HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("done", idle.read().text());
            busy.send("GET /work?slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(servlet.entered.await(5, TimeUnit.SECONDS));

            long stopStarted = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                try {
                    server.close();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Await.until("the connector to report it is closed", Duration.ofSeconds(5), () -> !server.connector().isOpen());
            // ServerConnector may still complete a connect just after it reports closed: wait until refused.
            Await.until("new connections to be refused", Duration.ofSeconds(5), () -> RawConnection.refused(port));
            assertTrue(idle.isClosedByServer(3000), "idle keep-alive connection left open during shutdown");
            assertFalse(stopped.isDone(), "stopped while a request was in flight");

            servlet.release.countDown();
            RawResponse response = busy.read();
            assertEquals(200, response.status());
            assertEquals("done", response.text());
            assertTrue(response.saysClose() || busy.isClosedByServer(3000), response.toString());

            stopped.get(8, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - stopStarted < TimeUnit.SECONDS.toNanos(8), "stop waited for its whole timeout");
            assertTrue(server.connector().getConnectedEndPoints().isEmpty());
        } finally {
            servlet.release.countDown();
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void jettysGracefulShutdownWaitsForTheRequestInFlight(ConnectorKind kind) throws Exception {
        SlowServlet servlet = new SlowServlet("done", Duration.ofSeconds(10));
        try (ServletServer server = ServletServer.on(kind).servlet("/work", servlet).start();
             RawConnection busy = server.connect()) {
            busy.send("GET /work?slow HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(servlet.entered.await(5, TimeUnit.SECONDS));

            // What Server.stop() does first when it has a stop timeout: every Graceful component shuts down.
            CompletableFuture<Void> shutdown = Graceful.shutdown(server.server());
            Await.until("the connector to say it is shut down", Duration.ofSeconds(5),
                    () -> ((Graceful) server.connector()).isShutdown());
            assertFalse(shutdown.isDone(), "shut down with a request in flight");

            servlet.release.countDown();
            RawResponse response = busy.read();
            assertEquals("done", response.text());
            assertTrue(response.saysClose() || busy.isClosedByServer(3000), response.toString());
            shutdown.get(8, TimeUnit.SECONDS);
        } finally {
            servlet.release.countDown();
        }
    }
}
