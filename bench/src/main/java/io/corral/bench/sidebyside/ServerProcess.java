package io.corral.bench.sidebyside;

import io.corral.bench.ClassHistogram;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One measured server, in a process of its own bound to 127.0.0.1 on a free port: started, checked ready
 * with a {@code GET /plaintext}, measured from {@code /proc} (CPU time, RSS) and with {@code jcmd} (class
 * histogram after a full GC), then stopped with every process it started. Its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    /** Clock ticks per second of {@code /proc/<pid>/stat}'s CPU fields; 100 on every Linux this runs on. */
    private static final long TICKS_PER_SECOND = ticksPerSecond();

    private final ServerKind kind;
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(ServerKind kind, Process process, int port, Path log) {
        this.kind = kind;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code kind} and waits until it answers.
     *
     * @param idleTimeoutMs the idle timeout of a Jetty server's connector and WebSocket sessions; 0 keeps
     *                      the defaults
     */
    static ServerProcess start(ServerKind kind, BenchEnvironment env, String logName, long idleTimeoutMs)
            throws IOException, InterruptedException {
        return start(kind, env, logName, idleTimeoutMs, env.serverJvmFlags());
    }

    /** As {@link #start(ServerKind, BenchEnvironment, String, long)}, a JVM with {@code jvmFlags}. */
    static ServerProcess start(ServerKind kind, BenchEnvironment env, String logName, long idleTimeoutMs,
                               List<String> jvmFlags) throws IOException, InterruptedException {
        int port = freePort();
        Path log = env.logs().resolve(logName + ".log");
        List<String> command = new ArrayList<>();
        switch (kind) {
            case CORRAL, JETTY, CORRAL_H2C, JETTY_H2C -> {
                command.add(env.java().toString());
                command.addAll(jvmFlags);
                if (kind == ServerKind.CORRAL_H2C || kind == ServerKind.JETTY_H2C) {
                    command.add("-D" + BenchServer.H2C_STREAMS_PROPERTY + "=" + BenchServer.H2C_MAX_CONCURRENT_STREAMS);
                }
                command.addAll(List.of("-cp", env.serverClasspath(), BenchServer.class.getName(),
                        Integer.toString(port), kind == ServerKind.CORRAL || kind == ServerKind.CORRAL_H2C ? "corral"
                                : "jetty", env.war().toString()));
                if (idleTimeoutMs > 0) {
                    command.add(Long.toString(idleTimeoutMs));
                }
            }
            case RAW, RAW_H2C -> {
                command.add(env.java().toString());
                command.addAll(jvmFlags);
                command.addAll(List.of("-cp", env.benchClasspath(), NativePlaintextServer.class.getName(),
                        Integer.toString(port)));
                if (kind == ServerKind.RAW_H2C) {
                    command.add("h2c");
                }
            }
            case NGINX -> {
                if (env.nginx() == null) {
                    throw new IOException("nginx is not installed (apt-get install nginx-light failed)");
                }
                Path prefix = Files.createTempDirectory(env.logs(), "nginx-");
                String conf = Files.readString(env.nginxConf())
                        .replace("@PORT@", Integer.toString(port))
                        .replace("@PREFIX@", prefix.toAbsolutePath().toString());
                Files.writeString(prefix.resolve("nginx.conf"), conf);
                command.addAll(List.of(env.nginx().toString(), "-p", prefix.toAbsolutePath().toString(),
                        "-c", prefix.resolve("nginx.conf").toAbsolutePath().toString(), "-e", "stderr"));
            }
        }
        Files.writeString(log, String.join(" ", command) + System.lineSeparator());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        ServerProcess server = new ServerProcess(kind, process, port, log);
        try {
            server.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    ServerKind kind() {
        return kind;
    }

    int port() {
        return port;
    }

    /** Where the server's output goes. */
    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    /** User plus system CPU time of the server and its child processes (nginx's workers), in seconds. */
    double cpuSeconds() {
        long ticks = cpuTicks(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            ticks += cpuTicks(child.pid());
        }
        return (double) ticks / TICKS_PER_SECOND;
    }

    /** Resident memory of the server and its child processes, in bytes. */
    long rssBytes() {
        long rss = rssBytes(process.pid());
        for (ProcessHandle child : process.descendants().toList()) {
            rss += rssBytes(child.pid());
        }
        return rss;
    }

    /**
     * The server JVM's live objects by class: {@code jcmd GC.class_histogram} runs a full GC first, so
     * only reachable objects count. The text is kept in {@code file} for the reader of the report.
     */
    ClassHistogram histogram(BenchEnvironment env, Path file) throws IOException, InterruptedException {
        run(env, "GC.run");
        String text = run(env, "GC.class_histogram");
        Files.writeString(file, text);
        return ClassHistogram.parse(text);
    }

    private String run(BenchEnvironment env, String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(env.jcmd().toString(), Long.toString(process.pid()), command)
                .redirectErrorStream(true).start();
        byte[] output = jcmd.getInputStream().readAllBytes();
        if (!jcmd.waitFor(120, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            jcmd.destroyForcibly();
            throw new IOException("jcmd " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the server and every process it started: politely, then by force after a deadline. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(kind.label() + " exited with " + process.exitValue() + " at start; see " + log);
            }
            if (answersPlaintext()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException(kind.label() + " did not answer GET /plaintext within " + START_TIMEOUT + "; see " + log);
    }

    private boolean answersPlaintext() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return response.startsWith("HTTP/1.1 200") && response.endsWith("Hello, World!");
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** utime + stime of {@code /proc/<pid>/stat}, fields 14 and 15; the command name may hold spaces. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** VmRSS of {@code /proc/<pid>/status}, in bytes; 0 when the process is gone. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException gone) {
            // the process ended
        }
        return 0;
    }

    private static long ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
            String value = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            getconf.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(value);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 100;
        }
    }
}
