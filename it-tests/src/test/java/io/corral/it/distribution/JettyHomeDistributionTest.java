package io.corral.it.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.it.websocket.RecordingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Corral as a user installs it (DESIGN §3 "Distribution"): a stock jetty-home 12.1.8, a fresh jetty-base
 * with corral-jetty-module.zip unzipped into it, {@code start.jar --add-modules=corral,ee10-deploy,
 * ee10-websocket-jakarta}, the war-sample dropped in as {@code webapps/ROOT.war}, and the server started
 * as a child process of the JDK running this test. Then the WAR's contract is checked over the wire, and
 * the log must show that Corral's connector, not the stock http module's, serves the port.
 */
class JettyHomeDistributionTest {

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();

    /** start.d/jvm.ini exactly as the README shows it. */
    private static final String JVM_INI = "--exec\n-Djdk.trackAllThreads=false\n";

    /** Every status the start-up probes got before the first 200: a request during start-up must wait, not 404. */
    private static final List<Integer> STARTUP_ANSWERS = new ArrayList<>();

    private static Path jettyHome;
    private static Path jettyBase;
    private static Path serverLog;
    private static Process server;
    private static int port;

    @BeforeAll
    static void installAndStartJettyHomeWithCorral() throws Exception {
        jettyHome = existing(System.getProperty("jetty.home.dir"), "start.jar");
        Path overlay = existing(System.getProperty("corral.overlay.dir"), "modules/corral.mod");
        Path war = existing(System.getProperty("war.sample.file"), "");
        Path target = jettyHome.getParent();
        jettyBase = target.resolve("jetty-base");
        deleteRecursively(jettyBase);
        copyRecursively(overlay, jettyBase);

        Path setupLog = target.resolve("jetty-base-setup.log");
        Process setup = startJetty(jettyBase, setupLog, "--add-modules=corral,ee10-deploy,ee10-websocket-jakarta");
        assertTrue(setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --add-modules hung");
        assertEquals(0, setup.exitValue(), () -> "start.jar --add-modules failed:\n" + read(setupLog));

        Files.copy(war, jettyBase.resolve("webapps").resolve("ROOT.war"));
        // The README's lines for a production base: a forked JVM without the JDK's virtual-thread tracking.
        Files.writeString(jettyBase.resolve("start.d/jvm.ini"), JVM_INI, StandardCharsets.UTF_8);
        port = freePort();
        serverLog = target.resolve("jetty-base-server.log");
        server = startJetty(jettyBase, serverLog, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
        awaitServing(server, serverLog, port);
    }

    @AfterAll
    static void stopJetty() throws Exception {
        CLIENT.close();
        if (server == null) {
            return;
        }
        stopTree(server);
        // Checked last, over the whole run including shutdown: every exchange above was well-behaved, so
        // anything the server found worth a warning is a defect (e.g. a WebSocket bridge error).
        List<String> warnings = Files.readAllLines(serverLog, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(":WARN :") || line.contains(":ERROR:"))
                .toList();
        assertEquals(List.of(), warnings, () -> "the server logged warnings:\n" + read(serverLog));
    }

    @Test
    @DisplayName("--add-modules enabled corral, and not the stock http module it replaces")
    void theBaseEnablesCorralInsteadOfHttp() {
        assertTrue(Files.isRegularFile(jettyBase.resolve("start.d/corral.ini")), "start.d/corral.ini");
        assertFalse(Files.exists(jettyBase.resolve("start.d/http.ini")), "start.d/http.ini must not exist");
    }

    @Test
    @DisplayName("corral.mod [provides] http: start.jar refuses to run the stock http module beside it")
    void theStockHttpModuleCannotRunBesideCorral() throws Exception {
        Path log = jettyHome.getParent().resolve("jetty-base-http-refused.log");
        Process dryRun = startJetty(jettyBase, log, "--dry-run", "--module=http"); // --dry-run never changes the base
        assertTrue(dryRun.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --dry-run hung");
        String output = read(log);
        assertTrue(dryRun.exitValue() != 0, () -> "start.jar accepted http beside corral:\n" + output);
        assertTrue(output.contains("already provided by corral"), output);
    }

    @Test
    @DisplayName("The port is served by CorralConnector: the stock ServerConnector never started")
    void corralsConnectorServesThePort() throws IOException {
        List<String> started = Files.readAllLines(serverLog, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains("Started ") && line.contains("Connector@"))
                .toList();
        String bound = "{127.0.0.1:" + port + "}";
        assertEquals(1, started.size(), () -> "expected one started connector, log says: " + started);
        assertTrue(started.get(0).contains("CorralConnector@") && started.get(0).contains(bound),
                () -> "not Corral on " + bound + ": " + started.get(0));
        assertTrue(started.stream().noneMatch(line -> line.contains("ServerConnector@")), started::toString);
    }

    @Test
    @DisplayName("Requests sent while the webapps deploy wait and get real answers: no 404 before the first 200")
    void noRequestDuringStartUpGotA404() {
        assertFalse(STARTUP_ANSWERS.contains(404), () -> "answers during start-up: " + STARTUP_ANSWERS);
    }

    @Test
    @DisplayName("start.d/jvm.ini as in the README: start.jar forks a JVM that runs with -Djdk.trackAllThreads=false")
    void theReadmesJvmIniForksAJvmWithoutThreadTracking() {
        List<String> forked = server.descendants().map(JettyHomeDistributionTest::commandLine).toList();
        assertTrue(forked.stream().anyMatch(arguments -> arguments.contains("-Djdk.trackAllThreads=false")),
                () -> "no forked JVM with the flag among: " + forked);
    }

    @Test
    @DisplayName("On Java 17, start.jar fails with one line naming the Java version Corral needs")
    void onJava17StartFailsWithOneLineNamingTheJavaVersion() throws Exception {
        Path java17 = java17();
        Assumptions.assumeTrue(java17 != null, "no Java 17 under /usr/lib/jvm to run start.jar with");
        Path log = jettyHome.getParent().resolve("jetty-base-java17.log");
        Process process = new ProcessBuilder(java17.toString(), "-jar", jettyHome.resolve("start.jar").toString(),
                "jetty.home=" + jettyHome, "jetty.base=" + jettyBase, "jetty.http.host=127.0.0.1",
                "jetty.http.port=" + freePort())
                .directory(jettyBase.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "Jetty on Java 17 did not end");
        } finally {
            stopTree(process);
        }
        // With --exec (jvm.ini) the line comes from the forked JVM, which ends with 1; start.jar itself does not
        // pass that status on. What matters to the newcomer: one line saying what to do, and no server.
        String output = read(log);
        assertFalse(output.contains("Started Server"), output);
        List<String> lines = output.lines().filter(line -> line.contains("Corral needs Java 21 or newer")).toList();
        assertEquals(1, lines.size(), output);
        assertTrue(lines.get(0).contains("Java 17"), lines.get(0));
        assertFalse(output.contains("UnsupportedClassVersionError"), output);
    }

    @Test
    @DisplayName("ee11 works too: --add-modules=corral,ee11-deploy,ee11-websocket-jakarta serves the WAR over HTTP and WebSocket")
    void ee11ServesTheWar() throws Exception {
        Path target = jettyHome.getParent();
        Path ee11Base = target.resolve("jetty-base-ee11");
        deleteRecursively(ee11Base);
        copyRecursively(Path.of(System.getProperty("corral.overlay.dir")), ee11Base);
        Path setupLog = target.resolve("jetty-base-ee11-setup.log");
        Process setup = startJetty(ee11Base, setupLog, "--add-modules=corral,ee11-deploy,ee11-websocket-jakarta");
        assertTrue(setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --add-modules hung");
        assertEquals(0, setup.exitValue(), () -> "start.jar --add-modules failed:\n" + read(setupLog));
        Files.copy(Path.of(System.getProperty("war.sample.file")), ee11Base.resolve("webapps").resolve("ROOT.war"));
        int ee11Port = freePort();
        Path log = target.resolve("jetty-base-ee11-server.log");
        Process ee11 = startJetty(ee11Base, log, "jetty.http.host=127.0.0.1", "jetty.http.port=" + ee11Port);
        try {
            awaitServing(ee11, log, ee11Port);
            HttpResponse<String> plaintext = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ee11Port + "/plaintext")).timeout(REQUEST_TIMEOUT).GET().build(),
                    BodyHandlers.ofString());
            assertEquals("Hello, World!", plaintext.body());
            RecordingListener listener = new RecordingListener();
            WebSocket socket = CLIENT.newWebSocketBuilder().connectTimeout(REQUEST_TIMEOUT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + ee11Port + "/ws/echo"), listener)
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            try {
                socket.sendText("through ee11", true).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals("through ee11", listener.nextText(REQUEST_TIMEOUT));
            } finally {
                socket.abort();
            }
            assertTrue(read(log).contains("CorralConnector@"), () -> read(log));
        } finally {
            stopTree(ee11);
        }
    }

    @Test
    void plaintextIsByteExact() throws Exception {
        HttpResponse<String> response = CLIENT.send(request("/plaintext").GET().build(), BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Hello, World!", response.body());
    }

    @Test
    void echoReturnsTheBodyAndItsContentType() throws Exception {
        byte[] body = new byte[100_000];
        new Random(42).nextBytes(body);
        HttpResponse<byte[]> response = CLIENT.send(request("/echo")
                .header("Content-Type", "application/x-corral-test")
                .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("application/x-corral-test", response.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(body, response.body());
    }

    @Test
    void webSocketEchoSendsTextAndBinaryBack() throws Exception {
        RecordingListener listener = new RecordingListener();
        WebSocket socket = CLIENT.newWebSocketBuilder()
                .connectTimeout(REQUEST_TIMEOUT)
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/echo"), listener)
                .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try {
            socket.sendText("through jetty-home", true).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("through jetty-home", listener.nextText(REQUEST_TIMEOUT));
            socket.sendBinary(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), true)
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}), listener.nextBinary(REQUEST_TIMEOUT));
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(new RecordingListener.Closed(WebSocket.NORMAL_CLOSURE, "done"), listener.next(REQUEST_TIMEOUT));
        } finally {
            socket.abort();
        }
    }

    @Test
    @DisplayName("--add-modules=corral-unixdomain: the WAR served on jetty.unixdomain.path, in place of unixdomain-http")
    void theUnixDomainModuleServesTheWarOnASocketFile() throws Exception {
        Path target = jettyHome.getParent();
        Path base = target.resolve("jetty-base-unixdomain");
        deleteRecursively(base);
        copyRecursively(Path.of(System.getProperty("corral.overlay.dir")), base);
        Path setupLog = target.resolve("jetty-base-unixdomain-setup.log");
        Process setup = startJetty(base, setupLog, "--add-modules=corral-unixdomain,ee10-deploy,ee10-annotations");
        assertTrue(setup.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --add-modules hung");
        assertEquals(0, setup.exitValue(), () -> "start.jar --add-modules failed:\n" + read(setupLog));
        assertTrue(Files.isRegularFile(base.resolve("start.d/corral-unixdomain.ini")), "start.d/corral-unixdomain.ini");

        Path refusedLog = target.resolve("jetty-base-unixdomain-refused.log");
        Process dryRun = startJetty(base, refusedLog, "--dry-run", "--module=unixdomain-http");
        assertTrue(dryRun.waitFor(SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --dry-run hung");
        assertTrue(dryRun.exitValue() != 0 && read(refusedLog).contains("already provided by corral-unixdomain"),
                () -> "start.jar accepted unixdomain-http beside corral-unixdomain:\n" + read(refusedLog));

        Files.copy(Path.of(System.getProperty("war.sample.file")), base.resolve("webapps").resolve("ROOT.war"));
        Path socket = base.resolve("corral.sock");
        Path log = target.resolve("jetty-base-unixdomain-server.log");
        Process jetty = startJetty(base, log, "jetty.unixdomain.path=" + socket);
        try {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            String answer = "";
            while (!answer.endsWith("Hello, World!") && Instant.now().isBefore(deadline) && jetty.isAlive()) {
                answer = getOverSocketFile(socket, "/plaintext");
                if (!answer.endsWith("Hello, World!")) {
                    jetty.waitFor(250, TimeUnit.MILLISECONDS);
                }
            }
            String served = answer;
            assertTrue(served.startsWith("HTTP/1.1 200 ") && served.endsWith("Hello, World!"),
                    () -> "no answer on " + socket + ": " + served + "\n" + read(log));
            String output = read(log);
            assertTrue(output.contains("Started icj.CorralConnector@") && output.contains("{unix:" + socket + "}")
                    && !output.contains("UnixDomainServerConnector@"), output);
        } finally {
            stopTree(jetty);
        }
        assertFalse(Files.exists(socket), "the socket file is removed when Jetty stops");
    }

    /** One HTTP/1.1 GET over a socket file, the whole answer as text; "" while nobody serves the file yet. */
    private static String getOverSocketFile(Path socket, String path) {
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            return new String(java.nio.channels.Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return ""; // no file yet, or nobody listening on it yet
        }
    }

    @Test
    @DisplayName("start.jar --jpms: Jetty runs on the module path, Corral's jars load as named modules and serve the WAR")
    void jpmsModeServesTheWar() throws Exception {
        int jpmsPort = freePort();
        Path log = jettyHome.getParent().resolve("jetty-base-jpms-server.log");
        Process jpms = startJetty(jettyBase, log, "--jpms", "jetty.http.host=127.0.0.1", "jetty.http.port=" + jpmsPort);
        try {
            awaitServing(jpms, log, jpmsPort);
            List<String> forked = jpms.descendants().map(JettyHomeDistributionTest::commandLine).toList();
            assertTrue(forked.stream().anyMatch(arguments -> arguments.contains("--module-path")
                            && arguments.contains("corral-connector") && arguments.contains("corral-container-adapter")),
                    () -> "no forked JVM with Corral on its module path: " + forked);
        } finally {
            stopTree(jpms);
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(REQUEST_TIMEOUT);
    }

    /** Runs start.jar in {@code base} with the JDK running this test, output to {@code log}. */
    private static Process startJetty(Path base, Path log, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar",
                jettyHome.resolve("start.jar").toString(),
                "jetty.home=" + jettyHome, "jetty.base=" + base));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command)
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** start.jar may have forked a JVM of its own: stops the whole tree, children first. */
    private static void stopTree(Process root) throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root.toHandle());
        for (ProcessHandle process : tree) {
            process.destroy(); // SIGTERM: Jetty's shutdown hook stops the server
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

    /** A process's command line: /proc has it whole, where {@code ProcessHandle.Info} may have nothing. */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException notLinux) {
            return process.info().commandLine().orElse("");
        }
    }

    /** A Java 17 installed beside the JDK running the tests, or null. */
    private static Path java17() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return null;
        }
        try (Stream<Path> installed = Files.list(jvms)) {
            return installed.filter(jdk -> jdk.getFileName().toString().contains("17"))
                    .map(jdk -> jdk.resolve("bin/java")).filter(Files::isExecutable).findFirst().orElse(null);
        }
    }

    /**
     * Polls {@code /plaintext} until it answers 200, the server dies, or the deadline passes; what the
     * main server answered before its first 200 is kept in {@link #STARTUP_ANSWERS}.
     */
    private static void awaitServing(Process jetty, Path log, int jettyPort) throws Exception {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (probe) {
            while (Instant.now().isBefore(deadline)) {
                try {
                    HttpResponse<Void> response = probe.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + jettyPort + "/plaintext")).timeout(Duration.ofSeconds(2))
                            .GET().build(), BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return;
                    }
                    if (jetty == server) {
                        STARTUP_ANSWERS.add(response.statusCode());
                    }
                } catch (IOException notYet) {
                    // Not listening yet, or the WAR is still deploying.
                }
                // Waits on the process's exit with a short timeout: a dead server fails fast, a live one is re-probed.
                try {
                    jetty.onExit().get(250, TimeUnit.MILLISECONDS);
                    throw new AssertionError("Jetty exited with " + jetty.exitValue() + ":\n" + read(log));
                } catch (TimeoutException stillRunning) {
                    // expected
                } catch (ExecutionException impossible) {
                    throw new AssertionError(impossible);
                }
            }
        }
        throw new AssertionError("Jetty did not serve /plaintext within " + START_TIMEOUT + ":\n" + read(log));
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path existing(String directory, String expectedFile) {
        assertTrue(directory != null, "system property not set: run through Maven (see it-tests/pom.xml)");
        Path path = Path.of(directory).toAbsolutePath();
        assertTrue(Files.exists(path.resolve(expectedFile)), () -> "missing " + path.resolve(expectedFile));
        return path;
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException failure) {
            return "(no log: " + failure + ")";
        }
    }

    private static void copyRecursively(Path from, Path to) throws IOException {
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

    private static void deleteRecursively(Path directory) throws IOException {
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
