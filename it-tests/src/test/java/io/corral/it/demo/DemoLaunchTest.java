package io.corral.it.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo started the ways operators start it, each as a process of its own: on the module path (both Corral
 * jars are named modules, {@code io.corral.connector} and {@code io.corral.jetty}), and socket-activated — Debian's
 * {@code systemd-socket-activate} binds the socket, starts the demo on the first connection and hands it the
 * listening socket on standard input ({@code --inetd}, what a systemd unit with {@code StandardInput=socket} does),
 * and Corral's {@code setInheritChannel(true)} serves on it. The socket is a Unix domain one, because
 * systemd-socket-activate cannot bind an ephemeral TCP port and the tests bind no fixed one.
 */
class DemoLaunchTest {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Pattern SERVING = Pattern.compile("Corral demo serving .* on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path directory;

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The adapter jar and its runtime dependencies, as bin/demo runs them. */
    private static String demoPath() throws IOException {
        Path adapter = Path.of(System.getProperty("corral.adapter.jar"));
        Path classpath = Path.of(System.getProperty("corral.demo.classpath"));
        assertTrue(Files.exists(adapter) && Files.exists(classpath), "the adapter is packaged: " + adapter);
        return adapter + ":" + Files.readString(classpath).strip();
    }

    private static Path war() {
        return Path.of(System.getProperty("war.sample.file"));
    }

    @Test
    @DisplayName("java -m io.corral.jetty/…CorralDemo: the demo runs from the module path and serves the WAR")
    void theDemoRunsOnTheModulePath() throws Exception {
        Path log = directory.resolve("demo.log");
        Process demo = new ProcessBuilder(java(), "--module-path", demoPath(), "--add-modules", "ALL-MODULE-PATH",
                "-m", "io.corral.jetty/io.corral.jetty.demo.CorralDemo", "0", "--war=" + war())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            int port = Integer.parseInt(awaitLine(demo, log, SERVING).group(1));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/plaintext"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals("Hello, World!", response.body());
            String output = Files.readString(log);
            assertFalse(output.contains("Exception"), output);
        } finally {
            stop(demo);
        }
    }

    @Test
    @DisplayName("systemd-socket-activate --inetd: the demo serves on the listening socket it inherited")
    void theDemoServesOnAnInheritedSocket() throws Exception {
        requireTool("systemd-socket-activate");
        requireTool("curl");
        Path socket = directory.resolve("demo.sock");
        Path log = directory.resolve("demo.log");
        List<String> command = new ArrayList<>(List.of("systemd-socket-activate", "--inetd", "-l", socket.toString(),
                java(), "-cp", demoPath(), "io.corral.jetty.demo.CorralDemo", "--inherit-channel", "--war=" + war()));
        Process activator = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLine(activator, log, Pattern.compile("Listening on " + Pattern.quote(socket.toString())));
            // The first connection starts the demo; it waits in the backlog of the socket the demo inherits.
            Process curl = new ProcessBuilder("curl", "-sS", "--max-time", String.valueOf(START.toSeconds()),
                    "--unix-socket", socket.toString(), "http://localhost/plaintext").redirectErrorStream(true).start();
            String body = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(curl.waitFor(START.toSeconds() + 10, TimeUnit.SECONDS), "curl finished");
            assertEquals("Hello, World!", body, () -> "curl got: " + body + "\n" + readQuietly(log));
            String output = Files.readString(log);
            assertTrue(output.contains("listening on the inherited channel unix:" + socket), output);
        } finally {
            stop(activator); // systemd-socket-activate exec()s the demo: this is the demo's JVM
        }
        assertFalse(Files.exists(socket), "the demo removed the socket file when it stopped");
    }

    private static void requireTool(String command) throws Exception {
        Path install = Path.of(System.getProperty("corral.test.tools"), "install.sh");
        Process process = new ProcessBuilder("bash", install.toString(), command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = process.waitFor(10, TimeUnit.MINUTES) && process.exitValue() == 0;
        Assumptions.assumeTrue(installed, () -> command + " could not be installed: " + output);
    }

    /** Waits for {@code pattern} in the process's log, failing with the log if the process dies or time runs out. */
    private static Matcher awaitLine(Process process, Path log, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() - deadline < 0) {
            Matcher matcher = pattern.matcher(readQuietly(log));
            if (matcher.find()) {
                return matcher;
            }
            if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("exited with " + process.exitValue() + " before '" + pattern + "': "
                        + readQuietly(log));
            }
        }
        throw new AssertionError("no '" + pattern + "' within " + START + ": " + readQuietly(log));
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: Jetty's shutdown hook stops the server
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
