package io.corral.jetty;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The command-line tools a test drives (curl, nginx, systemd-socket-activate), installed by the project's own
 * {@code src/test/tools/install.sh} from Debian packages when missing; the test is skipped, saying why, only when
 * they cannot be installed.
 */
final class DebianTools {

    private static final Path INSTALL = Path.of("src/test/tools/install.sh");

    private DebianTools() {
    }

    static void require(String... commands) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", INSTALL.toString()));
        command.addAll(List.of(commands));
        Process install = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean installed = install.waitFor(10, TimeUnit.MINUTES) && install.exitValue() == 0;
        Assumptions.assumeTrue(installed, () -> String.join(", ", commands) + " could not be installed: " + output);
    }

    /** Runs a command to its end (bounded), returning what it printed; fails the test on a non-zero exit. */
    static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish in 60 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + process.exitValue() + ": " + output);
        }
        return output;
    }
}
