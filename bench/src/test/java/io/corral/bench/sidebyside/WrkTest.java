package io.corral.bench.sidebyside;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The benchmark reads wrk's summary; a misread figure would silently skew every HTTP ratio. */
class WrkTest {

    private static final String SUMMARY = """
            Running 10s test @ http://127.0.0.1:41234/plaintext
              2 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   310.12us  402.50us  20.00ms   95.12%
                Req/Sec    27.11k     1.20k   30.01k    70.00%
              Latency Distribution
                 50%  250.00us
                 75%  300.00us
                 90%  400.00us
                 99%    1.52ms
              539512 requests in 10.01s, 66.37MB read
              Socket errors: connect 0, read 3, write 1, timeout 2
              Non-2xx or 3xx responses: 4
            Requests/sec:  53898.50
            Transfer/sec:      6.63MB
            """;

    @Test
    void readsCountWindowPercentilesAndErrors() throws IOException {
        LoadResult result = Wrk.parse(SUMMARY);
        assertEquals(539_512, result.units());
        assertEquals(10.01, result.seconds(), 1e-9);
        assertEquals(250.0, result.p50Micros(), 1e-9);
        assertEquals(1520.0, result.p99Micros(), 1e-9);
        assertEquals(3 + 1 + 2 + 4, result.errors());
    }

    @Test
    void aSummaryWithoutErrorLinesHasNoErrors() throws IOException {
        String clean = SUMMARY.replace("  Socket errors: connect 0, read 3, write 1, timeout 2\n", "")
                .replace("  Non-2xx or 3xx responses: 4\n", "");
        assertEquals(0, Wrk.parse(clean).errors());
    }

    @Test
    void outputWithoutASummaryIsAnError() {
        assertThrows(IOException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"));
    }
}
