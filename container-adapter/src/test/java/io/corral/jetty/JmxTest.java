package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CorralConnector} over JMX as an operator sees it: one server holds a {@link ServerConnector} and a
 * CorralConnector, Jetty's {@link MBeanContainer} registers both in the platform MBean server, and the test
 * finds them the way a dashboard built for Jetty does, reads Corral's attributes and invokes its operations
 * through the MBean server only.
 */
class JmxTest {

    static final class OkServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("ok");
        }
    }

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private Server server;
    private ServerConnector stock;
    private CorralConnector corral;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        server.addBean(new MBeanContainer(mbeans));
        stock = new ServerConnector(server);
        corral = new CorralConnector(server);
        for (var connector : new org.eclipse.jetty.server.AbstractNetworkConnector[] {stock, corral}) {
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
        }
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new OkServlet()), "/ok");
        server.setHandler(context);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        server.destroy(); // unregisters the MBeans: the next test starts from an empty domain
    }

    private Set<ObjectName> connectors() throws Exception {
        return mbeans.queryNames(new ObjectName("org.eclipse.jetty.server:type=serverconnector,*"), null);
    }

    private ObjectName corralName() throws Exception {
        Set<ObjectName> names = mbeans.queryNames(
                new ObjectName("org.eclipse.jetty.server:type=serverconnector,engine=corral,*"), null);
        assertEquals(1, names.size(), names.toString());
        return names.iterator().next();
    }

    /** The key properties of a name, "engine" left out: what the two connectors must share. */
    private static Map<String, String> keysButEngine(ObjectName name) {
        Map<String, String> keys = new TreeMap<>(name.getKeyPropertyList());
        keys.remove("engine");
        keys.remove("id"); // numbered per distinct name, as the container numbers its own
        return keys;
    }

    @Test
    @DisplayName("a dashboard's query for ServerConnectors finds both, under the same domain, type and context")
    void registeredUnderServerConnectorsPattern() throws Exception {
        Set<ObjectName> found = connectors();
        assertEquals(2, found.size(), found.toString());
        ObjectName corralName = corralName();
        ObjectName stockName = found.stream().filter(n -> !n.equals(corralName)).findFirst().orElseThrow();
        assertEquals(stockName.getDomain(), corralName.getDomain());
        assertEquals(keysButEngine(stockName), keysButEngine(corralName));
        assertEquals("corral", corralName.getKeyProperty("engine"));
        assertEquals(null, stockName.getKeyProperty("engine"));
        // What both MBeans answer alike, as Jetty connectors.
        for (String attribute : new String[] {"port", "host", "idleTimeout", "acceptQueueSize"}) {
            assertEquals(mbeans.getAttribute(stockName, attribute).getClass(),
                    mbeans.getAttribute(corralName, attribute).getClass(), attribute);
        }
        assertEquals(corral.getLocalPort(), mbeans.getAttribute(corralName, "localPort"));
        assertEquals(stock.getLocalPort(), mbeans.getAttribute(stockName, "localPort"));
    }

    @Test
    @DisplayName("Corral's attributes read through the platform MBean server")
    void attributes() throws Exception {
        ObjectName name = corralName();
        try (RawConnection client = new RawConnection(corral.getLocalPort())) {
            client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("ok", client.read().text());
            client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("ok", client.read().text());
            Await.until("two requests counted", Duration.ofSeconds(5), () -> attribute(name, "requests").equals(2L));
            assertEquals("RUNNING", mbeans.getAttribute(name, "listenerState"));
            assertEquals("STARTED", mbeans.getAttribute(name, "state"));
            assertEquals("127.0.0.1:" + corral.getLocalPort(), mbeans.getAttribute(name, "localAddress"));
            assertEquals(1, mbeans.getAttribute(name, "activeConnections"));
            assertEquals(1, mbeans.getAttribute(name, "peakConnections"));
            assertEquals(1L, mbeans.getAttribute(name, "acceptedConnections"));
            assertEquals(0L, mbeans.getAttribute(name, "upgrades"));
            assertEquals(0, mbeans.getAttribute(name, "webSocketSessions"));
            assertEquals(0L, mbeans.getAttribute(name, "tlsHandshakeFailures"));
            // PROXY header failures: proxyHeaderFailures, which the PROXY protocol work (branch s-c) adds.
            assertEquals(false, mbeans.getAttribute(name, "draining"));
            assertEquals(corral.getMaxConnections(), mbeans.getAttribute(name, "maxConnections"));
            assertEquals(30_000L, mbeans.getAttribute(name, "idleTimeout"));
            assertEquals(-1L, mbeans.getAttribute(name, "headerTimeout"));
        }
        try (RawConnection bad = new RawConnection(corral.getLocalPort())) {
            bad.send("GET /ok HTTP/1.1\r\n\r\n"); // no Host: 400
            assertEquals(400, bad.read().status());
        }
        Await.until("the bad request counted", Duration.ofSeconds(5), () -> attribute(name, "badRequests").equals(1L));
        assertEquals("400=1", mbeans.getAttribute(name, "badRequestsByStatus"));
    }

    @Test
    @DisplayName("operations invoked through the platform MBean server: limits set live, suspend, resume, drain")
    void operations() throws Exception {
        ObjectName name = corralName();
        int port = corral.getLocalPort();
        mbeans.setAttribute(name, new javax.management.Attribute("maxConnections", 77));
        assertEquals(77, corral.stats().maxConnections());
        mbeans.setAttribute(name, new javax.management.Attribute("idleTimeout", 12_000L));
        assertEquals(12_000, corral.engineConfig().idleTimeout().toMillis());
        mbeans.setAttribute(name, new javax.management.Attribute("headerTimeout", 5_000L));
        assertEquals(5_000, corral.engineConfig().headerTimeout().toMillis());

        mbeans.invoke(name, "suspend", new Object[0], new String[0]);
        assertEquals("SUSPENDED", mbeans.getAttribute(name, "listenerState"));
        assertTrue(RawConnection.refused(port), "accepted while suspended");
        mbeans.invoke(name, "resume", new Object[0], new String[0]);
        assertEquals("RUNNING", mbeans.getAttribute(name, "listenerState"));
        try (RawConnection client = new RawConnection(port)) {
            assertEquals("ok", client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n").read().text());
            Object closed = mbeans.invoke(name, "drain", new Object[] {5_000L}, new String[] {"long"});
            assertEquals(0, closed); // the idle keep-alive connection ended on its own, at once
            assertTrue(client.isClosedByServer(1000));
        }
        assertEquals(true, mbeans.getAttribute(name, "draining"));
        assertEquals("SUSPENDED", mbeans.getAttribute(name, "listenerState"));
        mbeans.invoke(name, "resume", new Object[0], new String[0]);
        try (RawConnection client = new RawConnection(port)) {
            RawResponse response = client.send("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
            assertEquals("ok", response.text());
            assertTrue(!response.saysClose(), response.toString());
        }
    }

    private Object attribute(ObjectName name, String attribute) {
        try {
            return mbeans.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
