package io.corral.bench.sidebyside;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of {@code bench/side-by-side}; see {@link #USAGE}. The quick mode is a smoke test of
 * the harness (one short pair, a tenth of the idle connections): its figures are not the benchmark's.
 */
record Options(boolean quick, boolean list, List<String> scenarios, int pairs, Duration seconds, Duration warmup,
               int handshakes, IdleCapacity.Settings idleSettings, Duration budget, Path out) {

    static final String USAGE = """
            usage: bench/side-by-side [--quick] [--scenarios=NAME,…] [--pairs=N] [--seconds=S] [--warmup=S]
                                      [--handshakes=N] [--idle-settle=S] [--budget-minutes=M] [--out=DIR] [--list]
              --quick           smoke test: 1 pair of 3 s runs, 2,000 handshakes, a tenth of the idle connections
              --scenarios       names or prefixes (ws-echo, idle-http, idle, ws, http, raw; --list shows all);
                                also CORRAL_BENCH_SCENARIOS; default all
              --pairs           alternating Corral/Jetty pairs per throughput scenario (default 3)
              --seconds         measured seconds per run (default 10), after --warmup seconds (default 5)
              --handshakes      handshakes per handshake run (default 10000)
              --idle-settle     seconds idle connections stay silent before memory is sampled, so that they
                                can hibernate (default 3)
              --budget-minutes  no run starts after this (default 80; quick 25); the script's hard limit is later
              --out             results directory (default bench/results/<timestamp>)""";

    static Options parse(List<String> args) {
        boolean quick = args.contains("--quick") || "1".equals(System.getenv("CORRAL_BENCH_QUICK"));
        boolean list = args.contains("--list");
        List<String> scenarios = new ArrayList<>();
        String fromEnvironment = System.getenv("CORRAL_BENCH_SCENARIOS");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            scenarios.addAll(Arrays.asList(fromEnvironment.split("[,\\s]+")));
        }
        int pairs = quick ? 1 : 3;
        long seconds = quick ? 3 : 10;
        long warmup = quick ? 2 : 5;
        int handshakes = quick ? 2_000 : 10_000;
        long budgetMinutes = quick ? 25 : 80;
        long settle = quick ? 2 : 3;
        Path out = Path.of("bench", "results",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + (quick ? "-quick" : ""));
        List<Long> positional = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("--quick") || arg.equals("--list")) {
                continue;
            }
            if (arg.startsWith("--scenarios=")) {
                scenarios.clear();
                scenarios.addAll(Arrays.asList(arg.substring("--scenarios=".length()).split(",")));
            } else if (arg.startsWith("--pairs=")) {
                pairs = positive(arg, 20);
            } else if (arg.startsWith("--seconds=")) {
                seconds = positive(arg, 600);
            } else if (arg.startsWith("--warmup=")) {
                warmup = positive(arg, 600);
            } else if (arg.startsWith("--handshakes=")) {
                handshakes = positive(arg, 200_000);
            } else if (arg.startsWith("--idle-settle=")) {
                settle = positive(arg, 600);
            } else if (arg.startsWith("--budget-minutes=")) {
                budgetMinutes = positive(arg, 600);
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else if (arg.matches("\\d+")) {
                positional.add(Long.parseLong(arg));
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        // The old interface, bench/side-by-side [seconds per run] [rounds], still works.
        if (!positional.isEmpty()) {
            seconds = positional.get(0);
        }
        if (positional.size() > 1) {
            pairs = positional.get(1).intValue();
        }
        IdleCapacity.Settings idle = quick
                ? new IdleCapacity.Settings(400, 500, Duration.ofSeconds(settle), Duration.ofMinutes(2))
                : new IdleCapacity.Settings(5_000, 4_000, Duration.ofSeconds(settle), Duration.ofMinutes(5));
        return new Options(quick, list, scenarios.stream().filter(s -> !s.isBlank()).toList(), pairs,
                Duration.ofSeconds(seconds), Duration.ofSeconds(warmup), handshakes, idle,
                Duration.ofMinutes(budgetMinutes), out);
    }

    private static int positive(String arg, int max) {
        String value = arg.substring(arg.indexOf('=') + 1);
        int number;
        try {
            number = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(arg + ": not a number");
        }
        if (number < 1 || number > max) {
            throw new IllegalArgumentException(arg + ": must be between 1 and " + max);
        }
        return number;
    }
}
