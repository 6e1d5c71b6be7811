package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The connector as a Jetty component: ephemeral ports, start/stop/restart with the server, stop closing
 * live connections, idle timeout, connection listeners, {@code server.dump()} and JMX — and Corral's own
 * connection limit.
 */
class ConnectorLifecycleTest {

    static final class OkServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("ok");
        }
    }

    private static RawResponse get(RawConnection client) throws IOException {
        client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
        return client.read();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void localPortIsKnownOnlyWhileOpen(ConnectorKind kind) throws Exception {
        Server server = new Server();
        var connector = kind.create(server, new org.eclipse.jetty.server.HttpConfiguration());
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        assertEquals(-1, connector.getLocalPort());
        server.start();
        try {
            assertTrue(connector.getLocalPort() > 0);
            assertTrue(connector.isOpen());
        } finally {
            server.stop();
        }
        assertEquals(-2, connector.getLocalPort());
        assertFalse(connector.isOpen());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void stopClosesLiveConnectionsAndRestartServesAgain(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/ok", new OkServlet()).start()) {
            int firstPort = server.port();
            try (RawConnection client = server.connect()) {
                assertEquals("ok", get(client).text());
                server.server().stop();
                assertTrue(client.isClosedByServer(3000), "stop left a connection open");
            }
            assertTrue(server.connector().getConnectedEndPoints().isEmpty());
            server.server().start();
            assertNotEquals(-1, server.port());
            try (RawConnection client = server.connect()) {
                assertEquals("ok", get(client).text());
            }
            assertTrue(firstPort > 0);
        }
    }

    @Test
    void closeStopsAcceptingAndOpenResumesOnTheSamePort() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/ok", new OkServlet()).start();
             RawConnection live = server.connect()) {
            assertEquals("ok", get(live).text());
            int port = server.port();
            CorralConnector connector = (CorralConnector) server.connector();
            connector.close();
            assertFalse(connector.isOpen());
            assertThrowsConnectException(port);
            assertEquals("ok", get(live).text()); // live connections carry on
            connector.open();
            assertTrue(connector.isOpen());
            assertEquals(port, connector.getLocalPort());
            try (RawConnection again = server.connect()) {
                assertEquals("ok", get(again).text());
            }
        }
    }

    /**
     * Jetty opens its connectors (binding the port) before it deploys the webapps, and starts them after:
     * a client that connects in between must wait in the backlog and get its real answer, never a 404
     * from a server whose context is not deployed yet.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void requestsSentWhileTheServerStartsGetTheirRealAnswers(ConnectorKind kind) throws Exception {
        CountDownLatch deploying = new CountDownLatch(1);
        CountDownLatch deploymentMayFinish = new CountDownLatch(1);
        Server server = new Server();
        var connector = kind.create(server, new org.eclipse.jetty.server.HttpConfiguration());
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        // As a jetty-home's deployer does: the webapp joins the server's contexts while the server starts,
        // and this one takes its time (released by the test, bounded all the same).
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        server.addBean(new AbstractLifeCycle() {
            @Override
            protected void doStart() throws Exception {
                deploying.countDown();
                deploymentMayFinish.await(30, TimeUnit.SECONDS);
                ServletContextHandler webapp = new ServletContextHandler();
                webapp.addServlet(new ServletHolder(new OkServlet()), "/ok");
                contexts.addHandler(webapp);
                if (!webapp.isStarted()) {
                    webapp.start();
                }
            }
        });
        CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            assertTrue(deploying.await(10, TimeUnit.SECONDS), "deployment never began");
            int port = connector.getLocalPort();
            assertTrue(port > 0, "the port is bound before deployment: " + port);
            List<RawConnection> early = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    early.add(new RawConnection(port).send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n"));
                }
                deploymentMayFinish.countDown();
                for (RawConnection client : early) {
                    RawResponse response = client.read();
                    assertEquals(200, response.status(), response.toString());
                    assertEquals("ok", response.text());
                }
            } finally {
                for (RawConnection client : early) {
                    client.close();
                }
            }
            started.get(10, TimeUnit.SECONDS);
        } finally {
            deploymentMayFinish.countDown();
            server.stop();
        }
    }

    private static void assertThrowsConnectException(int port) {
        org.junit.jupiter.api.Assertions.assertThrows(java.net.ConnectException.class, () -> new RawConnection(port).close());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void idleConnectionIsClosedAfterTheIdleTimeout(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/ok", new OkServlet())
                .connector(connector -> connector.setIdleTimeout(300)).start();
             RawConnection client = server.connect()) {
            assertEquals("ok", get(client).text());
            long start = System.nanoTime();
            assertTrue(client.isClosedByServer(4000), "idle connection still open");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(), "closed before the idle timeout");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void connectionListenersOnTheConnectorSeeEveryConnection(ConnectorKind kind) throws Exception {
        ConnectionStatistics statistics = new ConnectionStatistics();
        try (ServletServer server = ServletServer.on(kind).servlet("/ok", new OkServlet())
                .connector(connector -> connector.addBean(statistics)).start()) {
            for (int i = 0; i < 3; i++) {
                try (RawConnection client = server.connect()) {
                    assertEquals("ok", get(client).text());
                    assertEquals("ok", get(client).text());
                }
            }
            Await.until("three connections to be closed", Duration.ofSeconds(5), () -> statistics.getConnectionsTotal() == 3
                    && statistics.getConnections() == 0);
            assertEquals(3, statistics.getConnectionsTotal());
        }
    }

    @Test
    void dumpShowsTheCorralListener() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/ok", new OkServlet()).start();
             RawConnection client = server.connect()) {
            assertEquals("ok", get(client).text());
            String dump = server.server().dump();
            assertTrue(dump.contains("CorralConnector@"), dump);
            assertTrue(dump.contains("CorralListener{"), dump);
            assertTrue(dump.contains("active=1"), dump);
        }
    }

    @Test
    void listenerCountersAreManagedAttributes() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/ok", new OkServlet())
                .server(s -> s.addBean(new MBeanContainer(mbeans))).start();
             RawConnection client = server.connect()) {
            assertEquals("ok", get(client).text());
            Set<ObjectName> names = mbeans.queryNames(new ObjectName("org.eclipse.jetty.server:type=serverconnector,engine=corral,*"), null);
            assertEquals(1, names.size(), names.toString());
            ObjectName name = names.iterator().next();
            assertEquals(1, mbeans.getAttribute(name, "activeConnections"));
            assertEquals(1L, mbeans.getAttribute(name, "acceptedConnections"));
            assertEquals("RUNNING", mbeans.getAttribute(name, "listenerState"));
            assertEquals(server.port(), mbeans.getAttribute(name, "localPort"));
            assertEquals(io.corral.connector.listener.ListenerConfig.DEFAULT_MAX_CONNECTIONS, mbeans.getAttribute(name, "maxConnections"));
        }
    }

    @Test
    void connectionLimitHoldsNewClientsInTheBacklog() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/ok", new OkServlet())
                .connector(connector -> {
                    ((CorralConnector) connector).setMaxConnections(1);
                    // Ranch's plain backpressure; by default the idle first connection would give way (FullHouseTest).
                    ((CorralConnector) connector).setEvictIdleAtLimit(false);
                }).start()) {
            CorralConnector connector = (CorralConnector) server.connector();
            RawConnection first = server.connect();
            RawConnection second;
            try {
                assertEquals("ok", get(first).text());
                second = server.connect();
                second.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
                // Connected at the TCP level (kernel backlog) but not served while the first lives.
                assertFalse(second.isClosedByServer(300));
                assertEquals(1, connector.getActiveConnections());
            } finally {
                first.close(); // frees the only slot
            }
            try (second) {
                assertEquals("ok", second.read().text());
            }
            connector.setMaxConnections(5);
            assertEquals(5, connector.stats().maxConnections());
        }
    }
}
