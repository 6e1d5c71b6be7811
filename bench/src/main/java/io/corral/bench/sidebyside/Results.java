package io.corral.bench.sidebyside;

import java.util.List;
import java.util.Map;

/** What the benchmark measured, as the report and {@code results.json} give it. */
final class Results {

    private Results() {
    }

    /**
     * One measured run of a throughput scenario on one server.
     *
     * @param pair       0 for the first pair of alternating runs, 1 for the second…
     * @param cpuSeconds the server's CPU time (user + system, {@code /proc/<pid>/stat}) over the window
     */
    record ThroughputRun(String scenario, String server, int pair, LoadResult load, double cpuSeconds) {
        double perCpuSecond() {
            return cpuSeconds > 0 ? load.units() / cpuSeconds : 0;
        }

        double perSecond() {
            return load.seconds() > 0 ? load.units() / load.seconds() : 0;
        }
    }

    /**
     * One idle-capacity measurement on one server: live heap (class histogram after a full GC) and RSS
     * without and with the idle connections.
     *
     * @param heapAfterExchange the live heap once every connection has exchanged one more message (a second
     *                     request, a second echo) and gone idle again: what a connection that has been
     *                     used costs, e.g. Jetty's per-connection header cache, built on a second request
     * @param ownerBytes   growth of the live heap by owner ({@link Owner#label()}), bytes in total
     * @param failures     connections that failed to open, or failed the exchange after the measurement
     * @param topClasses   the classes that grew most, bytes and instances in total
     * @param jettyClasses the {@code org.eclipse.jetty.*} classes that grew most: on Corral, what of Jetty's
     *                     HTTP and framing objects an idle connection still keeps reachable
     * @param histograms   where the two histograms are, relative to the report
     */
    record IdleRun(String scenario, String server, int connections, long heapWithout, long heapWith,
                   long rssWithout, long rssWith, long heapAfterExchange, Map<String, Long> ownerBytes, long failures, String firstFailure,
                   List<ClassGrowth> topClasses, List<ClassGrowth> jettyClasses, List<String> histograms) {
        double heapPerConnection() {
            return (double) (heapWith - heapWithout) / connections;
        }

        double heapAfterExchangePerConnection() {
            return (double) (heapAfterExchange - heapWithout) / connections;
        }

        double rssPerConnection() {
            return (double) (rssWith - rssWithout) / connections;
        }

        /**
         * Heap plus native memory per connection: the measured JVMs run with a fixed, pre-touched heap, so
         * the RSS growth is what the connections cost outside the heap (thread stacks in native memory,
         * zlib state, NIO), and the two add up to the process's growth.
         */
        double footprintPerConnection() {
            return heapPerConnection() + rssPerConnection();
        }

        double ownerPerConnection(Owner owner) {
            return (double) ownerBytes.getOrDefault(owner.label(), 0L) / connections;
        }
    }

    /** A class's growth between the two histograms of an idle run. */
    record ClassGrowth(String className, long instances, long bytes) {}

    /**
     * The native engine's idle WebSocket figures, as {@code io.corral.bench.IdleWebSocketMemory} printed them.
     *
     * @param output its whole report
     */
    record NativeIdleRun(String scenario, int connections, double heapPerConnection, double rssPerConnection,
                         String output) {}

    /** A run that could not be made, and why: the report says so instead of leaving a gap. */
    record Skipped(String scenario, String server, String reason) {}
}
