package io.corral.it.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * h2c as a jetty-home user switches it on: {@code --add-modules=corral,http2c,ee10-deploy,ee10-websocket-jakarta}.
 * jetty-home's stock {@code http2c} module adds an {@code HTTP2CServerConnectionFactory} to the connector with the id
 * {@code httpConnector}, which corral.mod's connector is: so the war-sample is served over Corral's own HTTP/2, by
 * prior knowledge to {@code curl --http2-prior-knowledge} (Debian's curl, built with nghttp2) and by
 * {@code Upgrade: h2c} to the JDK's HttpClient, while HTTP/1.1 and WebSocket stay as they were on the same port.
 */
class JettyHomeH2cTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    static Path scratch;
    private static JettyBase base;

    @BeforeAll
    static void startWithTheStockHttp2cModule() throws Exception {
        Process install = new ProcessBuilder("bash", "src/test/sh/install-tools.sh", "curl")
                .redirectErrorStream(true).redirectOutput(scratch.resolve("install.txt").toFile()).start();
        boolean installed = install.waitFor(10, TimeUnit.MINUTES) && install.exitValue() == 0;
        Assumptions.assumeTrue(installed, () -> "curl could not be installed: " + read(scratch.resolve("install.txt")));
        base = JettyBase.create("jetty-base-h2c", true, "corral,http2c,ee10-deploy,ee10-websocket-jakarta");
        Files.copy(JettyBase.warSample(), base.dir().resolve("webapps").resolve("ROOT.war"));
        base.start("/plaintext");
    }

    @AfterAll
    static void stop() throws Exception {
        if (base != null) {
            base.stop();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** Runs curl to completion; returns its standard output (the body, then what {@code -w} writes). */
    private static String curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "30"));
        command.addAll(List.of(arguments));
        Path out = Files.createTempFile(scratch, "curl", ".txt");
        Path err = Files.createTempFile(scratch, "curl", ".err");
        Process curl = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(curl.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "curl finished within " + DEADLINE);
        assertEquals(0, curl.exitValue(), () -> "curl failed: " + read(err));
        return read(out);
    }

    @Test
    void theConnectorIsCorralsAndNamesH2c() throws Exception {
        List<String> started = base.startedConnectors();
        assertTrue(started.size() == 1 && started.get(0).contains("CorralConnector@")
                && started.get(0).contains("h2c"), started::toString);
    }

    @Test
    void curlByPriorKnowledgeGetsThePlaintext() throws Exception {
        String seen = curl("--http2-prior-knowledge", "--write-out", "\n%{http_version} %{http_code}",
                "http://127.0.0.1:" + base.port() + "/plaintext");
        assertEquals("Hello, World!\n2 200", seen);
    }

    @Test
    void curlByPriorKnowledgePostsToTheEcho() throws Exception {
        String seen = curl("--http2-prior-knowledge", "--data-binary", "over h2c", "-H", "Content-Type: text/plain",
                "--write-out", "\n%{http_version} %{http_code} %{content_type}",
                "http://127.0.0.1:" + base.port() + "/echo");
        assertEquals("over h2c\n2 200 text/plain", seen);
    }

    @Test
    void jdkClientUpgradesToH2c() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(DEADLINE)
                .build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + base.port() + "/plaintext")).timeout(DEADLINE).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertEquals("Hello, World!", response.body());
        }
    }

    @Test
    void http11StaysTheDefault() throws Exception {
        String seen = curl("--http1.1", "--write-out", "\n%{http_version} %{http_code}",
                "http://127.0.0.1:" + base.port() + "/plaintext");
        assertEquals("Hello, World!\n1.1 200", seen);
    }
}
