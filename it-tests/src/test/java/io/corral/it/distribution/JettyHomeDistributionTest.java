package io.corral.it.distribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.it.websocket.RecordingListener;
import io.corral.jetty.demo.SelfSignedKeyStore;
import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corral as a user installs it (DESIGN §3 "Distribution"): a stock jetty-home 12.1.8, a fresh jetty-base
 * with corral-jetty-module.zip unzipped into it, {@code start.jar --add-modules=corral,ee10-deploy,
 * ee10-websocket-jakarta}, the war-sample dropped in as {@code webapps/ROOT.war}, and the server started
 * as a child process of the JDK running this test ({@link JettyBase}). Then the WAR's contract is checked over
 * the wire, and the log must show that Corral's connector, not the stock http module's, serves the port; the
 * same WAR also runs on the ee11 and ee9 environments. A base of its own adds {@code corral-https} (with the stock
 * {@code ssl-context} it depends on, and a keystore in {@code etc/keystore.p12}) and the stock {@code ssl-reload}:
 * it serves the WAR over HTTPS and WSS too, and a renewed keystore without a restart; another adds the stock
 * {@code http2} module on top of {@code corral-https}: the WAR over h2 by ALPN.
 */
class JettyHomeDistributionTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();

    /** start.d/jvm.ini exactly as the README shows it. */
    private static final String JVM_INI = "--exec\n-Djdk.trackAllThreads=false\n";

    /** Every status the start-up probes got before the first 200: a request during start-up must wait, not 404. */
    private static List<Integer> startupAnswers = List.of();

    private static JettyBase base;
    private static int port;

    @BeforeAll
    static void installAndStartJettyHomeWithCorral() throws Exception {
        base = JettyBase.create("jetty-base", true, "corral,ee10-deploy,ee10-websocket-jakarta");
        Files.copy(JettyBase.warSample(), base.dir().resolve("webapps").resolve("ROOT.war"));
        // The README's lines for a production base: a forked JVM without the JDK's virtual-thread tracking.
        Files.writeString(base.dir().resolve("start.d/jvm.ini"), JVM_INI, StandardCharsets.UTF_8);
        startupAnswers = base.start("/plaintext");
        port = base.port();
    }

    @AfterAll
    static void stopJetty() throws Exception {
        CLIENT.close();
        if (base == null || base.server() == null) {
            return;
        }
        base.stop();
        // Checked last, over the whole run including shutdown: every exchange above was well-behaved, so
        // anything the server found worth a warning is a defect (e.g. a WebSocket bridge error).
        List<String> warnings = Files.readAllLines(base.log(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(":WARN :") || line.contains(":ERROR:"))
                .toList();
        assertEquals(List.of(), warnings, () -> "the server logged warnings:\n" + base.logText());
    }

    @Test
    @DisplayName("--add-modules enabled corral, and not the stock http module it replaces")
    void theBaseEnablesCorralInsteadOfHttp() {
        assertTrue(Files.isRegularFile(base.dir().resolve("start.d/corral.ini")), "start.d/corral.ini");
        assertFalse(Files.exists(base.dir().resolve("start.d/http.ini")), "start.d/http.ini must not exist");
    }

    @Test
    @DisplayName("corral.mod [provides] http: start.jar refuses to run the stock http module beside it")
    void theStockHttpModuleCannotRunBesideCorral() throws Exception {
        Path log = base.home().getParent().resolve("jetty-base-http-refused.log");
        Process dryRun = base.startJar(log, "--dry-run", "--module=http"); // --dry-run never changes the base
        assertTrue(dryRun.waitFor(JettyBase.SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --dry-run hung");
        String output = JettyBase.read(log);
        assertTrue(dryRun.exitValue() != 0, () -> "start.jar accepted http beside corral:\n" + output);
        assertTrue(output.contains("already provided by corral"), output);
    }

    @Test
    @DisplayName("The port is served by CorralConnector: the stock ServerConnector never started")
    void corralsConnectorServesThePort() throws IOException {
        List<String> started = base.startedConnectors();
        String bound = "{127.0.0.1:" + port + "}";
        assertEquals(1, started.size(), () -> "expected one started connector, log says: " + started);
        assertTrue(started.get(0).contains("CorralConnector@") && started.get(0).contains(bound),
                () -> "not Corral on " + bound + ": " + started.get(0));
        assertTrue(started.stream().noneMatch(line -> line.contains("ServerConnector@")), started::toString);
    }

    @Test
    @DisplayName("Requests sent while the webapps deploy wait and get real answers: no 404 before the first 200")
    void noRequestDuringStartUpGotA404() {
        assertFalse(startupAnswers.contains(404), () -> "answers during start-up: " + startupAnswers);
    }

    @Test
    @DisplayName("start.d/jvm.ini as in the README: start.jar forks a JVM that runs with -Djdk.trackAllThreads=false")
    void theReadmesJvmIniForksAJvmWithoutThreadTracking() {
        List<String> forked = base.server().descendants().map(JettyHomeDistributionTest::commandLine).toList();
        assertTrue(forked.stream().anyMatch(arguments -> arguments.contains("-Djdk.trackAllThreads=false")),
                () -> "no forked JVM with the flag among: " + forked);
    }

    @Test
    @DisplayName("On Java 17, start.jar fails with one line naming the Java version Corral needs")
    void onJava17StartFailsWithOneLineNamingTheJavaVersion() throws Exception {
        Path java17 = java17();
        Assumptions.assumeTrue(java17 != null, "no Java 17 under /usr/lib/jvm to run start.jar with");
        Path log = base.home().getParent().resolve("jetty-base-java17.log");
        Process process = new ProcessBuilder(java17.toString(), "-jar", base.home().resolve("start.jar").toString(),
                "jetty.home=" + base.home(), "jetty.base=" + base.dir(), "jetty.http.host=127.0.0.1",
                "jetty.http.port=" + JettyBase.freePort())
                .directory(base.dir().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertTrue(process.waitFor(JettyBase.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    "Jetty on Java 17 did not end");
        } finally {
            JettyBase.stopTree(process);
        }
        // With --exec (jvm.ini) the line comes from the forked JVM, which ends with 1; start.jar itself does not
        // pass that status on. What matters to the newcomer: one line saying what to do, and no server.
        String output = JettyBase.read(log);
        assertFalse(output.contains("Started Server"), output);
        List<String> lines = output.lines().filter(line -> line.contains("Corral needs Java 21 or newer")).toList();
        assertEquals(1, lines.size(), output);
        assertTrue(lines.get(0).contains("Java 17"), lines.get(0));
        assertFalse(output.contains("UnsupportedClassVersionError"), output);
    }

    /**
     * One connector jar for every environment: the Jetty core connector and websocket-core are shared by
     * ee9, ee10 and ee11, so the unchanged war-sample runs on {@code <env>-deploy} and
     * {@code <env>-websocket-jakarta}. ee11 is Jakarta EE 11 (Servlet 6.1, WebSocket 2.2); ee9 is Jakarta EE 9
     * (Servlet 5.0, WebSocket 2.0), which the war-sample's APIs fit.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ee11", "ee9"})
    @DisplayName("Other environments: --add-modules=corral,<env>-deploy,<env>-websocket-jakarta serves the WAR over HTTP and WebSocket")
    void otherEnvironmentsServeTheWar(String environment) throws Exception {
        JettyBase other = JettyBase.create("jetty-base-" + environment, true,
                "corral," + environment + "-deploy," + environment + "-websocket-jakarta");
        Files.copy(JettyBase.warSample(), other.dir().resolve("webapps").resolve("ROOT.war"));
        try {
            other.start("/plaintext");
            HttpResponse<String> plaintext = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + other.port() + "/plaintext")).timeout(REQUEST_TIMEOUT).GET().build(),
                    BodyHandlers.ofString());
            assertEquals("Hello, World!", plaintext.body());
            RecordingListener listener = new RecordingListener();
            WebSocket socket = CLIENT.newWebSocketBuilder().connectTimeout(REQUEST_TIMEOUT)
                    .buildAsync(URI.create("ws://127.0.0.1:" + other.port() + "/ws/echo"), listener)
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            try {
                socket.sendText("through " + environment, true).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertEquals("through " + environment, listener.nextText(REQUEST_TIMEOUT));
            } finally {
                socket.abort();
            }
            String log = other.logText();
            // Jetty's log abbreviates org.eclipse.jetty.ee11.webapp to oeje11w (ee9 starts a nested oeje9n context).
            String context = "Started oeje" + environment.substring(2);
            assertTrue(log.contains(context), () -> "not deployed on " + environment + ":\n" + log);
            List<String> started = other.startedConnectors();
            assertTrue(started.size() == 1 && started.get(0).contains("CorralConnector@"), started::toString);
        } finally {
            other.stop();
        }
    }

    @Test
    @DisplayName("HTTPS: --add-modules=corral,corral-https,ssl-reload,… serves HTTP and HTTPS/WSS through Corral, and reloads a renewed keystore")
    void corralHttpsServesTheWarOverTls() throws Exception {
        JettyBase httpsBase = JettyBase.create("jetty-base-https", true,
                "corral,corral-https,ssl-reload,ee10-deploy,ee10-websocket-jakarta");
        Path dir = httpsBase.dir();
        assertTrue(Files.isRegularFile(dir.resolve("start.d/corral-https.ini")), "start.d/corral-https.ini");
        assertTrue(Files.isRegularFile(dir.resolve("start.d/ssl-context.ini")), "ssl-context came as a dependency");
        assertFalse(Files.exists(dir.resolve("start.d/ssl.ini")), "the stock ssl module must not be enabled");

        // The operator's keystore where ssl-context looks by default: $JETTY_BASE/etc/keystore.p12.
        SelfSignedKeyStore certificate = SelfSignedKeyStore.create("127.0.0.1");
        Files.copy(certificate.keyStore(), dir.resolve("etc/keystore.p12"));
        Files.copy(JettyBase.warSample(), dir.resolve("webapps").resolve("ROOT.war"));
        int httpsPort = JettyBase.freePort();
        try {
            httpsBase.start("/plaintext", "jetty.ssl.host=127.0.0.1", "jetty.ssl.port=" + httpsPort,
                    "jetty.sslContext.keyStorePassword=" + certificate.password());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(trusting(readPem(certificate.certificate()))).connectTimeout(REQUEST_TIMEOUT).build();
            try (client) {
                HttpResponse<String> plaintext = client.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + httpsPort + "/plaintext")).timeout(REQUEST_TIMEOUT).build(),
                        BodyHandlers.ofString());
                assertEquals(200, plaintext.statusCode());
                assertEquals("Hello, World!", plaintext.body());
                RecordingListener listener = new RecordingListener();
                WebSocket socket = client.newWebSocketBuilder().connectTimeout(REQUEST_TIMEOUT)
                        .buildAsync(URI.create("wss://127.0.0.1:" + httpsPort + "/ws/echo"), listener)
                        .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                try {
                    socket.sendText("through corral-https", true).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    assertEquals("through corral-https", listener.nextText(REQUEST_TIMEOUT));
                } finally {
                    socket.abort();
                }
            }

            // Renewal: a new key under the same password, the file replaced whole; ssl-reload's scanner picks it up
            // and new connections get it, with no restart.
            String password = certificate.password();
            Path next = dir.resolve("etc/keystore.p12.new");
            keytool("-genkeypair", "-alias", "renewed", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", next.toString(), "-storepass", password, "-keypass", password);
            KeyStore renewedStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(next)) {
                renewedStore.load(in, password.toCharArray());
            }
            Certificate renewed = renewedStore.getCertificate("renewed");
            Files.move(next, dir.resolve("etc/keystore.p12"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            SSLContext trustingBoth = trusting(readPem(certificate.certificate()), renewed);
            Instant deadline = Instant.now().plus(JettyBase.START_TIMEOUT);
            while (!renewed.equals(presentedCertificate(trustingBoth, httpsPort))) {
                assertTrue(Instant.now().isBefore(deadline), "the renewed keystore was never served");
                assertTrue(httpsBase.server().isAlive(), () -> "Jetty died:\n" + httpsBase.logText());
                // Waits on the process with a short timeout: the scanner looks once a second.
                httpsBase.server().onExit().completeOnTimeout(null, 250, TimeUnit.MILLISECONDS).get();
            }
            List<String> started = httpsBase.startedConnectors();
            assertEquals(2, started.size(), () -> "expected two started connectors: " + started);
            assertTrue(started.stream().allMatch(line -> line.contains("CorralConnector@")), started::toString);
            assertTrue(started.stream().anyMatch(line -> line.contains("{127.0.0.1:" + httpsPort + "}")),
                    started::toString);
        } finally {
            httpsBase.stop();
        }
        List<String> warnings = Files.readAllLines(httpsBase.log(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(":WARN :") || line.contains(":ERROR:")).toList();
        assertEquals(List.of(), warnings, () -> "the HTTPS server logged warnings:\n" + httpsBase.logText());
    }

    @Test
    @DisplayName("HTTP/2: --add-modules=corral,corral-https,http2,… serves the WAR over h2 by ALPN, and HTTP/1.1 beside it")
    void theStockHttp2ModuleOnCorralHttpsServesH2() throws Exception {
        JettyBase h2Base = JettyBase.create("jetty-base-h2", true,
                "corral,corral-https,http2,ee10-deploy,ee10-websocket-jakarta");
        Path dir = h2Base.dir();
        assertTrue(Files.isRegularFile(dir.resolve("start.d/http2.ini")), "start.d/http2.ini");
        assertFalse(Files.exists(dir.resolve("start.d/ssl.ini")), "corral-https provides ssl: the stock one stays off");
        SelfSignedKeyStore certificate = SelfSignedKeyStore.create("127.0.0.1");
        Files.copy(certificate.keyStore(), dir.resolve("etc/keystore.p12"));
        Files.copy(JettyBase.warSample(), dir.resolve("webapps").resolve("ROOT.war"));
        int httpsPort = JettyBase.freePort();
        try {
            h2Base.start("/plaintext", "jetty.ssl.host=127.0.0.1", "jetty.ssl.port=" + httpsPort,
                    "jetty.sslContext.keyStorePassword=" + certificate.password());
            SSLContext trust = trusting(readPem(certificate.certificate()));
            URI plaintext = URI.create("https://127.0.0.1:" + httpsPort + "/plaintext");
            for (HttpClient.Version version : HttpClient.Version.values()) {
                try (HttpClient client = HttpClient.newBuilder().version(version).sslContext(trust)
                        .connectTimeout(REQUEST_TIMEOUT).build()) {
                    HttpResponse<String> response = client.send(HttpRequest.newBuilder(plaintext)
                            .timeout(REQUEST_TIMEOUT).build(), BodyHandlers.ofString());
                    assertEquals(200, response.statusCode());
                    assertEquals("Hello, World!", response.body());
                    assertEquals(version, response.version(), "asked for " + version);
                }
            }
            List<String> started = h2Base.startedConnectors();
            assertTrue(started.stream().allMatch(line -> line.contains("CorralConnector@")), started::toString);
            assertTrue(started.stream().anyMatch(line -> line.contains("alpn") && line.contains("h2")),
                    started::toString);
        } finally {
            h2Base.stop();
        }
        List<String> warnings = Files.readAllLines(h2Base.log(), StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(":WARN :") || line.contains(":ERROR:")).toList();
        assertEquals(List.of(), warnings, () -> "the h2 server logged warnings:\n" + h2Base.logText());
    }

    private static Certificate readPem(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** A client context trusting only these certificates. */
    private static SSLContext trusting(Certificate... certificates) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < certificates.length; i++) {
            trusted.setCertificateEntry("server-" + i, certificates[i]);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** The certificate a new TLS connection to 127.0.0.1:{@code port} is shown. */
    private static Certificate presentedCertificate(SSLContext context, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
            socket.startHandshake();
            return socket.getSession().getPeerCertificates()[0];
        }
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(JettyBase.SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS) && process.exitValue() == 0,
                () -> "keytool failed: " + output);
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
        JettyBase unixBase = JettyBase.create("jetty-base-unixdomain", true,
                "corral-unixdomain,ee10-deploy,ee10-annotations");
        Path base = unixBase.dir();
        assertTrue(Files.isRegularFile(base.resolve("start.d/corral-unixdomain.ini")), "start.d/corral-unixdomain.ini");

        Path refusedLog = base.resolveSibling("jetty-base-unixdomain-refused.log");
        Process dryRun = unixBase.startJar(refusedLog, "--dry-run", "--module=unixdomain-http");
        assertTrue(dryRun.waitFor(JettyBase.SETUP_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "start.jar --dry-run hung");
        assertTrue(dryRun.exitValue() != 0 && JettyBase.read(refusedLog).contains("already provided by corral-unixdomain"),
                () -> "start.jar accepted unixdomain-http beside corral-unixdomain:\n" + JettyBase.read(refusedLog));

        Files.copy(JettyBase.warSample(), base.resolve("webapps").resolve("ROOT.war"));
        Path socket = base.resolve("corral.sock");
        Path log = base.resolveSibling("jetty-base-unixdomain-server.log");
        Process jetty = unixBase.startJar(log, "jetty.unixdomain.path=" + socket);
        try {
            Instant deadline = Instant.now().plus(JettyBase.START_TIMEOUT);
            String answer = "";
            while (!answer.endsWith("Hello, World!") && Instant.now().isBefore(deadline) && jetty.isAlive()) {
                answer = getOverSocketFile(socket, "/plaintext");
                if (!answer.endsWith("Hello, World!")) {
                    jetty.waitFor(250, TimeUnit.MILLISECONDS);
                }
            }
            String served = answer;
            assertTrue(served.startsWith("HTTP/1.1 200 ") && served.endsWith("Hello, World!"),
                    () -> "no answer on " + socket + ": " + served + "\n" + JettyBase.read(log));
            String output = JettyBase.read(log);
            assertTrue(output.contains("Started icj.CorralConnector@") && output.contains("{unix:" + socket + "}")
                    && !output.contains("UnixDomainServerConnector@"), output);
        } finally {
            JettyBase.stopTree(jetty);
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
        int jpmsPort = JettyBase.freePort();
        Path log = base.dir().resolveSibling("jetty-base-jpms-server.log");
        Process jpms = base.startJar(log, "--jpms", "jetty.http.host=127.0.0.1", "jetty.http.port=" + jpmsPort);
        try {
            JettyBase.awaitServing(jpms, log, jpmsPort, "/plaintext");
            List<String> forked = jpms.descendants().map(JettyHomeDistributionTest::commandLine).toList();
            assertTrue(forked.stream().anyMatch(arguments -> arguments.contains("--module-path")
                            && arguments.contains("corral-connector") && arguments.contains("corral-container-adapter")),
                    () -> "no forked JVM with Corral on its module path: " + forked);
        } finally {
            JettyBase.stopTree(jpms);
        }
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(REQUEST_TIMEOUT);
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
}
