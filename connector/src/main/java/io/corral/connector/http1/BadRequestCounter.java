package io.corral.connector.http1;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests the engine refused itself, by the status it answered (400 malformed, 408 head too slow,
 * 413 body too large, 414 target too long, 431 header section too large, 501 unknown transfer coding,
 * 505 unsupported version…). Any client can send bad input at will, so each refusal is logged at DEBUG
 * only; these counters are what an operator watches instead (JMX and the dump on the Jetty connector).
 * Thread-safe; one per {@link Http1Protocol}.
 */
public final class BadRequestCounter {

    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

    void record(int status) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    /** Every refusal since the protocol was created. */
    public long total() {
        long total = 0;
        for (LongAdder count : byStatus.values()) {
            total += count.sum();
        }
        return total;
    }

    /** Refusals so far by status, in status order; statuses never answered are absent. */
    public Map<Integer, Long> byStatus() {
        Map<Integer, Long> snapshot = new TreeMap<>();
        byStatus.forEach((status, count) -> snapshot.put(status, count.sum()));
        return snapshot;
    }

    /** {@code 400=3 413=1}, or {@code none}. */
    @Override
    public String toString() {
        Map<Integer, Long> snapshot = byStatus();
        if (snapshot.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        snapshot.forEach((status, count) -> text.append(text.isEmpty() ? "" : " ").append(status).append('=').append(count));
        return text.toString();
    }
}
