package io.corral.bench.sidebyside;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load generator: {@code wrk} from Debian, two threads, {@code --latency}, for a fixed duration.
 * Parses its summary into a {@link LoadResult}; socket errors, timeouts and non-2xx answers are errors.
 */
final class Wrk {

    /** The request shapes of the HTTP scenarios. */
    enum Request {
        /** {@code GET /plaintext} on keep-alive connections. */
        PLAINTEXT,
        /** {@code POST /echo} with a 4 KiB body ({@code bench/post-4k.lua}). */
        ECHO_4K,
        /** {@code GET /plaintext} with {@code Connection: close}: a new connection per request. */
        CLOSE
    }

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([\\d.]+)(us|ms|s|m)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|99)(?:\\.000)?%\\s+([\\d.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private final Path wrk;
    private final Path luaScript;

    Wrk(Path wrk, Path luaScript) {
        this.wrk = wrk;
        this.luaScript = luaScript;
    }

    LoadResult run(int port, Request request, int connections, Duration duration) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wrk.toString(), "-t2", "-c" + connections,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout", "10s"));
        String url = "http://127.0.0.1:" + port + "/plaintext";
        switch (request) {
            case PLAINTEXT -> { }
            case ECHO_4K -> {
                command.addAll(List.of("-s", luaScript.toString()));
                url = "http://127.0.0.1:" + port + "/echo";
            }
            case CLOSE -> command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        return parse(CompletedProcess.run("wrk", command, duration.plusSeconds(60)).output());
    }

    static LoadResult parse(String output) throws IOException {
        Matcher requests = REQUESTS.matcher(output);
        if (!requests.find()) {
            throw new IOException("wrk printed no summary:\n" + output);
        }
        long count = Long.parseLong(requests.group(1));
        double seconds = micros(requests.group(2), requests.group(3)) / 1e6;
        double p50 = 0, p99 = 0;
        Matcher percentile = PERCENTILE.matcher(output);
        while (percentile.find()) {
            double value = micros(percentile.group(2), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = value;
            } else {
                p99 = value;
            }
        }
        long errors = 0;
        StringBuilder first = new StringBuilder();
        Matcher socketErrors = SOCKET_ERRORS.matcher(output);
        if (socketErrors.find()) {
            for (int group = 1; group <= 4; group++) {
                errors += Long.parseLong(socketErrors.group(group));
            }
            first.append(socketErrors.group());
        }
        Matcher non2xx = NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
            first.append(first.isEmpty() ? "" : "; ").append(non2xx.group());
        }
        return new LoadResult(count, seconds, p50, p99, errors, first.toString());
    }

    private static double micros(String value, String unit) {
        double number = Double.parseDouble(value);
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> number;
            case "ms" -> number * 1e3;
            case "s" -> number * 1e6;
            case "m" -> number * 60e6;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
