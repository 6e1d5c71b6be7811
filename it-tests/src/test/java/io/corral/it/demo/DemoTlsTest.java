package io.corral.it.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.it.websocket.RecordingListener;
import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import io.corral.jetty.demo.SelfSignedKeyStore;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code bin/demo PORT --tls} and {@code bin/demo PORT --keystore=PATH}, in-process from the same command line
 * ({@link DemoOptions#parse}): HTTPS and WSS on the one port, with a self-signed certificate made at start (whose
 * PEM a client can trust) or with the keystore given; on each connector the launcher offers.
 */
class DemoTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void tlsServesHttpsAndWssWithASelfSignedCertificateMadeAtStart(ConnectorKind kind) throws Exception {
        Server server = CorralDemo.start(DemoOptions.parse(List.of("0", "--tls", "--connector=" + kind.optionName(),
                "--war=" + System.getProperty("war.sample.file"))));
        try {
            Path pem = keyStorePath(server).resolveSibling(SelfSignedKeyStore.PEM_NAME);
            Certificate certificate = readPem(pem);
            try (HttpClient client = clientTrusting(certificate)) {
                String base = "https://localhost:" + port(server);
                HttpResponse<String> plaintext = client.send(HttpRequest.newBuilder(URI.create(base + "/plaintext"))
                        .timeout(TIMEOUT).build(), BodyHandlers.ofString());
                assertEquals(200, plaintext.statusCode());
                assertEquals("Hello, World!", plaintext.body());
                assertEquals(certificate, plaintext.sslSession().orElseThrow().getPeerCertificates()[0]);

                HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                        .timeout(TIMEOUT).header("Content-Type", "text/plain")
                        .POST(BodyPublishers.ofString("over tls")).build(), BodyHandlers.ofString());
                assertEquals("over tls", echo.body());

                RecordingListener listener = new RecordingListener();
                WebSocket socket = client.newWebSocketBuilder().connectTimeout(TIMEOUT)
                        .buildAsync(URI.create("wss://localhost:" + port(server) + "/ws/echo"), listener)
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                try {
                    socket.sendText("through wss", true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    assertEquals("through wss", listener.nextText(TIMEOUT));
                } finally {
                    socket.abort();
                }
            }
        } finally {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aKeystoreNamedOnTheCommandLineIsServedInstead(ConnectorKind kind) throws Exception {
        SelfSignedKeyStore own = SelfSignedKeyStore.create("127.0.0.1"); // stands for the operator's real keystore
        Server server = CorralDemo.start(DemoOptions.parse(List.of("0", "--keystore=" + own.keyStore(),
                "--keystore-password=" + own.password(), "--connector=" + kind.optionName(),
                "--war=" + System.getProperty("war.sample.file"))));
        try {
            assertEquals(own.keyStore().toString(), keyStorePath(server).toString());
            Certificate certificate = readPem(own.certificate());
            try (HttpClient client = clientTrusting(certificate)) {
                HttpResponse<String> plaintext = client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + port(server) + "/plaintext")).timeout(TIMEOUT).build(),
                        BodyHandlers.ofString());
                assertEquals("Hello, World!", plaintext.body());
                assertEquals(certificate, plaintext.sslSession().orElseThrow().getPeerCertificates()[0]);
            }
            assertTrue(server.getConnectors()[0].getClass().getSimpleName()
                    .equals(kind == ConnectorKind.CORRAL ? "CorralConnector" : "ServerConnector"));
        } finally {
            server.stop();
        }
    }

    private static int port(Server server) {
        return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static Path keyStorePath(Server server) {
        return ((AbstractConnector) server.getConnectors()[0]).getConnectionFactory(SslConnectionFactory.class)
                .getSslContextFactory().getKeyStoreResource().getPath();
    }

    private static Certificate readPem(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static HttpClient clientTrusting(Certificate certificate) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("demo", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(TIMEOUT).build();
    }
}
