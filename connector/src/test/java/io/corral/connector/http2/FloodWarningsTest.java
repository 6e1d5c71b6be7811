package io.corral.connector.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Floods are logged at a bounded rate: one WARN line per interval, however many connections flood meanwhile. */
class FloodWarningsTest {

    @Test
    void aThousandFloodsWithinTheIntervalMakeOneLine() {
        FloodWarnings warnings = new FloodWarnings(Duration.ofHours(1));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err; // where slf4j-simple writes, looked up on every line
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < 1000; i++) {
                warnings.ended("h2 connection #" + i, "127.0.0.1:" + i, "too many frames carrying no request");
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.lines().filter(line -> line.contains("ENHANCE_YOUR_CALM")).count(), log);
        assertTrue(log.contains("h2 connection #0"), "the first flood is the one logged: " + log);
    }
}
