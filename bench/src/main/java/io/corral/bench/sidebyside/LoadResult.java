package io.corral.bench.sidebyside;

/**
 * What one load run did, from the client's side.
 *
 * @param units      requests, messages or handshakes completed in the measured window
 * @param seconds    the window's length
 * @param p50Micros  median latency, microseconds
 * @param p99Micros  99th-percentile latency, microseconds
 * @param errors     requests, messages or connections that failed (wrong status, wrong or missing echo,
 *                   socket errors); a run with errors is reported as such, never silently
 * @param firstError what the first error was, or an empty string
 */
record LoadResult(long units, double seconds, double p50Micros, double p99Micros, long errors, String firstError) {
}
