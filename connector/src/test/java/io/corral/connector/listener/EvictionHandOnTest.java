package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A full house hands the slot of a connection it closes to the new client at once (issue 18): the acceptor closes
 * the idle connection's socket and moves on, whatever that connection's thread still does. Here the threads of
 * the closed connections do not end at all until the test lets them — a protocol that, once its socket is closed,
 * waits and ignores interrupts — the extreme of what a loaded machine does to a hibernating connection's wake-up.
 * Before, each new client waited for the closed one's thread to end; now every one is served at once, the slot
 * accounting stays exact (never more than the limit plus the documented closing margin, each slot freed once).
 */
class EvictionHandOnTest {

    private static final int LIMIT = 10;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Far under the test's wait, far over what accepting and greeting ten clients takes on a loaded machine. */
    private static final long WORST_ALLOWED_NANOS = Duration.ofSeconds(5).toNanos();

    private final List<TestClient> clients = new ArrayList<>();
    private final CountDownLatch letThemEnd = new CountDownLatch(1);
    private final AtomicInteger endingSlowly = new AtomicInteger();
    private Listener listener;

    @AfterEach
    void stopEverything() throws Exception {
        letThemEnd.countDown();
        if (listener != null) {
            listener.stop();
        }
        for (TestClient client : clients) {
            client.close();
        }
    }

    /**
     * Greets, marks itself idle (evictable) and reads until its socket is closed; then holds its thread until
     * {@link #letThemEnd}, interrupts or not.
     */
    private Hibernation greetThenEndSlowly(TransportConnection connection) {
        try {
            connection.write(new byte[] {'h', 'i'}, 0, 2);
            connection.evictableSince(TransportConnection.evictableMark(System.nanoTime()));
            byte[] buffer = new byte[64];
            while (connection.read(buffer, 0, buffer.length) >= 0) {
                // discard
            }
        } catch (IOException closed) {
            // closed to make room: what this test is about
        }
        endingSlowly.incrementAndGet();
        boolean interrupted = false;
        while (letThemEnd.getCount() > 0) {
            try {
                letThemEnd.await();
            } catch (InterruptedException ignored) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private TestClient greeted() throws IOException {
        TestClient client = TestClient.connect(listener);
        clients.add(client);
        assertEquals("hi", client.receive(2));
        return client;
    }

    @Test
    @DisplayName("at the limit, a new client takes the slot of the idle connection closed for it without waiting for that connection's thread to end")
    void aClosedConnectionsSlotIsHandedOnAtOnce() throws Exception {
        listener = new Listener(TestClient.loopbackConfig("hand-on").withMaxConnections(LIMIT),
                this::greetThenEndSlowly);
        listener.start();
        for (int i = 0; i < LIMIT; i++) {
            greeted();
        }
        long filledAt = System.nanoTime();
        // Old enough to give way (IdleEviction's minimum wait).
        Await.until(WAIT, () -> System.nanoTime() - filledAt > IdleEviction.MIN_WAIT_NANOS + 50_000_000L,
                "the house to age");

        long worst = 0;
        for (int i = 0; i < LIMIT; i++) {
            long start = System.nanoTime();
            greeted();
            worst = Math.max(worst, System.nanoTime() - start);
        }
        assertTrue(worst <= WORST_ALLOWED_NANOS, "worst new client greeted after " + worst / 1_000_000 + " ms");
        Await.until(WAIT, () -> endingSlowly.get() == LIMIT, () -> "the " + LIMIT + " closed ones to notice: " + endingSlowly);

        ListenerStats stats = listener.stats();
        assertEquals(LIMIT, stats.evictedIdle(), "one closed per newcomer: " + stats);
        assertEquals(2 * LIMIT, stats.active(), "the closed ones are still tracked until their threads end: " + stats);
        assertTrue(stats.peak() <= LIMIT + ConnectionSupervisor.closingMargin(LIMIT), "within the margin: " + stats);

        letThemEnd.countDown();
        Await.until(WAIT, () -> listener.stats().active() == LIMIT,
                () -> "the closed ones to end, and only them: " + listener.stats());
        assertEquals(LIMIT, listener.stats().totalClosed(), "each closed one released once: " + listener.stats());
    }

    @Test
    @DisplayName("past the closing margin, new clients wait for closed connections to end: no over-admission beyond it")
    void pastTheMarginAdmissionsWaitForTheClosedOnesToEnd() throws Exception {
        // Enough idle connections to use up the whole margin.
        int house = ConnectionSupervisor.MIN_CLOSING_MARGIN + LIMIT;
        listener = new Listener(TestClient.loopbackConfig("hand-on-margin").withMaxConnections(house),
                this::greetThenEndSlowly);
        listener.start();
        for (int i = 0; i < house; i++) {
            greeted();
        }
        long filledAt = System.nanoTime();
        Await.until(WAIT, () -> System.nanoTime() - filledAt > IdleEviction.MIN_WAIT_NANOS + 50_000_000L,
                "the house to age");
        int closingMargin = ConnectionSupervisor.closingMargin(house);
        for (int i = 0; i < closingMargin; i++) {
            greeted();
        }
        assertEquals(house + closingMargin, listener.stats().active(), "the limit plus the margin: " + listener.stats());

        TestClient beyond = TestClient.connect(listener);
        clients.add(beyond);
        assertTrue(beyond.staysSilentFor(Duration.ofMillis(300)), "the margin is used up: " + listener.stats());
        letThemEnd.countDown();
        assertEquals("hi", beyond.receive(2), "served once the closed ones have ended");
        Await.until(WAIT, () -> listener.stats().active() == house, () -> "only the house left: " + listener.stats());
        assertTrue(listener.stats().peak() <= house + closingMargin, "never beyond the margin: " + listener.stats());
    }
}
