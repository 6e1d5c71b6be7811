package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code etc/jetty-corral-https.xml} as a jetty-home runs it for the {@code corral-https} module: applied by Jetty's
 * own {@link XmlConfiguration} after the ssl-context module has made its {@code sslContextFactory} (here the test
 * one), with the properties a {@code start.d/corral-https.ini} would set; the started connector serves HTTPS with
 * Jetty's {@code SecureRequestCustomizer}, and every property the XML reads is documented.
 */
class CorralHttpsModuleConfigurationTest {

    private static final Path XML = Path.of("src/main/jetty/etc/jetty-corral-https.xml");
    private static final Path MODULE = Path.of("src/main/jetty/modules/corral-https.mod");
    private static final Path CORRAL_MODULE = Path.of("src/main/jetty/modules/corral.mod");

    private static Server configured(Map<String, String> properties) throws Exception {
        Server server = new Server();
        XmlConfiguration xml = new XmlConfiguration(ResourceFactory.root().newResource(XML.toAbsolutePath()));
        xml.getIdMap().put("Server", server);
        xml.getIdMap().put("httpConfig", new HttpConfiguration());
        xml.getIdMap().put("sslContextFactory", TestTls.serverFactory());
        xml.getProperties().put("jetty.ssl.host", "127.0.0.1");
        xml.getProperties().put("jetty.ssl.port", "0");
        xml.getProperties().putAll(properties);
        xml.configure(server);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, StandardCharsets.UTF_8.encode(
                        "secure=" + request.isSecure() + " scheme=" + request.getHttpURI().getScheme()), callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    @Test
    @DisplayName("the module's connector is Corral's, serves HTTPS with the ssl-context's certificate, and reads jetty.ssl.*")
    void servesHttpsWithTheSslContextModulesFactory() throws Exception {
        Server server = configured(Map.of("jetty.ssl.idleTimeout", "41000", "jetty.ssl.handshakeTimeout", "1234",
                "jetty.ssl.acceptors", "3", "jetty.corral.maxBodySize", "4096"));
        try {
            CorralConnector connector = (CorralConnector) server.getConnectors()[0];
            assertEquals(41000, connector.getIdleTimeout());
            assertEquals(1234, connector.getTlsHandshakeTimeout());
            assertEquals(3, connector.getAcceptors());
            assertEquals(4096, connector.engineConfig().limits().maxBodySize());
            HttpResponse<String> response = TestTls.httpClient(TestTls.clientContext(false)).send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + connector.getLocalPort() + "/"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("secure=true scheme=https", response.body());
            assertEquals(1, connector.getTlsHandshakes());
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("the SNI host check is on by default, as in the stock ssl module")
    void theSniHostCheckIsOnByDefault() throws Exception {
        Server server = configured(Map.of());
        try {
            CorralConnector connector = (CorralConnector) server.getConnectors()[0];
            HttpConfiguration configuration = connector.getConnectionFactory(
                    org.eclipse.jetty.server.HttpConnectionFactory.class).getHttpConfiguration();
            var customizer = configuration.getCustomizer(org.eclipse.jetty.server.SecureRequestCustomizer.class);
            assertTrue(customizer.isSniHostCheck());
            assertEquals(8192, configuration.getRequestHeaderSize(), "built on the shared httpConfig");
            assertEquals(10 * 1024 * 1024, connector.engineConfig().limits().maxBodySize(), "a finite body limit");
        } finally {
            server.stop();
        }
    }

    @Test
    @DisplayName("every property the XML reads is documented: jetty.ssl.* in corral-https.mod, jetty.corral.* in corral.mod")
    void everyPropertyIsDocumented() throws Exception {
        String xml = Files.readString(XML);
        Set<String> read = new LinkedHashSet<>();
        Matcher matcher = Pattern.compile("(?:property=\"|<Property name=\")([a-zA-Z.]+)\"").matcher(xml);
        while (matcher.find()) {
            read.add(matcher.group(1));
        }
        assertTrue(read.contains("jetty.ssl.handshakeTimeout"), read.toString());
        for (String property : read) {
            String module = Files.readString(property.startsWith("jetty.corral.") ? CORRAL_MODULE : MODULE);
            String template = module.substring(module.indexOf("[ini-template]"));
            int line = template.indexOf("\n# " + property + "=");
            assertTrue(line > 0, property + " is not in the [ini-template]");
            String before = template.substring(0, line);
            assertTrue(before.substring(before.lastIndexOf("\n\n") + 2).startsWith("## "),
                    property + " has no ## comment above it");
        }
    }
}
