package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Waits for a condition (or for progress to stop), polling every few milliseconds, and fails the test at a deadline. */
final class Deadline {

    private Deadline() {}

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /**
     * Waits until {@code value} has not changed for {@code quiet} (something stopped making progress),
     * failing the test if that does not happen before {@code timeout}.
     *
     * @return the value it settled at
     */
    static long awaitSettled(String what, Duration timeout, Duration quiet, LongSupplier value) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long last = value.getAsLong();
        long lastChange = System.nanoTime();
        while (System.nanoTime() - lastChange < quiet.toNanos()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what + " to settle (at " + last + ")");
            }
            LockSupport.parkNanos(5_000_000);
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        return last;
    }
}
