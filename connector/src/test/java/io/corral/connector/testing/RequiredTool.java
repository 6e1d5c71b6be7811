package io.corral.connector.testing;

import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What a test does when a client it needs (curl, node, Chromium) could not be installed: on a developer's
 * machine it is skipped, saying why; where {@code -Dcorral.requireTools=true} is set ({@code bin/test}, so
 * CI), it fails, so a CI run can never turn green by skipping the real clients.
 */
public final class RequiredTool {

    /** The system property that turns "tool missing → skip" into a failure. */
    public static final String REQUIRE_TOOLS = "corral.requireTools";

    private RequiredTool() {
    }

    /** Skips (or, when tools are required, fails) the calling test unless {@code installed}. */
    public static void assumeInstalled(boolean installed, Supplier<String> why) {
        if (installed) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE_TOOLS)) {
            throw new AssertionError(why.get() + " (-D" + REQUIRE_TOOLS + "=true: a missing tool is a failure)");
        }
        Assumptions.abort(why.get());
    }
}
