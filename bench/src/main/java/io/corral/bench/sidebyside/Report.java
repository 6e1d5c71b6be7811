package io.corral.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Writes the results directory: {@code report.md} (the targets table, met or not, then every figure),
 * {@code results.json} (every run as measured) and the PNG charts. A target is met only when it was
 * measured, without errors; anything not measured says why.
 */
final class Report {

    /** Corral's own bytes per idle connection may be at most this (issue 16's targets). */
    private static final double OWN_BYTES_TARGET = 1536;

    private final List<Results.ThroughputRun> throughput;
    private final List<Results.IdleRun> idle;
    private final List<Results.NativeIdleRun> nativeIdle;
    private final List<Results.Skipped> skipped;
    private final StringBuilder md = new StringBuilder();

    private Report(List<Results.ThroughputRun> throughput, List<Results.IdleRun> idle,
                   List<Results.NativeIdleRun> nativeIdle, List<Results.Skipped> skipped) {
        this.throughput = throughput;
        this.idle = idle;
        this.nativeIdle = nativeIdle;
        this.skipped = skipped;
    }

    static void write(Path dir, Map<String, Object> meta, List<Scenario> scenarios,
                      List<Results.ThroughputRun> throughput, List<Results.IdleRun> idle,
                      List<Results.NativeIdleRun> nativeIdle, List<Results.Skipped> skipped) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("meta", meta);
        json.put("throughputRuns", throughput);
        json.put("idleRuns", idle);
        json.put("nativeIdleRuns", nativeIdle);
        json.put("skipped", skipped);
        Files.writeString(dir.resolve("results.json"), Json.write(json));
        Report report = new Report(throughput, idle, nativeIdle, skipped);
        report.markdown(dir, meta, scenarios);
        Files.writeString(dir.resolve("report.md"), report.md);
    }

    /** The verdict on one target and the figures behind it. */
    private record Verdict(String measured, String result) {}

    private void markdown(Path dir, Map<String, Object> meta, List<Scenario> scenarios) throws IOException {
        line("# Corral vs Jetty's ServerConnector: side-by-side benchmark");
        line("");
        line("Same WAR (war-sample), same JVM flags, servers started fresh for every run and warmed up first, "
                + "Corral and its baseline alternating. Throughput is per **server CPU-second** (user + system time of "
                + "the server process from `/proc/<pid>/stat`), which is what compares fairly while the load generators "
                + "share the machine's cores. Ratios are the median of the per-pair ratios (range in brackets).");
        line("");
        for (Map.Entry<String, Object> entry : meta.entrySet()) {
            line("- " + entry.getKey() + ": `" + entry.getValue() + "`");
        }
        line("");
        if (String.valueOf(meta.get("mode")).startsWith("quick")) {
            line("> **Quick mode**: a smoke test of the harness (one short pair, a tenth of the idle connections). "
                    + "Its figures are indicative only; the targets are judged on a full run.");
            line("");
        }
        line("## Targets");
        line("");
        line("| scenario | target | measured | result |");
        line("|---|---|---|---|");
        for (Scenario scenario : scenarios) {
            Verdict verdict = switch (scenario) {
                case Scenario.Throughput s -> verdict(s);
                case Scenario.Idle s -> verdict(s);
                case Scenario.NativeIdle s -> verdict(s);
            };
            line("| " + scenario.title() + " | " + scenario.target() + " | " + verdict.measured() + " | "
                    + verdict.result() + " |");
        }
        line("");
        throughputSection(dir, scenarios);
        idleSection(dir, scenarios);
        if (!skipped.isEmpty()) {
            line("## Runs not made or failed");
            line("");
            line("| scenario | server | why |");
            line("|---|---|---|");
            for (Results.Skipped skip : skipped) {
                line("| " + skip.scenario() + " | " + skip.server() + " | " + cell(skip.reason()) + " |");
            }
            line("");
        }
        line("## Raw data");
        line("");
        line("`results.json` holds every run as measured; `logs/` the output of every server and client process; "
                + "`histograms/` the class histograms of the idle runs.");
    }

    // ---- throughput ----

    private List<Results.ThroughputRun> runs(String scenario, String server) {
        return throughput.stream().filter(r -> r.scenario().equals(scenario) && r.server().equals(server)).toList();
    }

    private Verdict verdict(Scenario.Throughput scenario) {
        List<Results.ThroughputRun> measured = runs(scenario.name(), scenario.measured().label());
        List<Results.ThroughputRun> baseline = runs(scenario.name(), scenario.baseline().label());
        List<Double> ratios = pairRatios(measured, baseline);
        if (ratios.isEmpty()) {
            return new Verdict("not measured", "**not measured** (see below)");
        }
        double ratio = median(ratios);
        double p99Measured = median(measured.stream().map(r -> r.load().p99Micros()).toList()) / 1e3;
        double p99Baseline = median(baseline.stream().map(r -> r.load().p99Micros()).toList()) / 1e3;
        long errors = errors(measured) + errors(baseline);
        boolean ratioMet = ratio >= scenario.minRatio();
        boolean p99Met = !scenario.p99NoWorse() || p99Measured <= p99Baseline;
        String figures = String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]; p99 %.2f vs %.2f ms%s", ratio,
                min(ratios), max(ratios), p99Measured, p99Baseline, errors > 0 ? "; **" + errors + " errors**" : "");
        List<String> missed = new ArrayList<>();
        if (!ratioMet) {
            missed.add("ratio");
        }
        if (!p99Met) {
            missed.add("p99");
        }
        if (errors > 0) {
            missed.add("errors");
        }
        String result = missed.isEmpty() ? "met" : "**not met** (" + String.join(", ", missed) + ")";
        return new Verdict(figures, result);
    }

    private static List<Double> pairRatios(List<Results.ThroughputRun> measured, List<Results.ThroughputRun> baseline) {
        List<Double> ratios = new ArrayList<>();
        for (Results.ThroughputRun m : measured) {
            for (Results.ThroughputRun b : baseline) {
                if (m.pair() == b.pair() && b.perCpuSecond() > 0) {
                    ratios.add(m.perCpuSecond() / b.perCpuSecond());
                }
            }
        }
        return ratios;
    }

    private void throughputSection(Path dir, List<Scenario> scenarios) throws IOException {
        List<Scenario.Throughput> loads = scenarios.stream().filter(s -> s instanceof Scenario.Throughput)
                .map(s -> (Scenario.Throughput) s).toList();
        if (loads.isEmpty()) {
            return;
        }
        line("## Throughput and latency");
        line("");
        line("| scenario | server | runs | per server CPU-second (median) | per second (median) | server CPU-s per run | p50 ms | p99 ms (median) | errors |");
        line("|---|---|---|---|---|---|---|---|---|");
        DefaultCategoryDataset rates = new DefaultCategoryDataset();
        DefaultCategoryDataset p99s = new DefaultCategoryDataset();
        DefaultCategoryDataset ratioBars = new DefaultCategoryDataset();
        DefaultCategoryDataset ratioTargets = new DefaultCategoryDataset();
        for (Scenario.Throughput scenario : loads) {
            for (ServerKind kind : List.of(scenario.measured(), scenario.baseline())) {
                List<Results.ThroughputRun> runs = runs(scenario.name(), kind.label());
                if (runs.isEmpty()) {
                    continue;
                }
                double perCpu = median(runs.stream().map(Results.ThroughputRun::perCpuSecond).toList());
                double p99 = median(runs.stream().map(r -> r.load().p99Micros()).toList()) / 1e3;
                line(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f %s | %,.0f | %.2f | %.2f | %.2f | %d |",
                        scenario.name(), kind.label(), runs.size(), perCpu, scenario.unit(),
                        median(runs.stream().map(Results.ThroughputRun::perSecond).toList()),
                        median(runs.stream().map(Results.ThroughputRun::cpuSeconds).toList()),
                        median(runs.stream().map(r -> r.load().p50Micros()).toList()) / 1e3, p99, errors(runs)));
                String series = kind == scenario.measured() ? "Corral (connector or raw engine)" : "baseline (Jetty's ServerConnector or nginx)";
                rates.addValue(perCpu, series, scenario.name());
                p99s.addValue(Math.max(p99, 0.01), series, scenario.name());
            }
            List<Double> ratios = pairRatios(runs(scenario.name(), scenario.measured().label()),
                    runs(scenario.name(), scenario.baseline().label()));
            if (!ratios.isEmpty()) {
                ratioBars.addValue(median(ratios), "Corral ÷ baseline", scenario.name());
                ratioTargets.addValue(scenario.minRatio(), "target", scenario.name());
            }
        }
        line("");
        if (rates.getColumnCount() > 0) {
            Charts.groupedLog(dir.resolve("throughput.png"), "Throughput per server CPU-second (median)",
                    "requests, messages or handshakes per server CPU-second", rates);
            Charts.groupedLog(dir.resolve("p99.png"), "p99 latency (median of runs)", "p99 latency, ms", p99s);
            line("![throughput per server CPU-second](throughput.png)");
            line("");
            line("![p99 latency](p99.png)");
            line("");
        }
        if (ratioBars.getColumnCount() > 0) {
            Charts.ratios(dir.resolve("ratios.png"), ratioBars, ratioTargets);
            line("![ratios against targets](ratios.png)");
            line("");
        }
        line("Every run:");
        line("");
        line("| scenario | server | pair | units | seconds | server CPU-s | per CPU-s | p99 ms | errors |");
        line("|---|---|---|---|---|---|---|---|---|");
        List<Results.ThroughputRun> ordered = new ArrayList<>(throughput);
        ordered.sort(Comparator.comparing(Results.ThroughputRun::scenario).thenComparing(Results.ThroughputRun::pair)
                .thenComparing(Results.ThroughputRun::server));
        for (Results.ThroughputRun run : ordered) {
            line(String.format(Locale.ROOT, "| %s | %s | %d | %,d | %.1f | %.2f | %,.0f | %.2f | %s |", run.scenario(),
                    run.server(), run.pair(), run.load().units(), run.load().seconds(), run.cpuSeconds(),
                    run.perCpuSecond(), run.load().p99Micros() / 1e3,
                    run.load().errors() == 0 ? "0" : run.load().errors() + ": " + cell(run.load().firstError())));
        }
        line("");
    }

    // ---- idle ----

    private Optional<Results.IdleRun> idleRun(String scenario, ServerKind kind) {
        return idle.stream().filter(r -> r.scenario().equals(scenario) && r.server().equals(kind.label())).findFirst();
    }

    /**
     * Corral's own bytes per idle connection: its classes, the thread stacks (an idle connection on
     * Jetty keeps none), and whatever buffer bytes it keeps beyond what the same connection keeps on Jetty.
     */
    private static double ownBytes(Results.IdleRun corral, Results.IdleRun jetty) {
        double buffers = corral.ownerPerConnection(Owner.BUFFERS) - (jetty == null ? 0 : jetty.ownerPerConnection(Owner.BUFFERS));
        return corral.ownerPerConnection(Owner.CORRAL) + corral.ownerPerConnection(Owner.THREADS) + Math.max(0, buffers);
    }

    private Verdict verdict(Scenario.Idle scenario) {
        Optional<Results.IdleRun> corral = idleRun(scenario.name(), ServerKind.CORRAL);
        Optional<Results.IdleRun> jetty = idleRun(scenario.name(), ServerKind.JETTY);
        if (corral.isEmpty() || jetty.isEmpty()) {
            return new Verdict("not measured", "**not measured** (see below)");
        }
        Results.IdleRun c = corral.get();
        Results.IdleRun j = jetty.get();
        double heapRatio = c.heapPerConnection() / j.heapPerConnection();
        double footprintRatio = c.footprintPerConnection() / j.footprintPerConnection();
        double own = ownBytes(c, j);
        long failures = c.failures() + j.failures();
        String figures = String.format(Locale.ROOT,
                "heap %,.0f vs %,.0f B/conn (%.2f×); heap + native %,.0f vs %,.0f B/conn (%.2f×); Corral's own %,.0f B;"
                        + " failures %d + %d",
                c.heapPerConnection(), j.heapPerConnection(), heapRatio, c.footprintPerConnection(),
                j.footprintPerConnection(), footprintRatio, own, c.failures(), j.failures());
        List<String> missed = new ArrayList<>();
        switch (scenario.kind()) {
            case HTTP -> {
                if (heapRatio > 1.0 / 3) {
                    missed.add("heap");
                }
                if (footprintRatio > 0.5) {
                    missed.add("RSS");
                }
                if (own > OWN_BYTES_TARGET) {
                    missed.add("own bytes");
                }
            }
            case WEBSOCKET -> {
                if (heapRatio > 0.85) {
                    missed.add("heap");
                }
                if (own > OWN_BYTES_TARGET) {
                    missed.add("own bytes");
                }
            }
            case WEBSOCKET_DEFLATE -> { }
        }
        if (failures > 0) {
            missed.add("failures");
        }
        String result = !missed.isEmpty() ? "**not met** (" + String.join(", ", missed) + ")"
                : scenario.kind() == Scenario.IdleKind.WEBSOCKET_DEFLATE ? "reported"
                : scenario.kind() == Scenario.IdleKind.WEBSOCKET && heapRatio <= 0.8 ? "met (aim 0.8× too)" : "met";
        return new Verdict(figures, result);
    }

    private Verdict verdict(Scenario.NativeIdle scenario) {
        return nativeIdle.stream().filter(r -> r.scenario().equals(scenario.name())).findFirst()
                .map(r -> new Verdict(String.format(Locale.ROOT, "heap %,.0f B/conn; RSS %,.0f B/conn",
                        r.heapPerConnection(), r.rssPerConnection()), r.heapPerConnection() <= 2048 ? "met" : "**not met**"))
                .orElse(new Verdict("not measured", "**not measured** (see below)"));
    }

    private void idleSection(Path dir, List<Scenario> scenarios) throws IOException {
        if (idle.isEmpty() && nativeIdle.isEmpty()) {
            return;
        }
        line("## Idle connections");
        line("");
        line("Live heap from a class histogram after a full GC (`jcmd <pid> GC.class_histogram`) and RSS from "
                + "`/proc/<pid>/status`, without and with the idle connections; bytes per connection = (with − without) ÷ N. "
                + "The measured JVMs run with a fixed, pre-touched heap, so the RSS growth is the connections' native "
                + "memory (outside the heap: zlib state, NIO, thread stacks not in the heap) and heap + native is what the "
                + "process grows by; the RSS target is judged on that sum. The targets are judged on the first sample; the last "
                + "column is the live heap once every connection has exchanged one more message (a second request, a second "
                + "echo) and gone idle again. "
                + "Clients run in separate JVMs on source addresses 127.0.0.10, 127.0.0.11, …; after the second sample every "
                + "connection exchanges one more message, so a connection lost while idle counts as a failure. "
                + "Connector and WebSocket idle timeouts are raised to " + IdleCapacity.IDLE_TIMEOUT_MS / 60_000
                + " minutes on both servers for the measurement, and Corral's `maxConnections` (default 10,000; "
                + "ServerConnector has no cap) to " + String.format(Locale.ROOT, "%,d", BenchServer.IDLE_MAX_CONNECTIONS)
                + ". \"Corral's own\" = `io.corral.*` objects + thread stacks + "
                + "buffer bytes beyond Jetty's for the same connection.");
        line("");
        StringBuilder header = new StringBuilder("| scenario | server | N | heap B/conn | native (RSS growth) B/conn | heap + native B/conn | heap B/conn after one more exchange |");
        StringBuilder rule = new StringBuilder("|---|---|---|---|---|---|---|");
        for (Owner owner : Owner.values()) {
            header.append(' ').append(owner.shortName()).append(" |");
            rule.append("---|");
        }
        line(header.append(" Corral's own | failures |").toString());
        line(rule.append("---|---|").toString());
        DefaultCategoryDataset byOwner = new DefaultCategoryDataset();
        for (Scenario scenario : scenarios) {
            if (!(scenario instanceof Scenario.Idle)) {
                continue;
            }
            Results.IdleRun jetty = idleRun(scenario.name(), ServerKind.JETTY).orElse(null);
            for (ServerKind kind : List.of(ServerKind.CORRAL, ServerKind.JETTY)) {
                Optional<Results.IdleRun> found = idleRun(scenario.name(), kind);
                if (found.isEmpty()) {
                    continue;
                }
                Results.IdleRun run = found.get();
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %s | %,d | %,.0f | %,.0f | %,.0f | %,.0f |",
                        run.scenario(), run.server(), run.connections(), run.heapPerConnection(), run.rssPerConnection(),
                        run.footprintPerConnection(), run.heapAfterExchangePerConnection()));
                for (Owner owner : Owner.values()) {
                    row.append(String.format(Locale.ROOT, " %,.0f |", run.ownerPerConnection(owner)));
                    byOwner.addValue(run.ownerPerConnection(owner) / 1024, owner.shortName(), run.scenario() + " " + run.server());
                }
                row.append(kind == ServerKind.CORRAL ? String.format(Locale.ROOT, " %,.0f |", ownBytes(run, jetty)) : " |");
                row.append(' ').append(run.failures() == 0 ? "0" : run.failures() + ": " + cell(run.firstFailure())).append(" |");
                line(row.toString());
            }
        }
        for (Results.NativeIdleRun run : nativeIdle) {
            line(String.format(Locale.ROOT, "| %s | %s | %,d | %,.0f | %,.0f | %,.0f | |%s | |", run.scenario(),
                    ServerKind.RAW.label(), run.connections(), run.heapPerConnection(), run.rssPerConnection(),
                    run.heapPerConnection() + run.rssPerConnection(), " |".repeat(Owner.values().length)));
        }
        line("");
        if (byOwner.getColumnCount() > 0) {
            Charts.stacked(dir.resolve("idle-bytes.png"), "Heap bytes per idle connection, by owner",
                    "KiB per connection (after full GC)", byOwner);
            line("![bytes per idle connection by owner](idle-bytes.png)");
            line("");
        }
        for (Results.IdleRun run : idle) {
            line("<details><summary>" + run.scenario() + " on " + run.server() + ": the classes that grew most, and Jetty's</summary>");
            line("");
            line("| bytes/conn | objects/conn | class |");
            line("|---|---|---|");
            for (Results.ClassGrowth growth : run.topClasses()) {
                line(String.format(Locale.ROOT, "| %,.1f | %.2f | `%s` |", (double) growth.bytes() / run.connections(),
                        (double) growth.instances() / run.connections(), growth.className()));
            }
            line("");
            if (!run.jettyClasses().isEmpty()) {
                line("Jetty's objects among them (" + (run.server().equals(ServerKind.CORRAL.label())
                        ? "what Corral keeps reachable of Jetty's HTTP, WebSocket and Jakarta objects" : "Jetty's own") + "):");
                line("");
                line("| bytes/conn | objects/conn | class |");
                line("|---|---|---|");
                for (Results.ClassGrowth growth : run.jettyClasses()) {
                    line(String.format(Locale.ROOT, "| %,.1f | %.2f | `%s` |", (double) growth.bytes() / run.connections(),
                            (double) growth.instances() / run.connections(), growth.className()));
                }
                line("");
            }
            line("</details>");
            line("");
        }
    }

    // ---- helpers ----

    private static long errors(List<Results.ThroughputRun> runs) {
        return runs.stream().mapToLong(r -> r.load().errors()).sum();
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static String cell(String text) {
        String oneLine = text.replace('\n', ' ').replace("|", "\\|");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }

    private void line(String text) {
        md.append(text).append('\n');
    }
}
