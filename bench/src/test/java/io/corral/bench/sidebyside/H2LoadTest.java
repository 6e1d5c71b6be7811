package io.corral.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP/2 scenarios read h2load's summary and per-request log; a misread figure would skew every h2 ratio. */
class H2LoadTest {

    /** h2load 1.52 (Debian bookworm) against Corral's raw engine, as it printed it. */
    private static final String SUMMARY = """
            starting benchmark...
            spawning thread #0: 1 total client(s). Timing-based test with 0s of warm-up time and 2s of main duration for measurements.
            Application protocol: h2c
            Main benchmark duration is over for thread #0. Stopping all clients.
            Stopped all clients for thread #0

            finished in 2.00s, 8325.00 req/s, 317.12KB/s
            requests: 16650 total, 16666 started, 16650 done, 16650 succeeded, 0 failed, 0 errored, 0 timeout
            status codes: 16650 2xx, 0 3xx, 0 4xx, 0 5xx
            traffic: 634.24KB (649458) total, 130.13KB (133254) headers (space savings 90.12%), 211.38KB (216450) data
                                 min         max         mean         sd        +/- sd
            time for request:      123us    331.31ms      1.91ms     12.55ms    99.07%
            time for connect:       55us        55us        55us         0us   100.00%
            time to 1st byte:   327.34ms    327.34ms    327.34ms         0us   100.00%
            req/s           :    8321.60     8321.60     8321.60        0.00   100.00%
            """;

    /** 100 requests taking 1..100 µs, in the log's columns: start (µs since the epoch), status, µs to the end. */
    private static List<String> log() {
        List<String> lines = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            lines.add((1796562816850952L + i) + "\t200\t" + i);
        }
        return lines;
    }

    @Test
    void readsCountWindowAndPercentilesFromTheLog() throws IOException {
        LoadResult result = H2Load.parse(SUMMARY, log());
        assertEquals(16_650, result.units());
        assertEquals(2.00, result.seconds(), 1e-9);
        assertEquals(50.0, result.p50Micros(), 1e-9);
        assertEquals(99.0, result.p99Micros(), 1e-9);
        assertEquals(0, result.errors());
    }

    @Test
    void failedRequestsAndOtherStatusesAreErrors() throws IOException {
        String failing = SUMMARY
                .replace("16650 succeeded, 0 failed, 0 errored, 0 timeout", "16640 succeeded, 10 failed, 8 errored, 2 timeout")
                .replace("16650 2xx, 0 3xx, 0 4xx, 0 5xx", "16637 2xx, 0 3xx, 3 4xx, 0 5xx");
        LoadResult result = H2Load.parse(failing, log());
        assertEquals(10 + 3, result.errors());
        assertEquals(16_637, result.units(), "a 4xx is not a request served");
    }

    @Test
    void aTornOrForeignLogLineIsNotALatency() throws IOException {
        List<String> lines = new ArrayList<>(log());
        lines.add("1796562816850952\t200");
        lines.add("not\ta\tnumber");
        assertEquals(99.0, H2Load.parse(SUMMARY, lines).p99Micros(), 1e-9);
    }

    @Test
    void outputWithoutASummaryIsAnError() {
        assertThrows(IOException.class, () -> H2Load.parse(
                "connect to 127.0.0.1:1 failed: Connection refused\nNo protocol negotiated. Aborted", List.of()));
    }
}
