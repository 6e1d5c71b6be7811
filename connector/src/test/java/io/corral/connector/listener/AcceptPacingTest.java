package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link AcceptPacing} alone: when it checks the scheduler, and what a late or prompt marker does to the acceptor. */
class AcceptPacingTest {

    private final AtomicInteger markers = new AtomicInteger();
    private final CountDownLatch schedulerFree = new CountDownLatch(1);

    /** Virtual threads whose task waits until the test frees the "scheduler": a scheduler busy with other work. */
    private final ThreadFactory busyScheduler = task -> {
        markers.incrementAndGet();
        return Thread.ofVirtual().unstarted(() -> {
            try {
                schedulerFree.await();
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        });
    };

    @Test
    @DisplayName("a scheduler that keeps up gets one marker per batch and never holds the acceptor")
    void aSchedulerThatKeepsUpNeverHoldsTheAcceptor() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AcceptPacing pacing = new AcceptPacing(task -> {
            markers.incrementAndGet();
            return Thread.ofVirtual().unstarted(() -> {
                task.run();
                ran.incrementAndGet();
            });
        }, 4, 60_000);
        for (int i = 1; i <= 12; i++) {
            long start = System.nanoTime();
            assertTrue(pacing.started(), "a prompt scheduler: nothing to wait for");
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "not held");
            assertEquals(i / 4, markers.get(), "markers after " + i + " connections");
            int started = markers.get();
            Await.until(java.time.Duration.ofSeconds(10), () -> ran.get() == started, "the marker to run");
        }
    }

    @Test
    @DisplayName("behind by a batch, the acceptor waits until the marker behind the latest batch has run")
    void aSchedulerThatIsBehindHoldsTheAcceptor() throws Exception {
        AcceptPacing pacing = new AcceptPacing(busyScheduler, 1, 60_000);
        assertTrue(pacing.started(), "the first batch: no earlier marker, so not behind");
        AtomicInteger returned = new AtomicInteger();
        Thread acceptor = Thread.ofPlatform().start(() -> {
            try {
                pacing.started();
                returned.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.until(java.time.Duration.ofSeconds(10), () -> acceptor.getState() == Thread.State.TIMED_WAITING,
                "the acceptor to wait for the marker");
        assertEquals(0, returned.get(), "held while the earlier marker has not run");
        assertEquals(2, markers.get(), "a marker behind each batch");
        schedulerFree.countDown();
        acceptor.join(10_000);
        assertEquals(1, returned.get(), "let go once the latest marker ran");
    }

    @Test
    @DisplayName("the wait is bounded: a scheduler that never catches up slows accepting, never stops it")
    void theWaitIsBounded() throws Exception {
        AcceptPacing pacing = new AcceptPacing(busyScheduler, 1, 50);
        assertTrue(pacing.started());
        long start = System.nanoTime();
        assertFalse(pacing.started(), "the marker did not run: reported, not waited for any longer");
        assertTrue(System.nanoTime() - start >= 50_000_000L, "waited the bound first");
        schedulerFree.countDown();
    }

    @Test
    @DisplayName("a stopping listener's interrupt ends the wait")
    void anInterruptEndsTheWait() throws Exception {
        AcceptPacing pacing = new AcceptPacing(busyScheduler, 1, 60_000);
        assertTrue(pacing.started());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, pacing::started);
        schedulerFree.countDown();
    }

    @Test
    @DisplayName("nonsense settings are refused")
    void refusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new AcceptPacing(busyScheduler, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new AcceptPacing(busyScheduler, 1, -1));
    }
}
