package io.corral.it.haproxy;

import io.corral.connector.testing.RequiredTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's HAProxy as a test fixture: a configuration made from a template, listening on ephemeral loopback ports,
 * started in the foreground, waited for until every frontend accepts, and stopped (with its process) on
 * {@link #close()}. Reusable by any test that puts HAProxy in front of servers (PROXY protocol, several instances,
 * rolling restarts):
 *
 * <pre>{@code
 * Haproxy.assumeInstalled(scratch);                       // runs src/test/sh/install-haproxy.sh, or skips the test
 * try (Haproxy haproxy = Haproxy.fromResource("haproxy/proxy-protocol.cfg")
 *         .set("BACKEND", "127.0.0.1:" + serverPort)       // ${BACKEND} in the template
 *         .port("FRONT_V1").port("FRONT_V2")               // ${FRONT_V1}, ${FRONT_V2}: ephemeral ports chosen here
 *         .start(scratch)) {
 *     connect to haproxy.port("FRONT_V1") ...
 *     haproxy.admin("set server app/a state drain");       // the runtime API, when the template has ${ADMIN_SOCKET}
 * }
 * }</pre>
 *
 * <p>Placeholders are {@code ${NAME}}; every one must be given (a typo fails at start, not as a strange HAProxy
 * error). {@code ${ADMIN_SOCKET}} is always defined: a Unix socket in the work directory for
 * {@code stats socket ${ADMIN_SOCKET} level admin}. A port is one the kernel handed out and this launcher released
 * just before HAProxy binds it; in the rare case another process takes it meanwhile, HAProxy fails to bind and the
 * launcher tries again with new ports (three times).
 */
public final class Haproxy implements AutoCloseable {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]+)}");
    private static final Duration READY = Duration.ofSeconds(20);
    private static final Duration STOP = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 3;

    private final Process process;
    private final Map<String, Integer> ports;
    private final Path workDirectory;
    private final Path adminSocket;
    private final Path log;

    private Haproxy(Process process, Map<String, Integer> ports, Path workDirectory, Path adminSocket, Path log) {
        this.process = process;
        this.ports = Map.copyOf(ports);
        this.workDirectory = workDirectory;
        this.adminSocket = adminSocket;
        this.log = log;
    }

    /**
     * As {@link #install}, for a test's set-up: skips the calling test, saying why, where it cannot be installed
     * (fails it under {@code -Dcorral.requireTools=true}, as in CI: {@link RequiredTool}).
     */
    public static void assumeInstalled(Path scratch) throws IOException, InterruptedException {
        StringBuilder why = new StringBuilder();
        RequiredTool.assumeInstalled(install(scratch, why) != null, why::toString);
    }

    /**
     * Makes sure haproxy (and the {@code openssl} command, for {@link SelfSignedCertificate}) is installed, running
     * the project's {@code src/test/sh/install-haproxy.sh} (apt-get) when it is not, and returns haproxy's binary.
     *
     * @return null, with {@code why} filled in, when it cannot be installed here; a test then skips, saying so
     */
    public static Path install(Path scratch, StringBuilder why) throws IOException, InterruptedException {
        Path installed = binary();
        if (installed != null && Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            return installed;
        }
        Files.createDirectories(scratch);
        Path output = Files.createTempFile(scratch, "install-haproxy", ".txt");
        Process install = new ProcessBuilder("bash", "src/test/sh/install-haproxy.sh")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!install.waitFor(15, TimeUnit.MINUTES)) {
            install.destroyForcibly();
            why.append("install-haproxy.sh still running after 15 minutes");
            return null;
        }
        installed = binary();
        if (install.exitValue() != 0 || installed == null) {
            why.append("haproxy could not be installed: ").append(Files.readString(output));
        }
        return installed;
    }

    private static Path binary() {
        for (String candidate : new String[] {"/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy"}) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    /** A launcher for the template at {@code resource} on the test class path. */
    public static Builder fromResource(String resource) throws IOException {
        try (var in = Haproxy.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no HAProxy template on the class path at " + resource);
            }
            return new Builder(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** A launcher for a template given as text. */
    public static Builder fromTemplate(String template) {
        return new Builder(template);
    }

    /** The port chosen for placeholder {@code name}. */
    public int port(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new IllegalArgumentException("no port named " + name + "; ports: " + ports.keySet());
        }
        return port;
    }

    /** HAProxy's own output so far (its alerts and warnings), for a failing test's message. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The configuration file HAProxy runs with. */
    public Path configuration() {
        return workDirectory.resolve("haproxy.cfg");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one command to HAProxy's runtime API (its admin socket; the template needs
     * {@code stats socket ${ADMIN_SOCKET} level admin}) and returns the answer, e.g.
     * {@code set server app/a state drain} or {@code show servers state}.
     */
    public String admin(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(adminSocket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            // Without "prompt" mode HAProxy answers one command and closes: read to the end (bounded).
            ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // more of the answer
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        }
    }

    /**
     * One column of HAProxy's statistics ({@code show stat}) for a server of a backend, or for the backend itself
     * ({@code server} = {@code "BACKEND"}): {@code status} (UP, DOWN, MAINT, "no check"…), {@code wretr} (requests
     * retried), {@code wredis} (redispatched to another server), {@code hrsp_5xx}…
     *
     * @throws IllegalStateException when HAProxy lists no such column or server (its statistics in the message)
     */
    public String stat(String backend, String server, String column) throws IOException {
        String stats = admin("show stat");
        List<String> header = List.of(stats.lines().findFirst().orElse("").replaceFirst("^# ", "").split(","));
        int index = header.indexOf(column);
        for (String line : stats.lines().toList()) {
            String[] columns = line.split(",", -1);
            if (index >= 0 && columns.length > index && columns[0].equals(backend) && columns[1].equals(server)) {
                return columns[index];
            }
        }
        throw new IllegalStateException("HAProxy lists no " + column + " of " + backend + "/" + server + ": " + stats);
    }

    /**
     * Waits until HAProxy's health checks say {@code status} (e.g. "UP", "DOWN") of a server, polling its
     * statistics (HAProxy has no event to wait on) until {@code timeout}.
     *
     * @throws AssertionError when it still says something else at the deadline (with HAProxy's log)
     */
    public void awaitStatus(String backend, String server, String status, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = stat(backend, server, "status");
        while (!last.startsWith(status)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("HAProxy still says " + last + " of " + backend + "/" + server + " after "
                        + timeout + ", not " + status + "; its log:\n" + log());
            }
            // A few polls per check interval; returns at once should HAProxy exit.
            process.waitFor(50, TimeUnit.MILLISECONDS);
            if (!process.isAlive()) {
                throw new AssertionError("HAProxy exited while waiting for " + server + " " + status + ": " + log());
            }
            last = stat(backend, server, "status");
        }
    }

    /** Stops HAProxy (SIGTERM: a hard stop, connections closed) and waits for its process to end. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A configuration to start: the template, its values, its ports. */
    public static final class Builder {
        private final String template;
        private final Map<String, String> values = new LinkedHashMap<>();
        private final Set<String> portNames = new LinkedHashSet<>();

        private Builder(String template) {
            this.template = template;
        }

        /** Fills {@code ${name}} with {@code value}. */
        public Builder set(String name, String value) {
            values.put(name, value);
            return this;
        }

        /** Fills {@code ${name}} with an ephemeral loopback port, chosen at start ({@link Haproxy#port}). */
        public Builder port(String name) {
            portNames.add(name);
            return this;
        }

        /**
         * Writes the configuration under {@code scratch}, starts HAProxy in the foreground and returns once every
         * chosen port accepts connections.
         *
         * @throws IllegalStateException when HAProxy is not installed (see {@link #install}), when a placeholder has
         *     no value, or when HAProxy does not come up (its output in the message)
         */
        public Haproxy start(Path scratch) throws IOException, InterruptedException {
            Path binary = binary();
            if (binary == null) {
                throw new IllegalStateException("haproxy is not installed: call Haproxy.install first");
            }
            Path work = Files.createTempDirectory(Files.createDirectories(scratch), "haproxy");
            String failures = "";
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                Map<String, Integer> ports = new LinkedHashMap<>();
                for (String name : portNames) {
                    ports.put(name, freePort());
                }
                Path adminSocket = work.resolve("admin-" + attempt + ".sock");
                Path config = work.resolve("haproxy.cfg");
                Files.writeString(config, fill(ports, adminSocket));
                Path log = work.resolve("haproxy-" + attempt + ".log");
                // -db: stay in the foreground, so the process is HAProxy's own and dies with close().
                Process process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
                        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
                Haproxy haproxy = new Haproxy(process, ports, work, adminSocket, log);
                if (awaitReady(haproxy)) {
                    return haproxy;
                }
                haproxy.close();
                failures += "\nattempt " + attempt + ": " + haproxy.log();
                if (!haproxy.log().contains("cannot bind")) {
                    break; // not a port taken meanwhile: trying again would fail the same way
                }
            }
            throw new IllegalStateException("HAProxy did not start; its output:" + failures);
        }

        private String fill(Map<String, Integer> ports, Path adminSocket) {
            Map<String, String> all = new LinkedHashMap<>(values);
            ports.forEach((name, port) -> all.put(name, String.valueOf(port)));
            all.put("ADMIN_SOCKET", adminSocket.toString());
            Matcher matcher = PLACEHOLDER.matcher(template);
            StringBuilder filled = new StringBuilder();
            List<String> missing = new ArrayList<>();
            while (matcher.find()) {
                String value = all.get(matcher.group(1));
                if (value == null) {
                    missing.add(matcher.group(1));
                    value = matcher.group();
                }
                matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(filled);
            if (!missing.isEmpty()) {
                throw new IllegalStateException("HAProxy template placeholders without a value: " + missing);
            }
            return filled.toString();
        }

        /** Until every port accepts a connection, HAProxy exits, or the deadline passes. */
        private static boolean awaitReady(Haproxy haproxy) throws InterruptedException {
            long deadline = System.nanoTime() + READY.toNanos();
            while (System.nanoTime() - deadline < 0) {
                if (!haproxy.process.isAlive()) {
                    return false;
                }
                if (haproxy.ports.values().stream().allMatch(Builder::accepts)) {
                    return true;
                }
                haproxy.process.waitFor(20, TimeUnit.MILLISECONDS); // returns at once if it exits meanwhile
            }
            return false;
        }

        private static boolean accepts(int port) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress("127.0.0.1", 0));
                return socket.getLocalPort();
            }
        }
    }
}
