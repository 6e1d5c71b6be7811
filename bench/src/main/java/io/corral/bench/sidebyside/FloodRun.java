package io.corral.bench.sidebyside;

import io.corral.bench.ClassHistogram;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 18's full-scale attacks, Corral's connector and Jetty's {@code ServerConnector} side by side on the
 * war-sample (the same JVM flags; Corral as shipped, its connection limit sized at start by {@code ConnectionBudget},
 * unless {@code -Dbench.flood.maxConnections} forces one, as the issue did with 10,000): 15,000 connections opened
 * and left idle, and 10,500 POSTs
 * trickling their bodies at 10 B/s, each from {@link FloodClients} JVMs on source addresses of their own, while three
 * control clients run — a keep-alive {@code GET /plaintext} every 100 ms, a new connection every 250 ms, a new
 * WebSocket (handshake, one echo, close) every 100 ms. Printed for each: the controls' requests, errors, p99 and worst
 * latency (all together, and each control on its own), what the attackers saw, and the server's heap after a full GC
 * before the flood, right after it, and a minute after it; the connection limit in force; and how many handshakes
 * the kernel dropped meanwhile because a listening socket's accept queue was full ({@code ListenOverflows} and
 * {@code ListenDrops} of {@code /proc/net/netstat}, counted for the whole network namespace: the attackers'
 * and controls' connections to this server are all there is on loopback during a run on a quiet machine).
 * Bounded: every phase has a deadline, every process it starts is stopped when it ends.
 *
 * <p>System properties (set by {@code bench/run-floods}): those of {@link SideBySide}, plus
 * {@code bench.flood.seconds} (how long the controls run under the flood, default 45),
 * {@code bench.flood.scenarios} ({@code idle,trickle}), {@code bench.flood.maxConnections} (unset: as shipped) and
 * {@code bench.flood.scale} (divides the connection counts, for a smoke test; default 1) and
 * {@code bench.flood.servers} ({@code corral,jetty}).
 */
public final class FloodRun {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

    private record Scenario(String name, String mode, int connections) {}

    private record Outcome(String scenario, ServerKind kind, long requests, List<String> errors, long p99Nanos,
                           long worstNanos, String attackers, long heapBefore, long heapAfter, long heapLater,
                           String byControl, String limit, KernelDrops drops) {}

    /** Handshakes the kernel dropped during a run: the counters' rise from {@code /proc/net/netstat}. */
    record KernelDrops(long listenOverflows, long listenDrops) {

        static KernelDrops now() {
            try {
                List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
                for (int i = 0; i + 1 < lines.size(); i++) {
                    if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                        List<String> names = Arrays.asList(lines.get(i).split("\\s+"));
                        String[] values = lines.get(i + 1).split("\\s+");
                        return new KernelDrops(Long.parseLong(values[names.indexOf("ListenOverflows")]),
                                Long.parseLong(values[names.indexOf("ListenDrops")]));
                    }
                }
            } catch (IOException | RuntimeException notLinux) {
                // reported as unknown
            }
            return new KernelDrops(-1, -1);
        }

        KernelDrops since(KernelDrops before) {
            return listenOverflows < 0 || before.listenOverflows < 0 ? this
                    : new KernelDrops(listenOverflows - before.listenOverflows, listenDrops - before.listenDrops);
        }

        @Override
        public String toString() {
            return listenOverflows < 0 ? "unknown" : String.format(Locale.ROOT, "%,d / %,d", listenOverflows, listenDrops);
        }
    }

    /** How long after the flood's end the last heap figure is taken: pools must have given memory back by then. */
    private static final Duration HEAP_SETTLES = Duration.ofSeconds(60);

    private FloodRun() {
    }

    public static void main(String[] args) throws Exception {
        Path reportDir = Files.createDirectories(Path.of("bench", "results",
                "floods-" + Instant.now().toString().replace(':', '-').substring(0, 19)));
        BenchEnvironment env = SideBySide.environment(reportDir);
        long seconds = Long.getLong("bench.flood.seconds", 45);
        // Null: the product as shipped (the limit ConnectionBudget sizes at start).
        Integer maxConnections = Integer.getInteger("bench.flood.maxConnections");
        int scale = Integer.getInteger("bench.flood.scale", 1);
        List<String> selected = Arrays.asList(System.getProperty("bench.flood.scenarios", "idle,trickle").split(","));
        List<ServerKind> servers = Arrays.stream(System.getProperty("bench.flood.servers", "corral,jetty").split(","))
                .map(name -> name.equals("jetty") ? ServerKind.JETTY : ServerKind.CORRAL).toList();
        List<Scenario> scenarios = new ArrayList<>();
        if (selected.contains("idle")) {
            int n = 15_000 / scale;
            scenarios.add(new Scenario(String.format(Locale.ROOT, "%,d idle connections", n), "idle", n));
        }
        if (selected.contains("trickle")) {
            int n = 10_500 / scale;
            scenarios.add(new Scenario(String.format(Locale.ROOT, "%,d POSTs trickling at 10 B/s", n), "trickle", n));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            for (ServerKind kind : servers) {
                System.out.printf(Locale.ROOT, "%s on %s…%n", scenario.name(), kind.label());
                outcomes.add(run(scenario, kind, env, seconds, maxConnections));
                System.out.println(line(outcomes.getLast()));
            }
        }
        StringBuilder report = new StringBuilder("# Floods (issue 18)\n\n")
                .append("Corral at maxConnections=")
                .append(maxConnections == null ? "its default (sized at start)" : maxConnections + " (forced)")
                .append(", controls for ").append(seconds).append(" s under each flood. Kernel drops: ListenOverflows / ")
                .append("ListenDrops of /proc/net/netstat, their rise during the run (whole network namespace).\n\n")
                .append("| attack | server | limit in force | control requests | control errors | p99 | worst | attackers ")
                .append("| kernel drops | heap after GC before → after → ").append(HEAP_SETTLES.toSeconds()).append(" s later |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Outcome outcome : outcomes) {
            report.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d%s | %.0f ms | %.0f ms | %s | %s | %.1f → %.1f → %.1f MiB |%n",
                    outcome.scenario(), outcome.kind().label(), outcome.limit(), outcome.requests(), outcome.errors().size(),
                    outcome.errors().isEmpty() ? "" : " (first: " + outcome.errors().getFirst().replace('|', '/') + ")",
                    outcome.p99Nanos() / 1e6, outcome.worstNanos() / 1e6, outcome.attackers(), outcome.drops(),
                    outcome.heapBefore() / 1048576.0, outcome.heapAfter() / 1048576.0, outcome.heapLater() / 1048576.0));
        }
        report.append("\nEach control on its own (requests, errors, p99, worst):\n\n");
        for (Outcome outcome : outcomes) {
            report.append("- ").append(outcome.scenario()).append(", ").append(outcome.kind().label()).append(": ")
                    .append(outcome.byControl()).append('\n');
        }
        Files.writeString(reportDir.resolve("floods.md"), report);
        System.out.println();
        System.out.println(report);
        System.out.println("written to " + reportDir.resolve("floods.md"));
    }

    private static String line(Outcome outcome) {
        return String.format(Locale.ROOT, "  limit %s; %d control requests, %d errors%s, p99 %.0f ms, worst %.0f ms (%s); "
                        + "attackers: %s; kernel drops (ListenOverflows / ListenDrops): %s; heap after GC %.1f → %.1f → %.1f MiB",
                outcome.limit(), outcome.requests(), outcome.errors().size(),
                outcome.errors().isEmpty() ? "" : " (first: " + outcome.errors().getFirst() + ")",
                outcome.p99Nanos() / 1e6, outcome.worstNanos() / 1e6, outcome.byControl(), outcome.attackers(), outcome.drops(),
                outcome.heapBefore() / 1048576.0, outcome.heapAfter() / 1048576.0, outcome.heapLater() / 1048576.0);
    }

    private static Outcome run(Scenario scenario, ServerKind kind, BenchEnvironment env, long seconds,
                               Integer maxConnections) throws IOException, InterruptedException {
        List<String> flags = new ArrayList<>(env.idleJvmFlags());
        if (maxConnections != null) {
            flags.add("-Dbench.maxConnections=" + maxConnections);
        }
        String label = "flood-" + scenario.mode() + "-" + kind.label();
        try (ServerProcess server = ServerProcess.start(kind, env, label, 0, flags)) {
            Path histograms = Files.createDirectories(env.logs().resolve("histograms"));
            long heapBefore = server.histogram(env, histograms.resolve(label + "-before.txt")).totalBytes();
            String limit = limitInForce(server);
            KernelDrops dropsBefore = KernelDrops.now();
            int processes = 3;
            List<Process> attackers = new ArrayList<>();
            List<BufferedReader> outputs = new ArrayList<>();
            // The attackers run past the controls: ramp-up (at most 3 minutes) plus the controls' time.
            long attackSeconds = seconds + 200;
            try {
                for (int p = 0; p < processes; p++) {
                    Process attacker = new ProcessBuilder(env.java().toString(), "-Xmx512m", "-Xss256k",
                            "-XX:+UseSerialGC", "-cp", env.benchClasspath(), FloodClients.class.getName(),
                            "127.0.0.1", Integer.toString(server.port()), "bind=127.0.0." + (20 + p),
                            "mode=" + scenario.mode(), "count=" + scenario.connections() / processes,
                            "seconds=" + attackSeconds)
                            .redirectError(ProcessBuilder.Redirect.appendTo(env.logs().resolve(label + "-attackers.log").toFile()))
                            .start();
                    attackers.add(attacker);
                    outputs.add(new BufferedReader(new InputStreamReader(attacker.getInputStream(), StandardCharsets.US_ASCII)));
                }
                long held = 0;
                for (BufferedReader output : outputs) {
                    String ready = output.readLine(); // "ready <open>", within the clients' own 3-minute bound
                    held += ready != null && ready.startsWith("ready ") ? Long.parseLong(ready.substring(6).trim()) : 0;
                }
                Controls controls = new Controls(new InetSocketAddress("127.0.0.1", server.port()));
                controls.runFor(Duration.ofSeconds(seconds));
                KernelDrops drops = KernelDrops.now().since(dropsBefore);
                for (Process attacker : attackers) {
                    attacker.destroy();
                }
                String attackerSummary = held + " of " + scenario.connections() + " connected (client side) once all had tried";
                for (Process attacker : attackers) {
                    attacker.waitFor(30, TimeUnit.SECONDS);
                }
                long floodEnded = System.nanoTime();
                Thread.sleep(5_000); // the server notices the closed sockets
                long heapAfter = server.histogram(env, histograms.resolve(label + "-after.txt")).totalBytes();
                // Nothing touches the server meanwhile: what it gives back, it gives back on its own.
                long settleMillis = TimeUnit.NANOSECONDS.toMillis(floodEnded + HEAP_SETTLES.toNanos() - System.nanoTime());
                if (settleMillis > 0) {
                    Thread.sleep(settleMillis);
                }
                long heapLater = server.histogram(env, histograms.resolve(label + "-later.txt")).totalBytes();
                return new Outcome(scenario.name(), kind, controls.requests(), controls.errors(), controls.p99(),
                        controls.worst(), attackerSummary, heapBefore, heapAfter, heapLater, controls.byControl(), limit,
                        drops);
            } finally {
                for (Process attacker : attackers) {
                    attacker.destroyForcibly();
                }
            }
        }
    }

    /** The connection limit the server reported once started ({@link BenchServer}), "none" on ServerConnector. */
    private static String limitInForce(ServerProcess server) throws IOException, InterruptedException {
        if (server.kind() == ServerKind.JETTY) {
            return "none";
        }
        // The line comes right after the server started, which may be a moment after it first answered.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            for (String line : Files.readAllLines(server.log(), StandardCharsets.UTF_8)) {
                int at = line.indexOf("maxConnections=");
                if (line.startsWith("bench server:") && at >= 0) {
                    return String.format(Locale.ROOT, "%,d",
                            Long.parseLong(line.substring(at + "maxConnections=".length()).trim()));
                }
            }
            Thread.sleep(100);
        } while (System.nanoTime() - deadline < 0);
        return "unknown";
    }

    /** The three control clients of the issue, on platform threads, every request bounded by a timeout. */
    private static final class Controls {

        private final InetSocketAddress server;
        private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        /** The same latencies and errors, each under its control's name. */
        private final java.util.Map<String, ConcurrentLinkedQueue<Long>> latenciesOf = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> errorsOf = new java.util.concurrent.ConcurrentHashMap<>();
        /** When each control's slowest request started (wall clock), to place a stall against the server's log and the flood. */
        private final java.util.Map<String, Slowest> slowestOf = new java.util.concurrent.ConcurrentHashMap<>();

        private record Slowest(long nanos, java.time.Instant startedAt) {}

        Controls(InetSocketAddress server) {
            this.server = server;
        }

        void runFor(Duration duration) throws InterruptedException {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> threads = List.of(
                    Thread.ofPlatform().name("control-keep-alive").start(() -> keepAlive(running)),
                    Thread.ofPlatform().name("control-new-connection").start(
                            () -> every(running, 250, "new connection", this::newConnectionGet)),
                    Thread.ofPlatform().name("control-websocket").start(
                            () -> every(running, 100, "new WebSocket", this::newWebSocket)));
            Thread.sleep(duration.toMillis());
            running.set(false);
            for (Thread thread : threads) {
                thread.join(CONTROL_TIMEOUT.toMillis() * 2);
            }
        }

        long requests() {
            return latencies.size() + errors.size();
        }

        List<String> errors() {
            return List.copyOf(errors);
        }

        long p99() {
            return p99(latencies);
        }

        private static long p99(java.util.Collection<Long> latencies) {
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
        }

        /** "keep-alive 450/0/12/80 ms, …": requests, errors, p99 and worst of each control. */
        String byControl() {
            StringBuilder out = new StringBuilder();
            for (String name : List.of("keep-alive", "new connection", "new WebSocket")) {
                java.util.Collection<Long> of = latenciesOf.getOrDefault(name, new ConcurrentLinkedQueue<>());
                long failed = errorsOf.getOrDefault(name, new java.util.concurrent.atomic.AtomicLong()).get();
                out.append(out.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT, "%s %d/%d/%.0f/%.0f ms", name,
                        of.size() + failed, failed, p99(of) / 1e6,
                        of.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6));
                Slowest slowest = slowestOf.get(name);
                if (slowest != null) {
                    out.append(" (slowest started ").append(java.time.format.DateTimeFormatter.ISO_LOCAL_TIME
                            .format(slowest.startedAt().atZone(java.time.ZoneOffset.UTC))).append(" UTC)");
                }
            }
            return out.toString();
        }

        private void record(String control, long nanos) {
            java.time.Instant startedAt = java.time.Instant.now().minusNanos(nanos);
            slowestOf.merge(control, new Slowest(nanos, startedAt), (was, now) -> now.nanos() > was.nanos() ? now : was);
            latencies.add(nanos);
            latenciesOf.computeIfAbsent(control, c -> new ConcurrentLinkedQueue<>()).add(nanos);
        }

        private void failed(String control, String error) {
            errors.add(error);
            errorsOf.computeIfAbsent(control, c -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
        }

        long worst() {
            return latencies.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        private interface Exchange {
            void run() throws IOException;
        }

        private void every(AtomicBoolean running, long periodMillis, String what, Exchange exchange) {
            while (running.get()) {
                long start = System.nanoTime();
                try {
                    exchange.run();
                    record(what, System.nanoTime() - start);
                } catch (IOException | RuntimeException e) {
                    failed(what, what + ": " + e);
                }
                sleepRest(start, periodMillis);
            }
        }

        private void keepAlive(AtomicBoolean running) {
            while (running.get()) {
                try (Socket socket = connect()) {
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    while (running.get()) {
                        long start = System.nanoTime();
                        get(in, out);
                        record("keep-alive", System.nanoTime() - start);
                        sleepRest(start, 100);
                    }
                } catch (IOException | RuntimeException e) {
                    failed("keep-alive", "keep-alive: " + e);
                }
            }
        }

        private void newConnectionGet() throws IOException {
            try (Socket socket = connect()) {
                get(new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
            }
        }

        private void newWebSocket() throws IOException {
            try (Socket socket = connect()) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                WebSocketWire.handshake(out, in, server, "/ws/echo", null);
                WebSocketWire wire = new WebSocketWire();
                byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
                wire.writeFrame(out, WebSocketWire.OP_TEXT, hello, 0, hello.length);
                byte[] payload = new byte[256];
                WebSocketWire.FrameHeader frame = WebSocketWire.readFrame(in, payload, 0);
                if (frame.opcode() != WebSocketWire.OP_TEXT || frame.length() != hello.length) {
                    throw new IOException("unexpected echo frame, opcode " + frame.opcode());
                }
                wire.close(out, in, payload);
            }
        }

        private Socket connect() throws IOException {
            Socket socket = new Socket();
            try {
                socket.connect(server, (int) CONTROL_TIMEOUT.toMillis());
                socket.setSoTimeout((int) CONTROL_TIMEOUT.toMillis());
                socket.setTcpNoDelay(true);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        private void get(InputStream in, OutputStream out) throws IOException {
            out.write(("GET /plaintext HTTP/1.1\r\nHost: " + server.getHostString() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = WebSocketWire.readHead(in);
            if (!head.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + head.lines().findFirst().orElse(""));
            }
            String length = WebSocketWire.headerValue(head, "content-length");
            if (length == null || in.readNBytes(Integer.parseInt(length.trim())).length != Integer.parseInt(length.trim())) {
                throw new IOException("short body");
            }
        }

        private static void sleepRest(long startNanos, long periodMillis) {
            long left = periodMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
