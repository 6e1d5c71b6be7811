package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, for tests: the alternative to sleeping and hoping. Polls every
 * millisecond, returns as soon as the condition holds, fails with a description when the deadline passes.
 */
public final class Await {

    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

    private Await() {
    }

    /** Waits until {@code condition} holds; {@code what} completes "timed out waiting until …". */
    public static void until(Duration timeout, BooleanSupplier condition, String what) {
        until(timeout, condition, () -> what);
    }

    /** As {@link #until(Duration, BooleanSupplier, String)}, describing the state only when it fails. */
    public static void until(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                fail("timed out after " + timeout + " waiting until " + what.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
