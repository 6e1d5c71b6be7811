package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The default connection limit scales with what the process can afford: descriptors and heap. */
class ConnectionBudgetTest {

    private static final long MIB = 1024 * 1024;

    @ParameterizedTest(name = "{0} descriptors, {1} MiB heap -> {2}")
    @CsvSource({
            "20000, 6144, 17769",    // this machine: the descriptors decide
            "1048576, 1024, 16384",  // a container with a 1 GiB heap: the heap decides (64 KiB a busy connection)
            "1024, 8192, 1024",      // a tiny descriptor limit: never below the floor
            "-1, 4096, 65536",       // descriptor limit unknown: the heap alone
    })
    void scalesWithDescriptorsAndHeap(long descriptors, long heapMiB, int expected) {
        assertEquals(expected, ConnectionBudget.limit(descriptors, heapMiB * MIB));
    }

    @Test
    @DisplayName("the default is sized at start, within the descriptors this process may open")
    void theDefaultFitsThisProcess() {
        int limit = ListenerConfig.DEFAULT_MAX_CONNECTIONS;
        assertTrue(limit >= ConnectionBudget.FLOOR, "limit " + limit);
        assertEquals(limit, ConnectionBudget.defaultLimit());
    }
}
