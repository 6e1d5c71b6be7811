package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Await;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@link DeadlineWatchdog}'s tick follows what it watches now: a short deadline makes it tick fast while it is
 * watched, and once it has gone the tick slows down again (it used to stay fast for the life of the process after
 * one TLS close_notify); deadlines are enforced in time either way.
 */
class DeadlineWatchdogTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A deadline {@code timeout} from its creation; counts down once it is past. */
    private static final class Deadline implements DeadlineWatchdog.Watched {
        private final long timeoutNanos;
        private final long deadline;
        final CountDownLatch expired = new CountDownLatch(1);

        Deadline(Duration timeout) {
            this.timeoutNanos = timeout.toNanos();
            this.deadline = System.nanoTime() + timeoutNanos;
        }

        @Override
        public void checkDeadlines(long now) {
            if (now - deadline >= 0) {
                expired.countDown();
            }
        }

        @Override
        public long shortestTimeoutNanos() {
            return timeoutNanos;
        }
    }

    @Test
    @DisplayName("a short deadline speeds the tick up while it is watched; gone, the tick slows down again")
    void theTickFollowsWhatIsWatchedNow() throws Exception {
        DeadlineWatchdog watchdog = new DeadlineWatchdog();
        Deadline slow = new Deadline(Duration.ofHours(1));
        watchdog.watch(slow);
        assertEquals(TimeUnit.SECONDS.toNanos(1), watchdog.tickNanos(), "a long timeout ticks once a second");

        Deadline closeNotify = new Deadline(Duration.ofMillis(300));
        watchdog.watch(closeNotify);
        assertEquals(TimeUnit.MILLISECONDS.toNanos(30), watchdog.tickNanos(), "a tenth of the shortest timeout");
        assertTrue(closeNotify.expired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the short deadline is enforced");
        watchdog.unwatch(closeNotify);

        Await.until(WAIT, () -> watchdog.tickNanos() == TimeUnit.SECONDS.toNanos(1),
                "the tick to slow down once the short deadline is gone");
        watchdog.unwatch(slow);
    }

    @Test
    @DisplayName("a deadline watched during a slow tick is checked at its own pace, not a whole slow tick late")
    void aShortDeadlineArrivingDuringASlowTickIsOnTime() throws Exception {
        DeadlineWatchdog watchdog = new DeadlineWatchdog();
        Deadline slow = new Deadline(Duration.ofHours(1));
        watchdog.watch(slow);
        Deadline quick = new Deadline(Duration.ofMillis(100));
        long start = System.nanoTime();
        watchdog.watch(quick);
        assertTrue(quick.expired.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 100, "not before it is due: " + tookMillis + " ms");
        watchdog.unwatch(quick);
        watchdog.unwatch(slow);
    }
}
