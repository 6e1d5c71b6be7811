package io.corral.it.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a client outside the JVM (curl, node) to completion within a deadline. Its output goes to files,
 * not pipes, so a client that writes a lot can never block on a pipe nobody reads yet; a client still
 * running at the deadline is killed and the test fails saying so.
 */
record ExternalProcess(int exitCode, byte[] stdout, String stderr) {

    /** Runs {@code command} in {@code directory}, its output kept under {@code scratch}. */
    static ExternalProcess run(List<String> command, Path directory, Path scratch, Duration deadline)
            throws IOException, InterruptedException {
        Files.createDirectories(scratch);
        Path out = Files.createTempFile(scratch, "stdout", ".bin");
        Path err = Files.createTempFile(scratch, "stderr", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " still running after " + deadline + "; stderr: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new ExternalProcess(process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    /** Fails the test, showing what the client printed, unless it exited 0. */
    ExternalProcess assertSucceeded(String what) {
        if (exitCode != 0) {
            throw new AssertionError(what + " exited " + exitCode + "; stderr: " + stderr + "; stdout: " + stdoutText());
        }
        return this;
    }
}
