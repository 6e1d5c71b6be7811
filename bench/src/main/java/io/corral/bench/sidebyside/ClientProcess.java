package io.corral.bench.sidebyside;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@link IdleClients} JVM: commands in on its standard input, one answer line each read back with a
 * deadline, so that a stuck client cannot hang the benchmark. Closing it ends the JVM.
 */
final class ClientProcess implements AutoCloseable {

    private final Process process;
    private final PrintWriter commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private ClientProcess(Process process) {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        Thread.ofPlatform().daemon().name("idle-client-answers").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    answers.add(line);
                }
            } catch (IOException ended) {
                // the process is gone; a pending answer times out
            }
            answers.add("failed client process ended");
        });
    }

    /**
     * Starts a client JVM that connects to {@code port} from {@code source}.
     *
     * @param options the {@link IdleClients} options after host, port and deflate ({@code kind=}, {@code path=})
     */
    static ClientProcess start(BenchEnvironment env, int port, boolean offerDeflate, String source,
                               List<String> options, Path log) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(env.java().toString(),
                "-Xmx512m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", env.benchClasspath(), IdleClients.class.getName(),
                "127.0.0.1", Integer.toString(port), Boolean.toString(offerDeflate), "bind=" + source));
        command.addAll(options);
        return new ClientProcess(new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start());
    }

    void send(String command) {
        commands.println(command);
    }

    /** The next answer, or a {@code failed …} line when none came within {@code timeout}. */
    String answer(Duration timeout) throws InterruptedException {
        String answer = answers.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return answer == null ? "failed no answer within " + timeout : answer;
    }

    @Override
    public void close() {
        commands.println("exit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
