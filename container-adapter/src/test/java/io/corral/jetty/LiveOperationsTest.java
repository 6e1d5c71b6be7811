package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The operator's live operations on a running {@link CorralConnector} (Ranch's {@code suspend_listener},
 * {@code resume_listener}, {@code set_max_connections}, and a drain), over raw sockets: only Corral has them.
 * ServerConnector's side of the graceful stop is compared in {@link GracefulShutdownTest}; an idle timeout changed
 * on a running connector, which both have, is compared here.
 */
class LiveOperationsTest {

    private static final String GET = "GET /work HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private static final String GET_SLOW = "GET /work?slow HTTP/1.1\r\nHost: localhost\r\n\r\n";

    /** Answers "ok"; {@code ?slow} waits until the test releases it (20 s at most). */
    private static SlowServlet slowServlet() {
        return new SlowServlet("ok", Duration.ofSeconds(20));
    }

    private static ServletServer start(SlowServlet servlet) throws Exception {
        return ServletServer.on(ConnectorKind.CORRAL).servlet("/work", servlet).start();
    }

    @Test
    @DisplayName("suspend: new clients are refused, a live keep-alive connection goes on; resume: accepted again on the same port")
    void suspendAndResume() throws Exception {
        SlowServlet servlet = slowServlet();
        try (ServletServer server = start(servlet); RawConnection live = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            int port = server.port();
            assertEquals("ok", live.send(GET).read().text());

            connector.suspend();
            assertEquals("SUSPENDED", connector.getListenerState());
            assertTrue(RawConnection.refused(port), "a new client was accepted while suspended");
            RawResponse onLive = live.send(GET).read();
            assertEquals("ok", onLive.text());
            assertFalse(onLive.saysClose(), "suspend is not a drain: " + onLive);

            connector.resume();
            assertEquals("RUNNING", connector.getListenerState());
            assertEquals(port, server.port());
            try (RawConnection fresh = new RawConnection(port)) {
                assertEquals("ok", fresh.send(GET).read().text());
            }
        }
    }

    @Test
    @DisplayName("drain: idle keep-alive closed at once, the request in flight finishes with Connection: close, new clients refused; resume serves keep-alive again")
    void drainLetsTheRequestInFlightFinish() throws Exception {
        SlowServlet servlet = slowServlet();
        try (ServletServer server = start(servlet);
             RawConnection idle = server.connect();
             RawConnection busy = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            int port = server.port();
            assertEquals("ok", idle.send(GET).read().text());
            busy.send(GET_SLOW);
            assertTrue(servlet.entered.await(10, TimeUnit.SECONDS));

            CompletableFuture<Integer> drained = CompletableFuture.supplyAsync(() -> connector.drain(20_000));
            assertTrue(idle.isClosedByServer(5000), "the idle keep-alive connection outlived the drain");
            Await.until("new clients to be refused", Duration.ofSeconds(5), () -> RawConnection.refused(port));
            assertTrue(connector.isDraining());
            assertFalse(drained.isDone(), "the drain ended with a request in flight");

            servlet.release.countDown();
            RawResponse response = busy.read();
            assertEquals(200, response.status());
            assertEquals("ok", response.text());
            assertTrue(response.saysClose(), "no Connection: close during a drain: " + response);
            assertTrue(busy.isClosedByServer(5000));
            assertEquals(0, drained.get(15, TimeUnit.SECONDS), "connections closed by force");

            connector.resume();
            assertFalse(connector.isDraining());
            try (RawConnection fresh = new RawConnection(port)) {
                RawResponse again = fresh.send(GET).read();
                assertEquals("ok", again.text());
                assertFalse(again.saysClose(), "still draining after resume: " + again);
                assertEquals("ok", fresh.send(GET).read().text());
            }
        }
    }

    @Test
    @DisplayName("drain: a request still running at the timeout is closed, and counted")
    void drainTimeoutClosesTheRest() throws Exception {
        SlowServlet servlet = slowServlet();
        try (ServletServer server = start(servlet); RawConnection stuck = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            stuck.send(GET_SLOW);
            assertTrue(servlet.entered.await(10, TimeUnit.SECONDS));
            long started = System.nanoTime();
            assertEquals(1, connector.drain(300));
            assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300), "drain did not wait");
            assertTrue(stuck.isClosedByServer(5000));
            Await.until("the connection to be gone", Duration.ofSeconds(5), () -> connector.getActiveConnections() == 0);
        }
    }

    @Test
    void operationsNeedAStartedConnector() throws Exception {
        ServletServer server = start(slowServlet());
        CorralConnector connector = (CorralConnector) server.connector();
        server.close();
        assertThrows(IllegalStateException.class, connector::suspend);
        assertThrows(IllegalStateException.class, () -> connector.drain(10));
    }

    @Test
    @DisplayName("idle timeout changed live: new connections get it, a live one from its next wait for a request")
    void idleTimeoutChangesLive() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/work", slowServlet())
                .connector(connector -> connector.setIdleTimeout(30_000)).start();
             RawConnection live = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            assertEquals("ok", live.send(GET).read().text());
            // live waits with the old 30 s now; its next wait, after a request, takes the new value.
            connector.setIdleTimeout(400);
            assertEquals(400, connector.engineConfig().idleTimeout().toMillis());
            // What Jetty's side (a WebSocket upgrade, a servlet asking its endpoint) reads: the new value.
            assertTrue(connector.getConnectedEndPoints().stream().allMatch(endPoint -> endPoint.getIdleTimeout() == 400),
                    "an endpoint still reports the old idle timeout");
            assertEquals("ok", live.send(GET).read().text());
            assertTrue(live.isClosedByServer(10_000), "the live connection kept the old idle timeout");
            try (RawConnection fresh = server.connect()) {
                long started = System.nanoTime();
                assertEquals("ok", fresh.send(GET).read().text());
                assertTrue(fresh.isClosedByServer(10_000), "a new connection did not get the new idle timeout");
                assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(350), "closed before its timeout");
            }
            connector.setIdleTimeout(30_000);
            try (RawConnection patient = server.connect()) {
                assertEquals("ok", patient.send(GET).read().text());
                assertFalse(patient.isClosedByServer(1500), "the raised idle timeout did not apply");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("idle timeout changed on a running connector: a new connection gets it, on both connectors")
    void idleTimeoutChangedWhileRunningReachesNewConnections(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/work", slowServlet())
                .connector(connector -> connector.setIdleTimeout(30_000)).start()) {
            server.connector().setIdleTimeout(500);
            try (RawConnection fresh = server.connect()) {
                long started = System.nanoTime();
                assertEquals("ok", fresh.send(GET).read().text());
                assertTrue(fresh.isClosedByServer(10_000), "the new idle timeout did not apply");
                assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(450), "closed before its timeout");
            }
        }
    }

    @Test
    @DisplayName("header timeout changed live: the next request head gets it (408)")
    void headerTimeoutChangesLive() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/work", slowServlet())
                .connector(connector -> connector.setIdleTimeout(30_000)).start();
             RawConnection live = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            assertEquals("ok", live.send(GET).read().text());
            connector.setHeaderTimeout(400);
            assertEquals(400, connector.engineConfig().headerTimeout().toMillis());
            long started = System.nanoTime();
            live.send("GET /work HTTP/1.1\r\nHost: loc"); // a head that never ends
            RawResponse response = live.read();
            assertEquals(408, response.status());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "the old 30 s header timeout applied");
            // Back to following the idle timeout.
            connector.setHeaderTimeout(-1);
            assertEquals(30_000, connector.engineConfig().headerTimeout().toMillis());
        }
    }

    @Test
    @DisplayName("max connections changed live: a client waiting in the backlog gets in when the limit rises")
    void maxConnectionsChangesLive() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/work", slowServlet())
                .connector(connector -> {
                    ((CorralConnector) connector).setMaxConnections(1);
                    ((CorralConnector) connector).setEvictIdleAtLimit(false);
                }).start();
             RawConnection first = server.connect()) {
            CorralConnector connector = (CorralConnector) server.connector();
            assertEquals("ok", first.send(GET).read().text());
            try (RawConnection second = server.connect()) {
                second.send(GET);
                assertFalse(second.isClosedByServer(300)); // in the backlog, not served
                assertEquals(1, connector.getActiveConnections());
                connector.setMaxConnections(2);
                assertEquals("ok", second.read().text());
                assertEquals(2, connector.getActiveConnections());
                assertEquals(2, connector.stats().maxConnections());
            }
        }
    }
}
