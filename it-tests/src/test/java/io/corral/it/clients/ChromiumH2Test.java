package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.jetty.CorralConnector;
import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import io.corral.jetty.demo.SelfSignedKeyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real browser on the war-sample over HTTP/2 with TLS, on each connector: the demo server gets an HTTPS connector
 * set up as Jetty's documentation sets up h2 (SslConnectionFactory → ALPN → HTTP2ServerConnectionFactory and
 * HttpConnectionFactory), and Debian's headless Chromium ({@code src/test/browser/h2-page.mjs}, playwright-core,
 * {@code --ignore-certificate-errors} for the self-signed certificate) loads the page: the page and a fetch from it
 * must come over {@code h2} (Navigation/Resource Timing's {@code nextHopProtocol}), and the page's WebSocket must
 * connect (over HTTP/1.1 beside it on Corral, which has no RFC 8441 yet; ServerConnector may carry it over h2). Installed
 * as {@link ChromiumWarSampleTest}'s browser is; skipped, saying why, only when it cannot be.
 */
class ChromiumH2Test {

    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final String EXPECTED = "{\"page\":\"h2\",\"plaintext\":\"Hello, World!\",\"plaintextProtocol\":\"h2\","
            + "\"echo\":\"connected\",\"errors\":[]}";

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installChromium() throws Exception {
        BrowserClients.install(scratch);
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Chromium loads the war-sample's page over h2 with TLS, fetches over h2, and its WebSocket connects")
    void chromiumLoadsThePageOverH2(ConnectorKind kind) throws Exception {
        Server server = CorralDemo.start(new DemoOptions("127.0.0.1", 0, kind, Path.of(System.getProperty("war.sample.file"))));
        try {
            AbstractNetworkConnector https = tlsWithH2(server, kind);
            server.addConnector(https);
            https.start(); // the server runs already: a connector added now starts when told
            ExternalProcess browser = ExternalProcess.run(List.of("node", "h2-page.mjs",
                    "https://127.0.0.1:" + https.getLocalPort() + "/"), BrowserClients.DIRECTORY, scratch, DEADLINE);
            String report = browser.stdoutText().strip().lines().reduce((first, last) -> last).orElse("");
            assertEquals(EXPECTED, report, () -> "chromium's stderr: " + browser.stderr());
            assertEquals(0, browser.exitCode(), browser::stderr);
        } finally {
            server.stop();
        }
    }

    /** HTTPS on 127.0.0.1, an ephemeral port, h2 and HTTP/1.1 by ALPN, the demo's HTTP configuration plus TLS's customizer. */
    private static AbstractNetworkConnector tlsWithH2(Server server, ConnectorKind kind) throws Exception {
        HttpConfiguration configuration = new HttpConfiguration(
                server.getConnectors()[0].getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration());
        configuration.addCustomizer(new SecureRequestCustomizer());
        SelfSignedKeyStore certificate = SelfSignedKeyStore.create("127.0.0.1");
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(certificate.keyStore().toString());
        ssl.setKeyStorePassword(certificate.password());
        ConnectionFactory[] factories = {new SslConnectionFactory(ssl, "alpn"),
            new ALPNServerConnectionFactory("h2", "http/1.1"), new HTTP2ServerConnectionFactory(configuration),
            new HttpConnectionFactory(configuration)};
        AbstractNetworkConnector connector = kind == ConnectorKind.CORRAL ? new CorralConnector(server, factories)
                : new ServerConnector(server, factories);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        return connector;
    }
}
