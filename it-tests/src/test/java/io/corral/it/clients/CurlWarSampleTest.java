package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.RequiredTool;
import io.corral.jetty.demo.ConnectorKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a user of {@code curl} sees from the built war-sample, served by the demo launcher on each
 * connector: the same command lines, the same bytes. curl is installed by {@code src/test/sh/install-curl.sh}
 * (Debian's package) when missing; the tests are skipped, saying why, only when it cannot be installed
 * ({@link RequiredTool}: a failure instead in CI).
 */
class CurlWarSampleTest {

    /** curl's own limit for one invocation; the process is killed a little later if it ignores it. */
    private static final int CURL_MAX_SECONDS = 60;
    private static final Duration DEADLINE = Duration.ofSeconds(CURL_MAX_SECONDS + 30);

    private static final DemoServers SERVERS = new DemoServers();

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installCurl() throws Exception {
        ExternalProcess install = ExternalProcess.run(List.of("bash", "src/test/sh/install-curl.sh"),
                Path.of("."), scratch, Duration.ofMinutes(5));
        RequiredTool.assumeInstalled(install.exitCode() == 0, () -> "curl could not be installed: " + install.stderr());
    }

    @AfterAll
    static void stopServers() throws Exception {
        SERVERS.close();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("keep-alive: two URLs in one curl invocation are served over one connection")
    void twoUrlsInOneInvocationShareOneConnection(ConnectorKind kind) throws Exception {
        String url = SERVERS.base(kind) + "/plaintext";
        Path first = scratch.resolve(kind + "-first");
        Path second = scratch.resolve(kind + "-second");
        ExternalProcess curl = curl("-o", first.toString(), "-o", second.toString(),
                "-w", "%{num_connects} %{http_code}\\n", url, url);

        assertEquals("1 200\n0 200\n", curl.assertSucceeded("curl").stdoutText(),
                "new connections opened and status, per URL");
        assertEquals("Hello, World!", Files.readString(first));
        assertEquals("Hello, World!", Files.readString(second));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("chunked upload: a 3 MiB body sent with Transfer-Encoding: chunked is echoed byte for byte")
    void chunkedUploadIsEchoedByteForByte(ConnectorKind kind) throws Exception {
        byte[] body = randomBody(kind + "-chunked", 3 << 20);
        Path echoed = scratch.resolve(kind + "-chunked-echo");
        ExternalProcess curl = curl("-v", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + bodyFile(kind + "-chunked", body), "-o", echoed.toString(),
                "-w", "%{http_code}", SERVERS.base(kind) + "/echo");

        assertEquals("200", curl.assertSucceeded("curl").stdoutText());
        assertTrue(curl.stderr().contains("> Transfer-Encoding: chunked"), "curl sent the body chunked");
        assertArrayEquals(body, Files.readAllBytes(echoed));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("Expect: 100-continue: curl gets 100 Continue before it sends the body, then the echo")
    void expectContinueUploadGetsA100ThenTheEcho(ConnectorKind kind) throws Exception {
        byte[] body = randomBody(kind + "-expect", 1 << 20);
        Path echoed = scratch.resolve(kind + "-expect-echo");
        // Without a 100 curl would wait the whole 30 s timeout and then send anyway: the 100 line proves it came.
        ExternalProcess curl = curl("-v", "-H", "Expect: 100-continue", "--expect100-timeout", "30",
                "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + bodyFile(kind + "-expect", body),
                "-o", echoed.toString(), "-w", "%{http_code}", SERVERS.base(kind) + "/echo");

        assertEquals("200", curl.assertSucceeded("curl").stdoutText());
        assertTrue(curl.stderr().contains("< HTTP/1.1 100 Continue"), () -> "no 100 Continue: " + curl.stderr());
        assertArrayEquals(body, Files.readAllBytes(echoed));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("HEAD (curl -I): the GET's headers, no body, and the connection stays usable")
    void headAnswersTheGetHeadersWithoutABody(ConnectorKind kind) throws Exception {
        String url = SERVERS.base(kind) + "/plaintext";
        Path firstHead = scratch.resolve(kind + "-head-1");
        Path secondHead = scratch.resolve(kind + "-head-2");
        ExternalProcess head = curl("-I", "-o", firstHead.toString(), "-o", secondHead.toString(),
                "-w", "%{num_connects} %{http_code}\\n", url, url);
        Path getHeaders = scratch.resolve(kind + "-get-headers");
        curl("-D", getHeaders.toString(), "-o", "/dev/null", url).assertSucceeded("curl GET");

        // A stray body after the first HEAD response would be read as the second response's status line.
        assertEquals("1 200\n0 200\n", head.assertSucceeded("curl -I").stdoutText());
        assertEquals(withoutDate(Files.readString(getHeaders)), withoutDate(Files.readString(firstHead)));
        assertEquals(withoutDate(Files.readString(firstHead)), withoutDate(Files.readString(secondHead)));
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    @DisplayName("--limit-rate: a 6 MiB echo read (and sent) at 3 MB/s arrives byte for byte")
    void rateLimitedLargeEchoArrivesByteForByte(ConnectorKind kind) throws Exception {
        byte[] body = randomBody(kind + "-large", 6 << 20);
        Path echoed = scratch.resolve(kind + "-large-echo");
        ExternalProcess curl = curl("--limit-rate", "3M", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + bodyFile(kind + "-large", body), "-o", echoed.toString(),
                "-w", "%{http_code} %{size_download}", SERVERS.base(kind) + "/echo");

        assertEquals("200 " + body.length, curl.assertSucceeded("curl").stdoutText());
        assertArrayEquals(body, Files.readAllBytes(echoed));
    }

    /**
     * The same curl command line on both connectors prints the same status line, headers and body; only
     * {@code Date} may differ, and the port, which Jetty's error pages quote in the request URI.
     */
    @ParameterizedTest(name = "curl -i {0}")
    @ValueSource(strings = {"/plaintext", "-I /plaintext", "/echo", "/no-such-page", "-d hello /echo",
            "-H Transfer-Encoding:chunked -d hello /echo"})
    @DisplayName("what curl -i shows is the same on both connectors")
    void curlShowsTheSameResponseOnBothConnectors(String request) throws Exception {
        List<String> shown = new ArrayList<>();
        for (ConnectorKind kind : ConnectorKind.values()) {
            List<String> arguments = new ArrayList<>(List.of("-i"));
            String[] words = request.split(" ");
            arguments.addAll(List.of(words).subList(0, words.length - 1));
            arguments.add(SERVERS.base(kind) + words[words.length - 1]);
            String output = curl(arguments.toArray(String[]::new)).assertSucceeded("curl").stdoutText();
            shown.add(withoutDate(output).replace(":" + SERVERS.port(kind) + "/", ":PORT/"));
        }
        assertEquals(shown.get(0), shown.get(1), "corral first, jetty second");
    }

    private static ExternalProcess curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error",
                "--connect-timeout", "10", "--max-time", String.valueOf(CURL_MAX_SECONDS)));
        command.addAll(List.of(arguments));
        return ExternalProcess.run(command, scratch, scratch, DEADLINE);
    }

    private static byte[] randomBody(String seed, int size) {
        byte[] body = new byte[size];
        new Random(seed.hashCode()).nextBytes(body);
        return body;
    }

    private static Path bodyFile(String name, byte[] body) throws Exception {
        return Files.write(scratch.resolve(name + ".bin"), body);
    }

    private static String withoutDate(String headers) {
        return headers.lines().filter(line -> !line.regionMatches(true, 0, "Date:", 0, 5))
                .collect(Collectors.joining("\n"));
    }
}
