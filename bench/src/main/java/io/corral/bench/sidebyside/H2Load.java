package io.corral.bench.sidebyside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP/2 load generator: {@code h2load} from Debian's {@code nghttp2-client}, over h2c by prior knowledge, for a
 * fixed duration ({@code -D}), one or two threads. Its summary gives the count and the window; it prints no
 * percentiles, so the latencies come from its per-request log ({@code --log-file}: start, status, microseconds).
 * Failed, errored and timed-out requests and answers other than 2xx are errors.
 */
final class H2Load {

    /** The request shapes of the HTTP/2 scenarios. */
    enum Request {
        /** {@code GET /plaintext}. */
        PLAINTEXT,
        /** {@code POST /echo} with a 4 KiB body. */
        ECHO_4K
    }

    private static final Pattern FINISHED = Pattern.compile("finished in ([\\d.]+)(us|ms|s|m),");
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, "
                    + "(\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");

    private final Path h2load;
    private final Path work;

    /** @param work where the request body and the per-request logs are written */
    H2Load(Path h2load, Path work) {
        this.h2load = h2load;
        this.work = work;
    }

    LoadResult run(int port, Request request, int connections, int streams, Duration duration)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(work, "h2load-", ".tsv");
        try {
            List<String> command = new ArrayList<>(List.of(h2load.toString(), "-c" + connections,
                    "-t" + Math.min(2, connections), "-m" + streams, "-D" + Math.max(1, duration.toSeconds()),
                    "--log-file=" + log));
            String url = "http://127.0.0.1:" + port + "/plaintext";
            if (request == Request.ECHO_4K) {
                Path body = work.resolve("h2load-post-4k.bin");
                if (!Files.exists(body)) {
                    Files.write(body, "x".repeat(4096).getBytes(StandardCharsets.US_ASCII));
                }
                command.addAll(List.of("-d", body.toString(), "-H", "content-type: application/octet-stream"));
                url = "http://127.0.0.1:" + port + "/echo";
            }
            command.add(url);
            String output = CompletedProcess.run("h2load", command, duration.plusSeconds(60)).output();
            return parse(output, Files.readAllLines(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** The summary of {@code output} with the percentiles of {@code logLines} (h2load's per-request log). */
    static LoadResult parse(String output, List<String> logLines) throws IOException {
        Matcher finished = FINISHED.matcher(output);
        Matcher requests = REQUESTS.matcher(output);
        if (!finished.find() || !requests.find()) {
            throw new IOException("h2load printed no summary:\n" + output);
        }
        double seconds = micros(finished.group(1), finished.group(2)) / 1e6;
        long succeeded = Long.parseLong(requests.group(4));
        long failed = Long.parseLong(requests.group(5));
        long errored = Long.parseLong(requests.group(6));
        long timedOut = Long.parseLong(requests.group(7));
        // h2load counts errored and timed-out requests among the failed ones; whichever is larger is the count.
        long errors = Math.max(failed, errored + timedOut);
        String firstError = errors > 0 ? requests.group() : "";
        Matcher status = STATUS.matcher(output);
        if (status.find()) {
            long other = Long.parseLong(status.group(2)) + Long.parseLong(status.group(3))
                    + Long.parseLong(status.group(4));
            if (other > 0) {
                errors += other;
                succeeded -= Math.min(succeeded, other);
                firstError = (firstError.isEmpty() ? "" : firstError + "; ") + status.group();
            }
        }
        long[] latencies = latencies(logLines);
        return new LoadResult(succeeded, seconds, percentile(latencies, 0.50), percentile(latencies, 0.99), errors,
                firstError);
    }

    /** The third column of every line (microseconds until the end of the response), sorted. */
    private static long[] latencies(List<String> logLines) {
        long[] values = new long[logLines.size()];
        int n = 0;
        for (String line : logLines) {
            String[] columns = line.split("\t");
            if (columns.length >= 3) {
                try {
                    values[n++] = Long.parseLong(columns[2].trim());
                } catch (NumberFormatException notALatency) {
                    // a header or a torn last line: not a request
                }
            }
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return sorted;
    }

    /** The nearest-rank percentile; 0 without any request. */
    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double micros(String value, String unit) {
        double number = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> number;
            case "ms" -> number * 1e3;
            case "s" -> number * 1e6;
            case "m" -> number * 60e6;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
