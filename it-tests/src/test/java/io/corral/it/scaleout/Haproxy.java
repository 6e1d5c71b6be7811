package io.corral.it.scaleout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Debian's haproxy in front of the scale-out test's instances, as an operator would run it: HTTP mode, round
 * robin, an HTTP health check on a path every 200 ms (two failures mark a server down, two successes up; a
 * check may take 5 s, as a fresh JVM under load answers its first ones slowly), a
 * request retried on another server when its server refused the connection or closed it without answering
 * ({@code retry-on}, {@code option redispatch} — what makes a drained instance invisible to clients), WebSocket
 * tunnels. Its runtime API (a stats socket) tells the test what haproxy thinks of each server. Kept small and
 * private to this test; a shared launcher (with PROXY v2, {@code send-proxy-v2}) belongs with the PROXY protocol
 * tests.
 */
final class Haproxy implements AutoCloseable {

    static final String BACKEND = "corral";

    private final Process process;
    private final Path adminSocket;
    private final Path log;
    private final int port;

    private Haproxy(Process process, Path adminSocket, Path log, int port) {
        this.process = process;
        this.adminSocket = adminSocket;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts haproxy on {@code port} in front of {@code servers} (name → port, all on 127.0.0.1), health checking
     * {@code healthPath}; returns once it accepts connections.
     */
    static Haproxy start(int port, Map<String, Integer> servers, String healthPath, Path scratch) throws Exception {
        Path adminSocket = scratch.resolve("haproxy-admin.sock");
        StringBuilder config = new StringBuilder("""
                global
                    stats socket %s mode 600 level admin
                    maxconn 4096
                    log stdout format raw local0 notice
                defaults
                    mode http
                    log global
                    option httplog
                    timeout connect 2s
                    timeout client 30s
                    timeout server 30s
                    timeout tunnel 120s
                    # A fresh JVM under load may take a while to answer its first checks: slow is not down.
                    timeout check 5s
                    timeout http-keep-alive 10s
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response response-timeout
                frontend web
                    bind 127.0.0.1:%d
                    default_backend %s
                backend %s
                    balance roundrobin
                    option httpchk GET %s
                    http-check expect status 200
                    default-server inter 200ms fall 2 rise 2
                """.formatted(adminSocket, port, BACKEND, BACKEND, healthPath));
        new TreeMap<>(servers).forEach((name, serverPort) ->
                config.append("    server ").append(name).append(" 127.0.0.1:").append(serverPort).append(" check\n"));
        Path file = scratch.resolve("haproxy.cfg");
        Files.writeString(file, config);
        Path log = scratch.resolve("haproxy.log");
        Process process = new ProcessBuilder(executable(), "-db", "-f", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Haproxy haproxy = new Haproxy(process, adminSocket, log, port);
        haproxy.awaitListening(Duration.ofSeconds(20));
        return haproxy;
    }

    private static String executable() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    }

    int port() {
        return port;
    }

    /** What haproxy's health checks say of a server now: UP, DOWN, MAINT… (the stats' status column). */
    String status(String server) throws IOException {
        return stat(server, "status");
    }

    /**
     * One column of haproxy's statistics for a server of the backend, or for the backend itself ({@code BACKEND}):
     * {@code wretr} (requests retried), {@code wredis} (redispatched to another server), {@code hrsp_5xx}…
     */
    String stat(String server, String column) throws IOException {
        String stats = command("show stat");
        String[] header = stats.lines().findFirst().orElse("").replace("# ", "").split(",");
        int index = java.util.Arrays.asList(header).indexOf(column);
        for (String line : stats.lines().toList()) {
            String[] columns = line.split(",");
            if (index >= 0 && columns.length > index && columns[0].equals(BACKEND) && columns[1].equals(server)) {
                return columns[index];
            }
        }
        throw new IllegalStateException("haproxy does not list " + column + " of " + server + ": " + stats);
    }

    /** Waits until haproxy's health checks say {@code status} (e.g. "UP") of {@code server}. */
    void awaitStatus(String server, String status, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = status(server);
        while (!last.startsWith(status)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("haproxy still says " + last + " of " + server + " after " + timeout
                        + ", not " + status + "; its log: " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            last = status(server);
        }
    }

    /** One command on haproxy's runtime API; its whole answer. */
    private String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(adminSocket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
            while (channel.read(buffer) >= 0 && buffer.hasRemaining()) {
                // haproxy closes the socket after answering one command
            }
            buffer.flip();
            return StandardCharsets.US_ASCII.decode(buffer).toString();
        }
    }

    private void awaitListening(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("haproxy exited " + process.exitValue() + ": " + Files.readString(log));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                if (Files.exists(adminSocket)) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("haproxy not listening on " + port + " after " + timeout + ": "
                        + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Where haproxy logs: its start-up, every server state change and every request that failed. */
    Path log() {
        return log;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
