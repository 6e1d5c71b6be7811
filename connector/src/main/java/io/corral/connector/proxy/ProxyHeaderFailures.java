package io.corral.connector.proxy;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many connections a {@link ProxyProtocolTransport} refused, by {@link Failure}: what an operator watches (JMX,
 * the connector's dump), since the log says only a little of it. Thread-safe.
 */
public final class ProxyHeaderFailures {

    private final Map<Failure, LongAdder> byFailure = new EnumMap<>(Failure.class);

    ProxyHeaderFailures() {
        for (Failure failure : Failure.values()) {
            byFailure.put(failure, new LongAdder());
        }
    }

    void record(Failure failure) {
        byFailure.get(failure).increment();
    }

    public long count(Failure failure) {
        return byFailure.get(failure).sum();
    }

    public long total() {
        long total = 0;
        for (LongAdder count : byFailure.values()) {
            total += count.sum();
        }
        return total;
    }

    /** {@code missing=2 malformed=1}, kinds never seen left out, or {@code none}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        byFailure.forEach((failure, count) -> {
            long n = count.sum();
            if (n > 0) {
                text.append(text.isEmpty() ? "" : " ").append(failure.name().toLowerCase()).append('=').append(n);
            }
        });
        return text.isEmpty() ? "none" : text.toString();
    }
}
