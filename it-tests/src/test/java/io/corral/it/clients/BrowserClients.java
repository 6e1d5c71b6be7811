package io.corral.it.clients;

import io.corral.connector.testing.RequiredTool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's headless Chromium and {@code playwright-core}, the browser tests' client, installed by
 * {@code src/test/browser/install.sh} (apt-get, npm ci) into {@link #DIRECTORY}, where the tests' scripts run.
 */
final class BrowserClients {

    /** Where playwright-core is installed and the browser scripts run. */
    static final Path DIRECTORY = Path.of("target/browser-clients");

    private BrowserClients() {
    }

    /** Installs them, or skips the calling test saying why ({@link RequiredTool}: a failure instead in CI). */
    static void install(Path scratch) throws Exception {
        Path install = Path.of("src/test/browser/install.sh");
        ExternalProcess installed = ExternalProcess.run(List.of("bash", install.toString(), DIRECTORY.toString()),
                Path.of("."), scratch, Duration.ofMinutes(10));
        RequiredTool.assumeInstalled(installed.exitCode() == 0,
                () -> "Chromium and playwright-core could not be installed: " + installed.stderr());
    }
}
