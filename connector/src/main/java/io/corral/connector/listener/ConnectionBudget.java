package io.corral.connector.listener;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The default connection limit, sized once per process from what it can afford, now that an idle connection
 * hibernates and costs a couple of KB: a limit above the file-descriptor limit would turn a flood into accept
 * errors (EMFILE) that nothing makes give way, and one above what the heap can carry if every connection gets
 * busy at once would turn it into an out-of-memory error. So: nine tenths of the descriptors the process may open
 * (the rest for the JDK, jars, logs, the application's own files and clients), and no more than one connection
 * per {@value #BUSY_CONNECTION_BYTES} bytes of maximum heap (a busy connection: its 16 KiB input buffer, a 32 KiB
 * output buffer, a request thread's stack and objects); never below {@value #FLOOR}.
 */
final class ConnectionBudget {

    /** What one connection may cost while busy, as heap. */
    static final long BUSY_CONNECTION_BYTES = 64 * 1024;
    /** Descriptors kept for everything else when the limit is sized from the descriptor limit. */
    static final long RESERVED_DESCRIPTORS = 256;
    static final int FLOOR = 1_024;

    private ConnectionBudget() {
    }

    /** The limit for this process; see the class comment. */
    static int defaultLimit() {
        return limit(maxFileDescriptors(), Runtime.getRuntime().maxMemory());
    }

    /**
     * @param maxDescriptors the process's descriptor limit, or a negative number when unknown (not Unix)
     * @param maxHeap        the maximum heap in bytes
     */
    static int limit(long maxDescriptors, long maxHeap) {
        long byHeap = maxHeap / BUSY_CONNECTION_BYTES;
        long byDescriptors = maxDescriptors > 0 ? (maxDescriptors - RESERVED_DESCRIPTORS) * 9 / 10 : Long.MAX_VALUE;
        long limit = Math.max(FLOOR, Math.min(byHeap, byDescriptors));
        return (int) Math.min(Integer.MAX_VALUE - 1, limit);
    }

    private static long maxFileDescriptors() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError notAvailable) {
            // jdk.management left out of a custom runtime: the heap alone decides
        }
        return -1;
    }
}
