package io.corral.bench.sidebyside;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A load tool or child JVM run to its end: what it printed (standard output and error together) and how it exited.
 * One place for the start, read, bounded wait and clean-up that h2load, wrk and the native idle run all need, so that
 * a tool that hangs fails the benchmark instead of holding it, and none is left running behind it.
 *
 * @param output    everything the process printed
 * @param exitValue its exit status
 */
record CompletedProcess(String output, int exitValue) {

    /**
     * Runs {@code command} and reads all it prints, then waits at most {@code deadline} for it to end.
     *
     * @param name what to call the process in an error
     * @throws IOException when it could not start, or did not end within the deadline
     */
    static CompletedProcess run(String name, List<String> command, Duration deadline)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException(name + " did not stop");
            }
            return new CompletedProcess(output, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
