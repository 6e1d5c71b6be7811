package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.transport.SocketOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Every {@code jetty.http.*} property of the stock {@code http} module is either honoured by
 * {@code jetty-corral.xml} or named in one WARN at start saying why it has no effect: a jetty-base that
 * moves from {@code http} to {@code corral} keeps its settings or learns which ones no longer apply.
 * Runs the module's real XML, as {@code start.jar} does, with its properties set.
 */
class StockHttpPropertiesTest {

    private static final Path CORRAL_XML = Path.of("src/main/jetty/etc/jetty-corral.xml");

    /** jetty-home 12.1.8's modules/http.mod [ini-template], each property with a value other than its default. */
    private static final Map<String, String> EVERY_STOCK_PROPERTY = Map.ofEntries(
            Map.entry("jetty.http.host", "127.0.0.1"),
            Map.entry("jetty.http.port", "0"),
            Map.entry("jetty.http.idleTimeout", "12345"),
            Map.entry("jetty.http.acceptors", "3"),
            Map.entry("jetty.http.selectors", "4"),
            Map.entry("jetty.http.acceptQueueSize", "77"),
            Map.entry("jetty.http.acceptorPriorityDelta", "1"),
            Map.entry("jetty.http.reuseAddress", "false"),
            Map.entry("jetty.http.reusePort", "true"),
            Map.entry("jetty.http.acceptedTcpNoDelay", "false"),
            Map.entry("jetty.http.acceptedReceiveBufferSize", "32768"),
            Map.entry("jetty.http.acceptedSendBufferSize", "65536"));

    private static Server configured(Map<String, String> properties) throws Exception {
        Server server = new Server();
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(CORRAL_XML));
        xml.getIdMap().put("Server", server);
        xml.getIdMap().put("httpConfig", new HttpConfiguration());
        xml.getProperties().putAll(properties);
        xml.configure(server);
        return server;
    }

    @Test
    void everyStockPropertyIsHonouredOrNamedInOneWarning() throws Exception {
        Server server = configured(EVERY_STOCK_PROPERTY);
        CorralConnector connector = (CorralConnector) server.getConnectors()[0];
        List<String> warnings;
        try (LogCapture log = LogCapture.start()) {
            server.start();
            warnings = log.warnings();
        }
        try {
            ListenerConfig config = ((Listener) connector.getTransport()).config();
            assertEquals("127.0.0.1", ((InetSocketAddress) config.address()).getHostString());
            assertTrue(connector.getLocalPort() > 0);
            assertEquals(12345, connector.getIdleTimeout());
            assertEquals(3, config.acceptors());
            assertEquals(77, config.backlog());
            assertEquals(new SocketOptions(false, SocketOptions.reusePortSupported(), false, 32768, 65536),
                    config.socketOptions());

            assertEquals(1, warnings.size(), () -> "one warning expected: " + warnings);
            String warning = warnings.get(0);
            assertTrue(warning.contains("selectors=4 (Corral has no selectors"), warning);
            assertTrue(warning.contains("acceptorPriorityDelta=1 (Corral's acceptors"), warning);
        } finally {
            server.stop();
        }
    }

    @Test
    void theStockDefaultsStartWithoutAWarning() throws Exception {
        Server server = configured(Map.of("jetty.http.host", "127.0.0.1", "jetty.http.port", "0"));
        CorralConnector connector = (CorralConnector) server.getConnectors()[0];
        try (LogCapture log = LogCapture.start()) {
            server.start();
            assertEquals(List.of(), log.warnings());
            assertEquals(SocketOptions.DEFAULTS, ((Listener) connector.getTransport()).config().socketOptions());
        } finally {
            server.stop();
        }
    }
}
