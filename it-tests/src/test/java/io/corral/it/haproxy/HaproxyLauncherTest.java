package io.corral.it.haproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link Haproxy} test fixture itself: what other tests rely on when they put HAProxy in front of servers. */
class HaproxyLauncherTest {

    /** A frontend that answers nothing: enough to start, accept, and be asked over the runtime API. */
    private static final String TEMPLATE = """
            global
                stats socket ${ADMIN_SOCKET} mode 600 level admin
            defaults
                mode tcp
                timeout connect 1s
                timeout client 5s
                timeout server 5s
            frontend front
                bind 127.0.0.1:${FRONT}
                default_backend back
            backend back
                server app ${BACKEND}
            """;

    @TempDir
    static Path scratch;

    @BeforeAll
    static void installHaproxy() throws Exception {
        Haproxy.assumeInstalled(scratch);
    }

    @Test
    @DisplayName("starts on ephemeral ports, answers its runtime API, and its process ends with close()")
    void startsAnswersAndStops() throws Exception {
        Haproxy first = Haproxy.fromTemplate(TEMPLATE).set("BACKEND", "127.0.0.1:9").port("FRONT").start(scratch);
        Haproxy second = Haproxy.fromTemplate(TEMPLATE).set("BACKEND", "127.0.0.1:9").port("FRONT").start(scratch);
        try {
            assertNotEquals(first.port("FRONT"), second.port("FRONT"), "each instance has ports of its own");
            String info = first.admin("show info");
            assertTrue(info.contains("Name: HAProxy"), info);
            assertTrue(first.admin("show servers state back").contains("app"));
        } finally {
            first.close();
            second.close();
        }
        assertFalse(first.isAlive(), "stopped with its process");
        assertFalse(second.isAlive());
    }

    @Test
    @DisplayName("reads a server's statistics and waits for its status, failing with HAProxy's log at the deadline")
    void statisticsAndStatus() throws Exception {
        try (Haproxy haproxy = Haproxy.fromTemplate(TEMPLATE).set("BACKEND", "127.0.0.1:9").port("FRONT").start(scratch)) {
            assertEquals("no check", haproxy.stat("back", "app", "status"), "a server without health checks");
            assertEquals("OPEN", haproxy.stat("front", "FRONTEND", "status"), "a frontend's own line");
            haproxy.awaitStatus("back", "app", "no check", Duration.ofSeconds(5));
            AssertionError late = assertThrows(AssertionError.class,
                    () -> haproxy.awaitStatus("back", "app", "UP", Duration.ofMillis(200)));
            assertTrue(late.getMessage().contains("still says no check of back/app"), late.getMessage());
            IllegalStateException unknown = assertThrows(IllegalStateException.class,
                    () -> haproxy.stat("back", "nosuch", "status"));
            assertTrue(unknown.getMessage().contains("back/nosuch"), unknown.getMessage());
        }
    }

    @Test
    @DisplayName("a placeholder without a value fails at start, naming it")
    void missingPlaceholderFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Haproxy.fromTemplate(TEMPLATE).port("FRONT").start(scratch));
        assertTrue(e.getMessage().contains("[BACKEND]"), e.getMessage());
    }

    @Test
    @DisplayName("a configuration HAProxy refuses fails at start with HAProxy's own words")
    void brokenConfigurationFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Haproxy.fromTemplate("frontend broken\n    bind 127.0.0.1:${FRONT}\n    no_such_keyword\n")
                        .port("FRONT").start(scratch));
        assertTrue(e.getMessage().contains("no_such_keyword"), e.getMessage());
    }
}
