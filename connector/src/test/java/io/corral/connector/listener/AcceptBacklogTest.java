package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The default accept queue follows the kernel's ceiling, never below the old default of 1024. */
class AcceptBacklogTest {

    @ParameterizedTest(name = "somaxconn \"{0}\" -> backlog {1}")
    @CsvSource(delimiter = '|', value = {
            "'4096 ' | 4096",  // current Linux (/proc ends the number with a line feed: trimmed)
            "65535  | 65535",  // raised by an administrator
            "128    | 1024",   // older kernels: never shallower than before
            "0      | 1024",
            "-1     | 1024",
            "abc    | 1024"})
    void followsTheKernelsCeilingButNeverBelowTheFallback(String somaxconn, int expected) {
        assertEquals(expected, AcceptBacklog.parse(somaxconn));
    }
}
