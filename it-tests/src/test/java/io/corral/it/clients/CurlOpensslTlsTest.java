package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.demo.ConnectorKind;
import io.corral.jetty.demo.CorralDemo;
import io.corral.jetty.demo.DemoOptions;
import io.corral.jetty.demo.SelfSignedKeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS as {@code curl} and {@code openssl s_client} see it, from the demo launcher on each connector, the same
 * command lines for both: the demo's self-signed certificate trusted with {@code --cacert}/{@code -CAfile} (or not
 * at all, {@code -k}), ALPN agreeing on {@code http/1.1} on Corral (ServerConnector without Jetty's alpn module agrees
 * on nothing: a documented difference) and on nothing when the client offers only {@code h2},
 * keep-alive over TLS, and SNI choosing between two certificates of one keystore ({@code --keystore}). curl and
 * openssl are installed by {@code src/test/sh/install-tools.sh} (Debian's packages) when missing; the tests are
 * skipped, saying why, only when they cannot be.
 */
class CurlOpensslTlsTest {

    private static final String PASSWORD = "corral-it";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** Per connector: the demo with {@code --tls}, and the demo with the two-host keystore. */
    private static final Map<ConnectorKind, Server> SELF_SIGNED = new HashMap<>();
    private static final Map<ConnectorKind, Server> TWO_HOSTS = new HashMap<>();

    @TempDir
    static Path scratch;
    private static Path twoHostKeyStore;
    private static Path twoHostCertificates;

    @BeforeAll
    static void installToolsAndMakeTheTwoHostKeyStore() throws Exception {
        ExternalProcess install = ExternalProcess.run(List.of("bash", "src/test/sh/install-tools.sh", "curl", "openssl"),
                Path.of("."), scratch, Duration.ofMinutes(10));
        Assumptions.assumeTrue(install.exitCode() == 0, () -> "curl/openssl could not be installed: " + install.stderr());
        twoHostKeyStore = scratch.resolve("two-hosts.p12");
        twoHostCertificates = scratch.resolve("two-hosts.pem");
        StringBuilder bundle = new StringBuilder();
        for (String host : List.of("alpha.test", "beta.test")) {
            String alias = host.substring(0, host.indexOf('.'));
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + host,
                    "-ext", "SAN=dns:" + host, "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", twoHostKeyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
            Path pem = scratch.resolve(alias + ".pem");
            keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", twoHostKeyStore.toString(),
                    "-storepass", PASSWORD, "-file", pem.toString());
            bundle.append(Files.readString(pem));
        }
        Files.writeString(twoHostCertificates, bundle);
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (Server server : SELF_SIGNED.values()) {
            server.stop();
        }
        for (Server server : TWO_HOSTS.values()) {
            server.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("curl --cacert: the demo's certificate verifies, the page comes over HTTP/1.1; ALPN as each connector does it")
    void curlTrustingTheDemosCertificate(ConnectorKind kind) throws Exception {
        Path body = scratch.resolve(kind + "-cacert-body");
        ExternalProcess curl = curl("-v", "--cacert", pem(kind).toString(), "-o", body.toString(),
                "-w", "%{http_code} %{http_version} %{ssl_verify_result}", url(kind, "/plaintext"));
        assertEquals("200 1.1 0", curl.assertSucceeded("curl --cacert").stdoutText());
        assertEquals("Hello, World!", Files.readString(body));
        // Corral always agrees on http/1.1 when offered; ServerConnector only with Jetty's alpn module, which the
        // demo does not add (README, "What differs from ServerConnector, on purpose").
        boolean agreed = curl.stderr().matches("(?s).*ALPN[:,] server accepted (to use )?http/1\\.1.*");
        assertEquals(kind == ConnectorKind.CORRAL, agreed, curl.stderr());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("curl without the certificate refuses the server (exit 60); curl -k goes on")
    void curlWithoutTrustAndWithK(ConnectorKind kind) throws Exception {
        ExternalProcess untrusting = curl("-o", "/dev/null", url(kind, "/plaintext"));
        assertEquals(60, untrusting.exitCode(), untrusting.stderr());
        ExternalProcess insecure = curl("-k", "-o", "/dev/null", "-w", "%{http_code}", url(kind, "/plaintext"));
        assertEquals("200", insecure.assertSucceeded("curl -k").stdoutText());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("keep-alive over TLS: two URLs in one curl invocation share one connection and one handshake")
    void keepAliveOverTls(ConnectorKind kind) throws Exception {
        String url = url(kind, "/plaintext");
        ExternalProcess curl = curl("--cacert", pem(kind).toString(), "-o", "/dev/null", "-o", "/dev/null",
                "-w", "%{num_connects} %{http_code}\\n", url, url);
        assertEquals("1 200\n0 200\n", curl.assertSucceeded("curl").stdoutText());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("SNI: curl reaching alpha.test and beta.test gets, and verifies, each host's own certificate")
    void curlSniChoosesTheCertificate(ConnectorKind kind) throws Exception {
        int port = port(twoHosts(kind));
        for (String host : List.of("alpha.test", "beta.test")) {
            ExternalProcess curl = curl("-v", "--cacert", twoHostCertificates.toString(),
                    "--resolve", host + ":" + port + ":127.0.0.1", "-o", "/dev/null", "-w", "%{http_code}",
                    "https://" + host + ":" + port + "/plaintext");
            assertEquals("200", curl.assertSucceeded("curl " + host).stdoutText());
            assertTrue(curl.stderr().contains("subject: CN=" + host), curl.stderr());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("openssl s_client -alpn http/1.1 -CAfile: the chain verifies; Corral agrees on http/1.1 by ALPN")
    void opensslAgreesOnHttp11(ConnectorKind kind) throws Exception {
        ExternalProcess openssl = sClient(port(selfSigned(kind)), "-servername", "localhost", "-alpn", "http/1.1",
                "-CAfile", pem(kind).toString(), "-verify_return_error");
        String out = openssl.assertSucceeded("openssl s_client").stdoutText();
        assertTrue(out.contains(kind == ConnectorKind.CORRAL ? "ALPN protocol: http/1.1" : "No ALPN negotiated"), out);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("openssl s_client -alpn h2: nothing in common, no ALPN agreed, the handshake still succeeds")
    void opensslOfferingOnlyH2GetsNoAlpn(ConnectorKind kind) throws Exception {
        ExternalProcess openssl = sClient(port(selfSigned(kind)), "-servername", "localhost", "-alpn", "h2");
        String out = openssl.assertSucceeded("openssl s_client").stdoutText();
        assertTrue(out.contains("No ALPN negotiated"), out);
        assertTrue(out.contains("Cipher is "), out);
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("openssl s_client -servername: each name gets its own certificate")
    void opensslSniChoosesTheCertificate(ConnectorKind kind) throws Exception {
        for (String host : List.of("beta.test", "alpha.test")) {
            ExternalProcess openssl = sClient(port(twoHosts(kind)), "-servername", host,
                    "-CAfile", twoHostCertificates.toString(), "-verify_hostname", host, "-verify_return_error");
            String out = openssl.assertSucceeded("openssl s_client -servername " + host).stdoutText();
            assertTrue(out.replace(" ", "").contains("subject=CN=" + host), out);
            assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        }
    }

    private static synchronized Server selfSigned(ConnectorKind kind) throws Exception {
        Server server = SELF_SIGNED.get(kind);
        if (server == null) {
            server = CorralDemo.start(DemoOptions.parse(List.of("0", "--tls", "--connector=" + kind.optionName(),
                    "--war=" + System.getProperty("war.sample.file"))));
            SELF_SIGNED.put(kind, server);
        }
        return server;
    }

    private static synchronized Server twoHosts(ConnectorKind kind) throws Exception {
        Server server = TWO_HOSTS.get(kind);
        if (server == null) {
            server = CorralDemo.start(DemoOptions.parse(List.of("0", "--keystore=" + twoHostKeyStore,
                    "--keystore-password=" + PASSWORD, "--connector=" + kind.optionName(),
                    "--war=" + System.getProperty("war.sample.file"))));
            TWO_HOSTS.put(kind, server);
        }
        return server;
    }

    private static String url(ConnectorKind kind, String path) throws Exception {
        return "https://localhost:" + port(selfSigned(kind)) + path;
    }

    /** The PEM of the self-signed certificate the {@code --tls} demo made, which it writes beside its keystore. */
    private static Path pem(ConnectorKind kind) throws Exception {
        Path keyStore = ((AbstractConnector) selfSigned(kind).getConnectors()[0])
                .getConnectionFactory(SslConnectionFactory.class).getSslContextFactory().getKeyStoreResource().getPath();
        return keyStore.resolveSibling(SelfSignedKeyStore.PEM_NAME);
    }

    private static int port(Server server) {
        return ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
    }

    private static ExternalProcess curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        command.addAll(List.of(arguments));
        return ExternalProcess.run(command, scratch, scratch, DEADLINE);
    }

    /** {@code openssl s_client -connect 127.0.0.1:PORT …} with stdin at its end: handshake, print, close. */
    private static ExternalProcess sClient(int port, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port));
        command.addAll(List.of(arguments));
        return ExternalProcess.run(command, scratch, scratch, DEADLINE);
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, "keytool failed: " + output);
    }
}
