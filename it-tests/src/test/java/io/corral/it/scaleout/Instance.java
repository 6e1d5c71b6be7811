package io.corral.it.scaleout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The test's handle on one {@link InstanceMain} JVM: starts it on a port, sends it commands and waits for each
 * answer with a deadline, and makes sure it is gone at the end. Its log goes to a file under the scratch directory
 * (shown when a command times out); its answers are read from its standard output.
 */
final class Instance implements AutoCloseable {

    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Path log;

    private Instance(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofVirtual().name("instance-" + name + "-stdout").start(() -> {
            try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    answers.add(line);
                }
            } catch (IOException ended) {
                // the process is gone; a command waiting for an answer times out saying so
            }
        });
    }

    /** Starts an instance serving {@code war} on {@code port} and returns once it says it is serving. */
    static Instance start(String name, int port, Path war, Path scratch) throws Exception {
        Path log = scratch.resolve("instance-" + name + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: two of these share the machine with haproxy and the test.
                "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", testClassPath(),
                InstanceMain.class.getName(), String.valueOf(port), war.toString()));
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        Instance instance = new Instance(name, process, log);
        instance.await("READY");
        return instance;
    }

    /**
     * The test's class path: surefire puts it in a manifest-only jar and keeps the real one in this property; the
     * child JVM gets the same classes as the test (war-sample launcher, Corral, Jetty).
     */
    private static String testClassPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Drains the instance (CorralConnector.drain) and returns how many connections it had to close by force. */
    int drain(Duration timeout) throws Exception {
        commands.println("drain " + timeout.toMillis());
        return Integer.parseInt(await("DRAINED").substring("DRAINED ".length()));
    }

    /** Requests the instance has answered since it started (health checks included). */
    long requests() throws Exception {
        commands.println("requests");
        return Long.parseLong(await("REQUESTS").substring("REQUESTS ".length()));
    }

    /**
     * What the instance's PROXY protocol transport counted: headers read, connections refused for a header HAProxy
     * should never send (missing, malformed, too large), and every refusal by kind.
     */
    record ProxyHeaders(long read, long refused, String byKind) {
    }

    /** The instance's PROXY protocol counts now. */
    ProxyHeaders proxyHeaders() throws Exception {
        commands.println("proxy");
        String[] words = await("PROXY").split(" ");
        return new ProxyHeaders(Long.parseLong(words[1]), Long.parseLong(words[2]), words[3]);
    }

    /** Stops the server and waits for the JVM to exit. */
    void stop() throws Exception {
        commands.println("stop");
        await("STOPPED");
        if (!process.waitFor(ANSWER_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("instance " + name + " did not exit after stopping");
        }
    }

    private String await(String prefix) throws Exception {
        long deadline = System.nanoTime() + ANSWER_DEADLINE.toNanos();
        while (true) {
            String line = answers.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("instance " + name + " did not answer " + prefix + " within " + ANSWER_DEADLINE
                        + " (alive: " + process.isAlive() + "); its log: " + log);
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
