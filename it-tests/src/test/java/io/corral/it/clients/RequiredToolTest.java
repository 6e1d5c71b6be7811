package io.corral.it.clients;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.RequiredTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The CI switch: a missing client skips a test on a developer's machine and fails it where tools are required. */
class RequiredToolTest {

    private final String before = System.getProperty(RequiredTool.REQUIRE_TOOLS);

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(RequiredTool.REQUIRE_TOOLS);
        } else {
            System.setProperty(RequiredTool.REQUIRE_TOOLS, before);
        }
    }

    @Test
    @DisplayName("without -Dcorral.requireTools a missing tool skips the test, saying why")
    void aMissingToolSkipsByDefault() {
        System.clearProperty(RequiredTool.REQUIRE_TOOLS);
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> RequiredTool.assumeInstalled(false, () -> "chromium could not be installed"));
        assertTrue(skipped.getMessage().contains("chromium could not be installed"), skipped.getMessage());
    }

    @Test
    @DisplayName("with -Dcorral.requireTools=true (bin/test, CI) a missing tool fails the test")
    void aMissingToolFailsWhenToolsAreRequired() {
        System.setProperty(RequiredTool.REQUIRE_TOOLS, "true");
        AssertionError failed = assertThrows(AssertionError.class,
                () -> RequiredTool.assumeInstalled(false, () -> "curl could not be installed"));
        assertTrue(failed.getMessage().contains("curl could not be installed"), failed.getMessage());
    }

    @Test
    void anInstalledToolNeitherSkipsNorFails() {
        System.setProperty(RequiredTool.REQUIRE_TOOLS, "true");
        assertDoesNotThrow(() -> RequiredTool.assumeInstalled(true, () -> "unused"));
    }
}
