package io.corral.bench.sidebyside;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's one benchmark command ({@code bench/side-by-side}): every scenario of the targets table,
 * Corral's connector against Jetty's {@code ServerConnector} on the same WAR and JVM flags (and the raw
 * engine against nginx), each run on a freshly started server that is warmed up first, the two servers
 * alternating pair after pair. Throughput is counted per server CPU-second ({@code /proc/<pid>/stat}),
 * latency as p99; idle connections as heap after a full GC and RSS per connection. Writes
 * {@code report.md}, PNG charts and {@code results.json} into one results directory, and stops every
 * process it started, also when it is interrupted. See {@link Options} for the command line.
 */
public final class SideBySide {

    private static final Duration HANDSHAKE_LIMIT = Duration.ofMinutes(3);
    private static final Pattern NATIVE_HEAP = Pattern.compile("heap per idle connection: ([\\d,]+) bytes");
    private static final Pattern NATIVE_RSS = Pattern.compile("RSS per idle connection: ([\\d,]+) bytes");

    private final Options options;
    private final BenchEnvironment env;
    private final Path reportDir;
    private final long deadline;
    private final List<Results.ThroughputRun> throughputRuns = new ArrayList<>();
    private final List<Results.IdleRun> idleRuns = new ArrayList<>();
    private final List<Results.NativeIdleRun> nativeIdleRuns = new ArrayList<>();
    private final List<Results.Skipped> skipped = new ArrayList<>();

    private SideBySide(Options options, BenchEnvironment env, Path reportDir) {
        this.options = options;
        this.env = env;
        this.reportDir = reportDir;
        this.deadline = System.nanoTime() + options.budget().toNanos();
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException bad) {
            System.err.println("side-by-side: " + bad.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        List<Scenario> scenarios = Scenario.select(Scenario.all(options.quick()), options.scenarios());
        if (options.list()) {
            for (Scenario scenario : Scenario.all(options.quick())) {
                System.out.printf(Locale.ROOT, "%-16s %s — target: %s%n", scenario.name(), scenario.title(), scenario.target());
            }
            return;
        }
        // Whatever happens (a failure, Ctrl-C, the script's time limit), no server or client outlives us.
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
                ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
        Path reportDir = Files.createDirectories(options.out());
        BenchEnvironment env = environment(reportDir);
        SideBySide bench = new SideBySide(options, env, reportDir);
        Instant started = Instant.now();
        String loadBefore = loadAverage();
        bench.runAll(scenarios);
        Map<String, Object> meta = bench.metadata(started, loadBefore);
        Report.write(reportDir, meta, scenarios, bench.throughputRuns, bench.idleRuns, bench.nativeIdleRuns, bench.skipped);
        System.out.println("side-by-side: report in " + reportDir.resolve("report.md"));
    }

    private void runAll(List<Scenario> scenarios) {
        for (Scenario scenario : scenarios) {
            switch (scenario) {
                case Scenario.Throughput throughput -> runPairs(throughput);
                case Scenario.Idle idle -> {
                    for (ServerKind kind : List.of(ServerKind.CORRAL, ServerKind.JETTY)) {
                        attempt(scenario, kind.label(), () -> {
                            Results.IdleRun run = IdleCapacity.measure(idle, kind, env, reportDir, options.idleSettings());
                            idleRuns.add(run);
                            progress("%-16s %-10s %6d conns  heap %,8.0f B/conn  RSS %,8.0f B/conn  failures %d",
                                    run.scenario(), run.server(), run.connections(), run.heapPerConnection(),
                                    run.rssPerConnection(), run.failures());
                        });
                    }
                }
                case Scenario.NativeIdle nativeIdle -> attempt(scenario, ServerKind.RAW.label(), () -> {
                    Results.NativeIdleRun run = nativeIdle(nativeIdle);
                    nativeIdleRuns.add(run);
                    progress("%-16s %-10s %6d conns  heap %,8.0f B/conn  RSS %,8.0f B/conn", run.scenario(),
                            ServerKind.RAW.label(), run.connections(), run.heapPerConnection(), run.rssPerConnection());
                });
            }
        }
    }

    /** Alternating runs: pair 0 measures the measured server first, pair 1 the baseline first, and so on. */
    private void runPairs(Scenario.Throughput scenario) {
        for (int pair = 0; pair < options.pairs(); pair++) {
            List<ServerKind> order = pair % 2 == 0 ? List.of(scenario.measured(), scenario.baseline())
                    : List.of(scenario.baseline(), scenario.measured());
            for (ServerKind kind : order) {
                int thisPair = pair;
                attempt(scenario, kind.label(), () -> {
                    Results.ThroughputRun run = throughput(scenario, kind, thisPair);
                    throughputRuns.add(run);
                    progress("%-16s %-10s pair %d  %,10d %s in %4.1f s  server CPU %5.2f s  %,9.0f /CPU-s  p99 %8.2f ms  errors %d",
                            run.scenario(), run.server(), thisPair, run.load().units(), scenario.unit(),
                            run.load().seconds(), run.cpuSeconds(), run.perCpuSecond(), run.load().p99Micros() / 1e3,
                            run.load().errors());
                });
            }
        }
    }

    private interface Measurement {
        void run() throws Exception;
    }

    /** Runs one measurement unless the time budget is spent; a failure is recorded and the run goes on. */
    private void attempt(Scenario scenario, String server, Measurement measurement) {
        if (System.nanoTime() - deadline > 0) {
            skipped.add(new Results.Skipped(scenario.name(), server, "time budget of " + options.budget() + " spent"));
            progress("%-16s %-10s skipped: time budget spent", scenario.name(), server);
            return;
        }
        try {
            measurement.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skipped.add(new Results.Skipped(scenario.name(), server, "interrupted"));
        } catch (Exception | AssertionError e) {
            skipped.add(new Results.Skipped(scenario.name(), server, e.toString()));
            progress("%-16s %-10s FAILED: %s", scenario.name(), server, e);
        }
    }

    private Results.ThroughputRun throughput(Scenario.Throughput scenario, ServerKind kind, int pair) throws Exception {
        try (ServerProcess server = ServerProcess.start(kind, env, scenario.name() + "-" + kind.label() + "-" + pair, 0)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            LoadResult load;
            double cpuBefore;
            double cpuAfter;
            switch (scenario.load()) {
                case HTTP_PLAINTEXT, HTTP_ECHO_4K, HTTP_CLOSE -> {
                    if (env.wrk() == null) {
                        throw new IOException("wrk is not installed (apt-get install wrk failed)");
                    }
                    Wrk wrk = new Wrk(env.wrk(), env.nginxConf().resolveSibling("post-4k.lua"));
                    Wrk.Request request = switch (scenario.load()) {
                        case HTTP_ECHO_4K -> Wrk.Request.ECHO_4K;
                        case HTTP_CLOSE -> Wrk.Request.CLOSE;
                        default -> Wrk.Request.PLAINTEXT;
                    };
                    wrk.run(server.port(), request, scenario.connections(), options.warmup());
                    cpuBefore = server.cpuSeconds();
                    load = wrk.run(server.port(), request, scenario.connections(), options.seconds());
                    cpuAfter = server.cpuSeconds();
                }
                case WS_ECHO_32, WS_ECHO_16K -> {
                    int size = scenario.load() == Scenario.Load.WS_ECHO_32 ? 32 : 16 * 1024;
                    try (WebSocketEchoLoad echo = WebSocketEchoLoad.open(address, "/ws/echo", scenario.connections(), size)) {
                        echo.run(options.warmup());
                        cpuBefore = server.cpuSeconds();
                        load = echo.run(options.seconds());
                        cpuAfter = server.cpuSeconds();
                    }
                }
                case WS_HANDSHAKE -> {
                    // Warm-up for the same time as the other scenarios; its unfinished handshakes do not matter.
                    WebSocketHandshakeLoad.run(address, "/ws/echo", Integer.MAX_VALUE, scenario.connections(),
                            options.warmup());
                    cpuBefore = server.cpuSeconds();
                    load = WebSocketHandshakeLoad.run(address, "/ws/echo", options.handshakes(), scenario.connections(),
                            HANDSHAKE_LIMIT);
                    cpuAfter = server.cpuSeconds();
                }
                case H2_PLAINTEXT, H2_ECHO_4K -> {
                    if (env.h2load() == null) {
                        throw new IOException("h2load is not installed (apt-get install nghttp2-client failed)");
                    }
                    H2Load h2load = new H2Load(env.h2load(), env.logs());
                    H2Load.Request request = scenario.load() == Scenario.Load.H2_ECHO_4K ? H2Load.Request.ECHO_4K
                            : H2Load.Request.PLAINTEXT;
                    h2load.run(server.port(), request, scenario.connections(), scenario.streams(), options.warmup());
                    cpuBefore = server.cpuSeconds();
                    load = h2load.run(server.port(), request, scenario.connections(), scenario.streams(),
                            options.seconds());
                    cpuAfter = server.cpuSeconds();
                }
                default -> throw new IllegalStateException(scenario.load().toString());
            }
            if (!server.isAlive()) {
                throw new IOException(kind.label() + " died during the run");
            }
            return new Results.ThroughputRun(scenario.name(), kind.label(), pair, load, cpuAfter - cpuBefore);
        }
    }

    /** The native engine's figures from {@code io.corral.bench.IdleWebSocketMemory}, run as a child JVM. */
    private Results.NativeIdleRun nativeIdle(Scenario.NativeIdle scenario) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(env.java().toString());
        command.addAll(env.idleJvmFlags());
        command.addAll(List.of("-cp", env.benchClasspath(), "io.corral.bench.IdleWebSocketMemory",
                "connections=" + scenario.connections(), "warmup=" + options.idleSettings().warmup(), "message=first",
                "idleTimeout=" + IdleCapacity.IDLE_TIMEOUT_MS / 1000));
        CompletedProcess run = CompletedProcess.run("IdleWebSocketMemory", command, Duration.ofMinutes(10));
        String output = run.output();
        if (run.exitValue() != 0) {
            throw new IOException("IdleWebSocketMemory failed:\n" + output);
        }
        Files.writeString(env.logs().resolve(scenario.name() + ".log"), output);
        Matcher heap = NATIVE_HEAP.matcher(output);
        Matcher rss = NATIVE_RSS.matcher(output);
        if (!heap.find()) {
            throw new IOException("IdleWebSocketMemory printed no heap figure:\n" + output);
        }
        return new Results.NativeIdleRun(scenario.name(), scenario.connections(), number(heap.group(1)),
                rss.find() ? number(rss.group(1)) : 0, output);
    }

    private static double number(String withCommas) {
        return Double.parseDouble(withCommas.replace(",", ""));
    }

    private Map<String, Object> metadata(Instant started, String loadBefore) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("started", started.toString());
        meta.put("finished", Instant.now().toString());
        meta.put("commit", System.getProperty("bench.commit", "unknown"));
        meta.put("mode", options.quick() ? "quick (smoke test: one short pair, fewer idle connections)" : "full");
        meta.put("pairs", options.pairs());
        meta.put("secondsPerRun", options.seconds().toSeconds());
        meta.put("warmupSecondsPerRun", options.warmup().toSeconds());
        meta.put("handshakesPerRun", options.handshakes());
        meta.put("idle", options.idleSettings());
        meta.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        meta.put("serverJvmFlags", String.join(" ", env.serverJvmFlags()));
        meta.put("idleServerJvmFlags", String.join(" ", env.idleJvmFlags()));
        meta.put("cpus", Runtime.getRuntime().availableProcessors());
        meta.put("loadAverageBefore", loadBefore);
        meta.put("loadAverageAfter", loadAverage());
        return meta;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void progress(String format, Object... args) {
        System.out.printf(Locale.ROOT, format + "%n", args);
        System.out.flush();
    }

    /** The paths {@code bench/side-by-side} passes as system properties. */
    static BenchEnvironment environment(Path reportDir) throws IOException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path logs = Files.createDirectories(reportDir.resolve("logs"));
        return new BenchEnvironment(javaHome.resolve("bin/java"), javaHome.resolve("bin/jcmd"),
                flags("bench.jvmFlags"), flags("bench.idleJvmFlags"),
                required("bench.serverClasspath"), required("bench.benchClasspath"), Path.of(required("bench.war")),
                Path.of(required("bench.nginxConf")), optionalPath("bench.nginx"), optionalPath("bench.wrk"), logs,
                optionalPath("bench.h2load"));
    }

    private static List<String> flags(String property) {
        return Arrays.stream(required(property).trim().split("\\s+")).filter(flag -> !flag.isEmpty()).toList();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("-D" + property + " missing: run bench/side-by-side, not this class");
        }
        return value;
    }

    private static Path optionalPath(String property) {
        String value = System.getProperty(property, "");
        return value.isBlank() ? null : Path.of(value);
    }
}
