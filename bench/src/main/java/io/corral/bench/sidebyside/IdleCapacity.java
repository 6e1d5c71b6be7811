package io.corral.bench.sidebyside;

import io.corral.bench.ClassHistogram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory per idle connection on one server: warm the server up with short-lived connections (so the
 * code that parks an idle connection runs compiled, as in a server that has been up a while), take a
 * class histogram after a full GC and the RSS, open the idle connections from several {@link IdleClients}
 * JVMs on their own source addresses (127.0.0.10, 127.0.0.11, …: no process nears the per-process file
 * limit), let them settle (hibernate), take the histogram and RSS again, then have every connection
 * exchange one more message, which proves none was lost while idle, and take a third histogram once
 * they are idle again (a used connection can cost more than a fresh one). Bytes per connection are
 * (with − without) ÷ N, broken down by {@link Owner}. The server runs with the idle scenarios' JVM flags.
 */
final class IdleCapacity {

    /** A server's idle timeout during the measurement: longer than any run, identical for both connectors. */
    static final long IDLE_TIMEOUT_MS = Duration.ofMinutes(20).toMillis();

    /**
     * @param perProcess   idle connections per client JVM
     * @param warmup       connections opened and closed (each exchanging one message) before measuring
     * @param settle       how long the connections stay silent before the second sample
     * @param answerTimeout how long a client JVM may take to open its share
     */
    record Settings(int perProcess, int warmup, Duration settle, Duration answerTimeout) {}

    private static final int TOP_CLASSES = 20;

    private IdleCapacity() {
    }

    static Results.IdleRun measure(Scenario.Idle scenario, ServerKind kind, BenchEnvironment env, Path reportDir,
                                   Settings settings) throws IOException, InterruptedException {
        String label = scenario.name() + "-" + kind.label();
        List<String> options = switch (scenario.kind()) {
            case HTTP -> List.of("kind=http");
            case WEBSOCKET, WEBSOCKET_DEFLATE -> List.of("kind=ws", "path=/ws/echo");
        };
        boolean deflate = scenario.kind() == Scenario.IdleKind.WEBSOCKET_DEFLATE;
        boolean message = scenario.kind() != Scenario.IdleKind.HTTP;
        Path histograms = Files.createDirectories(reportDir.resolve("histograms"));
        try (ServerProcess server = ServerProcess.start(kind, env, label, IDLE_TIMEOUT_MS, env.idleJvmFlags())) {
            warmUp(server, env, settings, options, deflate, label);
            Thread.sleep(settings.settle().toMillis());
            Path withoutFile = histograms.resolve(label + "-without.txt");
            ClassHistogram without = server.histogram(env, withoutFile);
            long rssWithout = server.rssBytes();

            int processes = (scenario.connections() + settings.perProcess() - 1) / settings.perProcess();
            List<ClientProcess> clients = new ArrayList<>();
            long failures = 0;
            String firstFailure = "";
            try {
                for (int p = 0; p < processes; p++) {
                    clients.add(ClientProcess.start(env, server.port(), deflate, "127.0.0." + (10 + p), options,
                            env.logs().resolve(label + "-clients.log")));
                }
                int remaining = scenario.connections();
                for (int p = 0; p < processes; p++) {
                    int share = remaining / (processes - p);
                    remaining -= share;
                    clients.get(p).send("open " + share + " " + message);
                }
                for (ClientProcess client : clients) {
                    String answer = client.answer(settings.answerTimeout());
                    if (!answer.startsWith("opened ")) {
                        failures += failedCount(answer);
                        firstFailure = firstFailure.isEmpty() ? answer : firstFailure;
                    }
                }
                Thread.sleep(settings.settle().toMillis());
                Path withFile = histograms.resolve(label + "-with.txt");
                ClassHistogram with = server.histogram(env, withFile);
                long rssWith = server.rssBytes();

                for (ClientProcess client : clients) {
                    client.send("echo");
                }
                for (ClientProcess client : clients) {
                    String answer = client.answer(settings.answerTimeout());
                    if (!answer.startsWith("echoed ")) {
                        failures += failedCount(answer);
                        firstFailure = firstFailure.isEmpty() ? "after idling: " + answer : firstFailure;
                    }
                }
                Thread.sleep(settings.settle().toMillis());
                Path afterFile = histograms.resolve(label + "-after-exchange.txt");
                long heapAfterExchange = server.histogram(env, afterFile).totalBytes();
                return result(scenario, kind, without, with, rssWithout, rssWith, heapAfterExchange, failures,
                        firstFailure, List.of(reportDir.relativize(withoutFile).toString(),
                                reportDir.relativize(withFile).toString(), reportDir.relativize(afterFile).toString()));
            } finally {
                for (ClientProcess client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Batches of connections, each exchanging one message, opened and closed from one client JVM. */
    private static void warmUp(ServerProcess server, BenchEnvironment env, Settings settings, List<String> options,
                               boolean deflate, String label) throws IOException, InterruptedException {
        try (ClientProcess client = ClientProcess.start(env, server.port(), deflate, "127.0.0.2", options,
                env.logs().resolve(label + "-clients.log"))) {
            int batch = Math.min(1000, settings.perProcess());
            for (int done = 0; done < settings.warmup(); done += batch) {
                client.send("open " + Math.min(batch, settings.warmup() - done) + " true");
                String answer = client.answer(settings.answerTimeout());
                if (!answer.startsWith("opened ")) {
                    throw new IOException("warm-up failed: " + answer);
                }
                client.send("close");
                client.answer(settings.answerTimeout());
            }
        }
    }

    /** The {@code n} of {@code failed <n> of <count>: …}; 1 for any other failure line. */
    private static long failedCount(String answer) {
        String[] words = answer.split(" ");
        if (words.length > 3 && words[0].equals("failed") && words[2].equals("of")) {
            try {
                return Long.parseLong(words[1]);
            } catch (NumberFormatException notACount) {
                return 1;
            }
        }
        return 1;
    }

    private static Results.IdleRun result(Scenario.Idle scenario, ServerKind kind, ClassHistogram without,
                                          ClassHistogram with, long rssWithout, long rssWith,
                                          long heapAfterExchange, long failures, String firstFailure,
                                          List<String> histogramFiles) {
        List<ClassHistogram.Entry> growth = with.growthSince(without);
        Map<String, Long> byOwner = new LinkedHashMap<>();
        for (Owner owner : Owner.values()) {
            byOwner.put(owner.label(), 0L);
        }
        for (ClassHistogram.Entry entry : growth) {
            byOwner.merge(Owner.of(entry.className()).label(), entry.bytes(), Long::sum);
        }
        List<Results.ClassGrowth> top = new ArrayList<>();
        for (ClassHistogram.Entry entry : growth.subList(0, Math.min(TOP_CLASSES, growth.size()))) {
            top.add(new Results.ClassGrowth(entry.className(), entry.instances(), entry.bytes()));
        }
        List<Results.ClassGrowth> jetty = new ArrayList<>();
        for (ClassHistogram.Entry entry : growth) {
            if (entry.className().startsWith("org.eclipse.jetty.") && jetty.size() < TOP_CLASSES) {
                jetty.add(new Results.ClassGrowth(entry.className(), entry.instances(), entry.bytes()));
            }
        }
        return new Results.IdleRun(scenario.name(), kind.label(), scenario.connections(), without.totalBytes(),
                with.totalBytes(), rssWithout, rssWith, heapAfterExchange, byOwner, failures, firstFailure, top, jetty,
                histogramFiles);
    }
}
