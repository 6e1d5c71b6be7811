package io.corral.it.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A jetty-base as a user makes one from the stock jetty-home (unpacked by Maven into {@code target/}): a
 * directory, optionally with corral-jetty-module.zip unzipped into it, set up by {@code start.jar
 * --add-modules=…}, and the server {@code start.jar} then runs from it as a child process of the JDK running
 * the test, its output in a log file beside the base.
 */
final class JettyBase {

    static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final Path home;
    private final Path dir;
    private final Path log;
    private Process server;
    private int port;

    private JettyBase(Path home, Path dir) {
        this.home = home;
        this.dir = dir;
        this.log = dir.resolveSibling(dir.getFileName() + "-server.log");
    }

    /** The stock jetty-home the build unpacked ({@code -Djetty.home.dir}). */
    static Path stockHome() {
        return existing(System.getProperty("jetty.home.dir"), "start.jar");
    }

    /** The unpacked corral-jetty-module.zip ({@code -Dcorral.overlay.dir}). */
    static Path corralOverlay() {
        return existing(System.getProperty("corral.overlay.dir"), "modules/corral.mod");
    }

    /** The built war-sample.war ({@code -Dwar.sample.file}). */
    static Path warSample() {
        return existing(System.getProperty("war.sample.file"), "");
    }

    /** Jetty's published ee10 demo WARs the build copied, as they are ({@code -Ddemo.wars.dir}). */
    static Path jettyDemoWars() {
        return existing(System.getProperty("demo.wars.dir"), "ee10-demo-simple.war");
    }

    /**
     * A fresh base {@code target/<name>}: the Corral overlay copied in when {@code withCorral}, then
     * {@code start.jar --add-modules=<modules>}, which must succeed.
     */
    static JettyBase create(String name, boolean withCorral, String modules) throws Exception {
        return create(name, withCorral, modules, dir -> { });
    }

    /** As {@link #create(String, boolean, String)}, with {@code prepare} run on the base before --add-modules. */
    static JettyBase create(String name, boolean withCorral, String modules, Preparation prepare) throws Exception {
        Path home = stockHome();
        Path dir = home.getParent().resolve(name);
        deleteRecursively(dir);
        if (withCorral) {
            copyRecursively(corralOverlay(), dir);
        } else {
            Files.createDirectories(dir);
        }
        prepare.prepare(dir);
        JettyBase base = new JettyBase(home, dir);
        Path setupLog = home.getParent().resolve(name + "-setup.log");
        Process setup = base.startJar(setupLog, "--add-modules=" + modules);
        assertTrue(setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --add-modules hung");
        assertEquals(0, setup.exitValue(), () -> "start.jar --add-modules failed:\n" + read(setupLog));
        return base;
    }

    /** What a test does to a base before {@code --add-modules} (files start.jar must find, not download). */
    @FunctionalInterface
    interface Preparation {
        void prepare(Path base) throws IOException;
    }

    Path dir() {
        return dir;
    }

    Path home() {
        return home;
    }

    /** The running server's output (start.jar's and, with {@code --exec}, the forked JVM's). */
    Path log() {
        return log;
    }

    String logText() {
        return read(log);
    }

    Process server() {
        return server;
    }

    int port() {
        return port;
    }

    /**
     * Starts the server on 127.0.0.1 and a free port and waits until {@code probePath} answers 200; returns
     * every other status a probe got before that (a request during start-up must wait, not get a 404).
     */
    List<Integer> start(String probePath, String... arguments) throws Exception {
        port = freePort();
        List<String> all = new ArrayList<>(List.of("jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        all.addAll(List.of(arguments));
        server = startJar(log, all.toArray(String[]::new));
        return awaitServing(server, log, port, probePath);
    }

    /** Stops the server, if it runs: start.jar may have forked a JVM of its own, so the whole tree, children first. */
    void stop() throws Exception {
        if (server != null) {
            stopTree(server);
        }
    }

    /** Runs start.jar in this base with the JDK running this test, output to {@code output}. */
    Process startJar(Path output, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", home.resolve("start.jar").toString(),
                "jetty.home=" + home, "jetty.base=" + dir));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    /** Lines of the log saying a connector started ({@code Started …Connector@…}). */
    List<String> startedConnectors() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("Started ") && line.contains("Connector@"))
                .toList();
    }

    /**
     * Waits until {@code server} answers 200 on {@code probePath} at 127.0.0.1:{@code port}; returns every other
     * status a probe got before that. Fails at once when the server exits, showing its {@code log}.
     */
    static List<Integer> awaitServing(Process server, Path log, int port, String probePath) throws Exception {
        List<Integer> answers = new ArrayList<>();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (probe) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    HttpResponse<Void> response = probe.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + probePath)).timeout(Duration.ofSeconds(2))
                            .GET().build(), BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return answers;
                    }
                    answers.add(response.statusCode());
                } catch (IOException notYet) {
                    // Not listening yet, or the webapps are still deploying.
                }
                // Waits on the process's exit with a short timeout: a dead server fails fast, a live one is re-probed.
                try {
                    server.onExit().get(250, TimeUnit.MILLISECONDS);
                    throw new AssertionError("Jetty exited with " + server.exitValue() + ":\n" + read(log));
                } catch (TimeoutException stillRunning) {
                    // expected
                } catch (ExecutionException impossible) {
                    throw new AssertionError(impossible);
                }
            }
        }
        throw new AssertionError("Jetty did not serve " + probePath + " within " + START_TIMEOUT + ":\n" + read(log));
    }

    /** Stops a process tree, children first: SIGTERM (Jetty's shutdown hook stops the server), then SIGKILL. */
    static void stopTree(Process root) throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root.toHandle());
        for (ProcessHandle process : tree) {
            process.destroy();
        }
        for (ProcessHandle process : tree) {
            try {
                process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException stuck) {
                process.destroyForcibly();
                process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static Path existing(String directory, String expectedFile) {
        assertTrue(directory != null, "system property not set: run through Maven (see it-tests/pom.xml)");
        Path path = Path.of(directory).toAbsolutePath();
        assertTrue(Files.exists(path.resolve(expectedFile)), () -> "missing " + path.resolve(expectedFile));
        return path;
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException failure) {
            return "(no log: " + failure + ")";
        }
    }

    static void copyRecursively(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path destination = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        }
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException failure) {
                    throw new UncheckedIOException(failure);
                }
            });
        }
    }
}
