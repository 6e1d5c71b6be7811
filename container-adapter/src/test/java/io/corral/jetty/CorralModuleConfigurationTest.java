package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The module files as a jetty-home runs them: {@code etc/jetty-corral.xml} applied by Jetty's own
 * {@link XmlConfiguration} with the properties a {@code start.d/corral.ini} would set, then the started
 * connector's engine and listener configuration read back, so each property provably reaches the engine.
 * And every property the XML reads is documented in {@code corral.mod}'s {@code [ini-template]}.
 */
class CorralModuleConfigurationTest {

    private static final Path XML = Path.of("src/main/jetty/etc/jetty-corral.xml");
    private static final Path MODULE = Path.of("src/main/jetty/modules/corral.mod");
    private static final Path UNIX_XML = Path.of("src/main/jetty/etc/jetty-corral-unixdomain.xml");
    private static final Path UNIX_MODULE = Path.of("src/main/jetty/modules/corral-unixdomain.mod");

    /** Applies the XML to a new server with these properties and starts it on 127.0.0.1, an ephemeral port. */
    private static Server configured(Map<String, String> properties) throws Exception {
        Server server = new Server();
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(XML.toAbsolutePath()));
        xml.getIdMap().put("Server", server);
        xml.getIdMap().put("httpConfig", new HttpConfiguration());
        xml.getProperties().put("jetty.http.host", "127.0.0.1");
        xml.getProperties().put("jetty.http.port", "0");
        xml.getProperties().putAll(properties);
        xml.configure(server);
        server.start();
        return server;
    }

    private static CorralConnector connector(Server server) {
        return (CorralConnector) server.getConnectors()[0];
    }

    @Test
    @DisplayName("every jetty.corral.* property, and the stock ones Corral reads, reach the engine and the listener")
    void everyPropertyReachesTheEngine() throws Exception {
        Server server = configured(Map.ofEntries(
                Map.entry("jetty.http.idleTimeout", "41000"),
                Map.entry("jetty.http.acceptors", "3"),
                Map.entry("jetty.http.acceptQueueSize", "77"),
                Map.entry("jetty.corral.maxConnections", "555"),
                Map.entry("jetty.corral.maxConnectionsPerSource", "12"),
                Map.entry("jetty.corral.minRequestDataRateNearFull", "2048"),
                Map.entry("jetty.corral.maxBodySize", "4096"),
                Map.entry("jetty.corral.headerTimeout", "7000"),
                Map.entry("jetty.corral.maxHeaderCount", "42"),
                Map.entry("jetty.corral.maxRequestTargetLength", "2048"),
                Map.entry("jetty.corral.maxRequestsPerConnection", "9"),
                Map.entry("jetty.corral.maxUnreadBodyToDiscard", "1234"),
                Map.entry("jetty.corral.shutdownTimeout", "2500"),
                Map.entry("jetty.corral.websocket.maxQueuedFrames", "64"),
                Map.entry("jetty.corral.listenSockets", "2"),
                // The test JVM inherited no listening socket: a WARN, then host and port are bound as usual.
                Map.entry("jetty.corral.inheritChannel", "true"),
                Map.entry("jetty.corral.websocket.maxControlFramesPerSecond", "33")));
        try {
            CorralConnector connector = connector(server);
            Http1Config engine = connector.engineConfig();
            assertEquals(Duration.ofMillis(41000), engine.idleTimeout());
            assertEquals(4096, engine.limits().maxBodySize());
            assertEquals(Duration.ofMillis(7000), engine.headerTimeout());
            assertEquals(42, engine.limits().maxHeaderCount());
            assertEquals(2048, engine.limits().maxRequestTargetLength());
            assertEquals(9, engine.maxRequestsPerConnection());
            assertEquals(1234, engine.maxUnreadBodyToDiscard());
            assertEquals(2048, engine.minRequestDataRateNearFull());
            ListenerConfig listener = ((Listener) connector.getTransport()).config();
            assertEquals(3, listener.acceptors());
            assertEquals(77, listener.backlog());
            assertEquals(555, listener.maxConnections());
            assertEquals(12, listener.maxConnectionsPerSource());
            assertEquals(Duration.ofMillis(2500), listener.shutdownTimeout());
            assertEquals(64, connector.getWebSocketMaxQueuedFrames());
            assertEquals(2, listener.listenSockets());
            assertTrue(listener.inheritChannel());
            assertTrue(connector.getLocalPort() > 0, "bound host and port, having inherited nothing");
            assertEquals(33, connector.getWebSocketMaxControlFramesPerSecond());
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("jetty.corral.websocket.drainGrace reaches the connector; 1000 ms by default")
    void webSocketDrainGrace() throws Exception {
        Server server = configured(Map.of("jetty.corral.websocket.drainGrace", "250"));
        try {
            assertEquals(250, connector(server).getWebSocketDrainGrace());
        } finally {
            server.stop();
        }
        Server defaults = configured(Map.of());
        try {
            assertEquals(1000, connector(defaults).getWebSocketDrainGrace());
        } finally {
            defaults.stop();
        }
    }

    @Test
    @DisplayName("with no property set: a finite 10 MiB body limit, the rest at the engine's defaults")
    void defaultsOfTheModule() throws Exception {
        Server server = configured(Map.of());
        try {
            CorralConnector connector = connector(server);
            Http1Config engine = connector.engineConfig();
            assertEquals(10 * 1024 * 1024, engine.limits().maxBodySize());
            assertEquals(Duration.ofSeconds(30), engine.idleTimeout());
            assertEquals(Duration.ofSeconds(30), engine.headerTimeout(), "the idle timeout bounds a head");
            assertEquals(100, engine.limits().maxHeaderCount());
            assertEquals(8192, engine.limits().maxRequestTargetLength(), "the request header size");
            assertEquals(0, engine.maxRequestsPerConnection());
            assertEquals(65536, engine.maxUnreadBodyToDiscard());
            assertEquals(ListenerConfig.DEFAULT_SHUTDOWN_TIMEOUT,
                    ((Listener) connector.getTransport()).config().shutdownTimeout());
            assertEquals(CorralConnector.DEFAULT_WEBSOCKET_MAX_QUEUED_FRAMES, connector.getWebSocketMaxQueuedFrames());
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("corral-unixdomain: jetty-corral-unixdomain.xml listens on jetty.unixdomain.path, removed on stop")
    void theUnixDomainModuleListensOnItsPath(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        Path socketFile = directory.resolve("jetty.sock");
        Server server = new Server();
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(UNIX_XML.toAbsolutePath()));
        xml.getIdMap().put("Server", server);
        xml.getIdMap().put("httpConfig", new HttpConfiguration());
        xml.getProperties().put("jetty.unixdomain.path", socketFile.toString());
        xml.getProperties().put("jetty.unixdomain.acceptors", "3");
        xml.getProperties().put("jetty.unixdomain.acceptQueueSize", "50");
        xml.configure(server);
        server.start();
        try {
            CorralConnector connector = connector(server);
            assertEquals(socketFile, connector.getUnixDomainPath());
            ListenerConfig listener = ((Listener) connector.getTransport()).config();
            assertEquals(UnixDomainSocketAddress.of(socketFile), listener.address());
            assertEquals(3, listener.acceptors());
            assertEquals(50, listener.backlog());
            assertEquals(10 * 1024 * 1024, connector.engineConfig().limits().maxBodySize(), "finite, as in corral.mod");
            assertTrue(Files.exists(socketFile));
        } finally {
            server.stop();
        }
        assertTrue(Files.notExists(socketFile), "removed on stop");
    }

    @Test
    @DisplayName("every property jetty-corral-unixdomain.xml reads is documented in corral-unixdomain.mod")
    void everyUnixDomainPropertyIsDocumented() throws Exception {
        assertDocumented(UNIX_XML, UNIX_MODULE);
    }

    @Test
    @DisplayName("every property jetty-corral.xml reads is documented, with a comment, in corral.mod's [ini-template]")
    void everyPropertyIsDocumented() throws Exception {
        assertDocumented(XML, MODULE);
    }

    private static void assertDocumented(Path xmlFile, Path moduleFile) throws Exception {
        String xml = Files.readString(xmlFile);
        Set<String> read = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("(?:property=\"|<Property name=\")([a-zA-Z.]+)\"").matcher(xml);
        while (matcher.find()) {
            read.add(matcher.group(1));
        }
        assertTrue(read.contains("jetty.corral.maxBodySize"), read.toString());
        String module = Files.readString(moduleFile);
        String template = module.substring(module.indexOf("[ini-template]"));
        for (String property : read) {
            int line = template.indexOf("\n# " + property + "=");
            assertTrue(line > 0, property + " is not in the [ini-template]");
            String before = template.substring(0, line);
            assertTrue(before.substring(before.lastIndexOf("\n\n") + 2).startsWith("## "),
                    property + " has no ## comment above it");
        }
    }

    @Test
    @DisplayName("jetty.corral.proxyProtocol, proxyHeaderTimeout and proxyTrustSsl reach the connector; off by default")
    void proxyProtocolProperties() throws Exception {
        Server server = configured(Map.of("jetty.corral.proxyProtocol", "required",
                "jetty.corral.proxyHeaderTimeout", "1500", "jetty.corral.proxyTrustSsl", "true"));
        try {
            CorralConnector connector = connector(server);
            assertEquals("REQUIRED", connector.getProxyProtocol());
            assertEquals(1500, connector.getProxyHeaderTimeout());
            assertTrue(connector.isProxyTrustSsl());
            assertEquals("proxy+tcp", ((Listener) connector.getTransport()).config().transport().name());
        } finally {
            server.stop();
        }
        Server plain = configured(Map.of());
        try {
            assertEquals("OFF", connector(plain).getProxyProtocol());
            assertEquals("tcp", ((Listener) connector(plain).getTransport()).config().transport().name());
        } finally {
            plain.stop();
        }
    }
}
