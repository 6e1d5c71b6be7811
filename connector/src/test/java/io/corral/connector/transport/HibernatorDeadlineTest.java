package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Deadlines of connections that arrived together come due one after another; each scan for due deadlines looks at
 * every registered connection. Without a bound on how often it scans, the hibernator made one scan of the whole house
 * per connection timed out: at 15,000 idle connections timing out, it was busy for six seconds and every wake-up
 * meanwhile (a keep-alive client's next request) came seconds late (issue 18's full-scale idle flood).
 */
class HibernatorDeadlineTest {

    private static final int CONNECTIONS = 400;
    private static final long SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /** A parked pipe that only ever wakes at its deadline, and records when it did. */
    private static final class TimedOut extends ParkedPipe {
        private final long deadline;
        private final CountDownLatch woken;
        private final AtomicInteger early;

        TimedOut(Pipe.SourceChannel channel, long deadline, CountDownLatch woken, AtomicInteger early) {
            super(channel);
            this.deadline = deadline;
            this.woken = woken;
            this.early = early;
        }

        @Override
        public long wakeAtNanos() {
            return deadline;
        }

        @Override
        public void wake() {
            if (System.nanoTime() - deadline < 0) {
                early.incrementAndGet();
            }
            woken.countDown();
        }
    }

    @Test
    @DisplayName("deadlines coming due one after another cost a bounded number of scans, and none fires early")
    void deadlinesOneAfterAnotherAreScannedInBatches() throws IOException, InterruptedException {
        Hibernator hibernator = new Hibernator("deadline-test-hibernator");
        List<Pipe> pipes = new ArrayList<>();
        CountDownLatch woken = new CountDownLatch(CONNECTIONS);
        AtomicInteger early = new AtomicInteger();
        try {
            long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            for (int i = 0; i < CONNECTIONS; i++) {
                Pipe pipe = Pipe.open();
                pipes.add(pipe);
                pipe.source().configureBlocking(false);
                hibernator.park(new TimedOut(pipe.source(), first + i * SPACING_NANOS, woken, early));
            }
            long scansBefore = hibernator.deadlineScans();

            assertTrue(woken.await(60, TimeUnit.SECONDS), "every deadline fired; still waiting: " + woken.getCount());
            assertEquals(0, early.get(), "no connection woke before its deadline");
            long scans = hibernator.deadlineScans() - scansBefore;
            // 400 deadlines over 0.8 s: at most one scan per 50 ms of slack (~16), plus the scans a loaded machine
            // spreads out; one scan per deadline (400) is what the bound prevents.
            assertTrue(scans <= CONNECTIONS / 4, "scans for due deadlines: " + scans + " for " + CONNECTIONS + " deadlines");
        } finally {
            for (Pipe pipe : pipes) {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }
}
