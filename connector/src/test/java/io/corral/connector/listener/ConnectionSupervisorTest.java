package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The slot accounting of {@link ConnectionSupervisor} on its own, without sockets: reservations count
 * against the limit, admissions wait only after the limit was lowered, shutdown wakes everyone, and many
 * acceptors racing never push the count over the limit.
 */
class ConnectionSupervisorTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static SupervisedConnection connection() {
        return new SupervisedConnection(openChannel(), Thread.ofVirtual().factory(), c -> { });
    }

    private static java.nio.channels.SocketChannel openChannel() {
        try {
            return java.nio.channels.SocketChannel.open();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code action} on a new thread; the returned future ends when it does. */
    private static <T> CompletableFuture<T> onAnotherThread(java.util.concurrent.Callable<T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private static void awaitWaiting(ConnectionSupervisor supervisor, int waiting) {
        Await.until(WAIT, () -> supervisor.counts().waitingAcceptors() == waiting,
                () -> waiting + " acceptors wait: " + supervisor.counts());
    }

    @Test
    void aReservationCountsAgainstTheLimitBeforeItsConnectionIsAdmitted() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 2);
        assertTrue(supervisor.reserveSlot());
        assertTrue(supervisor.reserveSlot());
        CompletableFuture<Boolean> third = onAnotherThread(supervisor::reserveSlot);
        awaitWaiting(supervisor, 1);
        assertFalse(third.isDone(), "two acceptors in accept() fill a limit of two");

        SupervisedConnection first = connection();
        assertTrue(supervisor.admit(first));
        assertFalse(third.isDone(), "admitting turns a reservation into a connection: still two");
        supervisor.release(first, false);
        assertTrue(third.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aCancelledReservationFreesItsSlotAndCountsAcceptErrors() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 1);
        assertTrue(supervisor.reserveSlot());
        CompletableFuture<Boolean> next = onAnotherThread(supervisor::reserveSlot);
        awaitWaiting(supervisor, 1);
        supervisor.cancelReservation(true);
        assertTrue(next.get(5, TimeUnit.SECONDS));
        supervisor.cancelReservation(false);
        assertEquals(1, supervisor.counts().acceptErrors());
        assertEquals(0, supervisor.counts().totalAccepted());
    }

    @Test
    void anAdmissionWaitsWhenTheLimitWasLoweredDuringAccept() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 3);
        SupervisedConnection live = connection();
        assertTrue(supervisor.reserveSlot());
        assertTrue(supervisor.admit(live));
        assertTrue(supervisor.reserveSlot()); // an acceptor now blocked in accept()

        supervisor.setMaxConnections(1); // one live already: the accepted client must wait
        SupervisedConnection accepted = connection();
        CompletableFuture<Boolean> admission = onAnotherThread(() -> supervisor.admit(accepted));
        awaitWaiting(supervisor, 1);
        assertEquals(1, supervisor.counts().active());

        supervisor.release(live, false);
        assertTrue(admission.get(5, TimeUnit.SECONDS));
        assertEquals(1, supervisor.counts().active());
        assertEquals(1, supervisor.counts().peak());
    }

    @Test
    void raisingTheLimitWakesEveryWaitingAcceptor() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 0);
        List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(onAnotherThread(supervisor::reserveSlot));
        }
        awaitWaiting(supervisor, 3);
        assertEquals(0, supervisor.setMaxConnections(3));
        for (CompletableFuture<Boolean> reservation : waiting) {
            assertTrue(reservation.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void shutdownWakesWaitersRefusesNewcomersAndReturnsTheLiveOnes() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 1);
        SupervisedConnection live = connection();
        assertTrue(supervisor.reserveSlot());
        assertTrue(supervisor.admit(live));
        CompletableFuture<Boolean> waiting = onAnotherThread(supervisor::reserveSlot);
        awaitWaiting(supervisor, 1);

        assertEquals(List.of(live), supervisor.shutDown());
        assertFalse(waiting.get(5, TimeUnit.SECONDS), "woken, and told no");
        assertFalse(supervisor.reserveSlot());
        supervisor.release(live, false);
        assertTrue(supervisor.awaitIdle(Duration.ZERO));

        supervisor.reopen();
        assertTrue(supervisor.reserveSlot());
    }

    @Test
    void anInterruptedWaitReservesNothing() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 1);
        assertTrue(supervisor.reserveSlot());
        CompletableFuture<Thread> waiter = new CompletableFuture<>();
        CompletableFuture<Boolean> interrupted = onAnotherThread(() -> {
            waiter.complete(Thread.currentThread());
            return supervisor.reserveSlot();
        });
        awaitWaiting(supervisor, 1);
        waiter.get().interrupt();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> interrupted.get(5, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof InterruptedException);

        supervisor.cancelReservation(false);
        assertTrue(supervisor.reserveSlot(), "the interrupted waiter took no slot");
    }

    @Test
    void awaitIdleReturnsOnceTheLastConnectionIsReleasedOrTheTimeoutPasses() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 5);
        SupervisedConnection live = connection();
        supervisor.reserveSlot();
        supervisor.admit(live);
        assertFalse(supervisor.awaitIdle(Duration.ofMillis(20)));
        CompletableFuture<Boolean> idle = onAnotherThread(() -> supervisor.awaitIdle(WAIT));
        supervisor.release(live, true);
        assertTrue(idle.get(5, TimeUnit.SECONDS));
        assertEquals(1, supervisor.counts().failed());
        supervisor.release(live, true);
        assertEquals(1, supervisor.counts().totalClosed(), "releasing twice counts once");
    }

    @Test
    void aConnectionClosedToMakeRoomIsCountedEvictedNotFailed() throws Exception {
        try (IdleConnections connections = new IdleConnections()) {
            ConnectionSupervisor supervisor = new ConnectionSupervisor("unit", 1);
            SupervisedConnection idle = connections.idleFor(1_000);
            assertTrue(supervisor.reserveSlot());
            assertTrue(supervisor.admit(idle));
            assertTrue(supervisor.reserveSlot(), "beyond the limit: the idle one may give way");
            SupervisedConnection newcomer = connections.idleFor(0);
            assertTrue(supervisor.admit(newcomer));
            assertTrue(idle.isEvicted());

            // Its protocol met the close as an error, as a read on a closed socket does.
            supervisor.release(idle, true);
            ConnectionSupervisor.Counts counts = supervisor.counts();
            assertEquals(1, counts.evictedIdle(), counts.toString());
            assertEquals(1, counts.totalClosed(), counts.toString());
            assertEquals(0, counts.failed(), "closed to make room is not a failure: " + counts);

            newcomer.close();
            supervisor.release(newcomer, true); // a connection that really failed still counts
            assertEquals(1, supervisor.counts().failed());
        }
    }

    @Test
    void racingAcceptorsNeverExceedTheLimitWhileItMoves() throws Exception {
        int acceptors = 8;
        int rounds = 2_000;
        ConnectionSupervisor supervisor = new ConnectionSupervisor("race", 3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        AtomicInteger limitSeen = new AtomicInteger(3);
        try (ExecutorService pool = Executors.newFixedThreadPool(acceptors + 1)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int a = 0; a < acceptors; a++) {
                long seed = a;
                workers.add(pool.submit(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < rounds; i++) {
                        if (!supervisor.reserveSlot()) {
                            return null;
                        }
                        if (random.nextInt(10) == 0) {
                            supervisor.cancelReservation(true); // a failed accept
                            continue;
                        }
                        SupervisedConnection c = connection();
                        if (!supervisor.admit(c)) {
                            return null;
                        }
                        int now = inside.incrementAndGet();
                        worst.accumulateAndGet(now - limitSeen.get(), Math::max);
                        inside.decrementAndGet();
                        supervisor.release(c, false);
                    }
                    return null;
                }));
            }
            // The limit only ever rises during the race, so "over the current limit" is unambiguous.
            Future<?> raiser = pool.submit(() -> {
                for (int limit = 3; limit <= 6; limit++) {
                    limitSeen.set(limit);
                    supervisor.setMaxConnections(limit);
                    Thread.onSpinWait();
                }
                return null;
            });
            raiser.get(15, TimeUnit.SECONDS);
            for (Future<?> worker : workers) {
                worker.get(15, TimeUnit.SECONDS);
            }
        }
        ConnectionSupervisor.Counts counts = supervisor.counts();
        assertTrue(worst.get() <= 0, "went " + worst.get() + " over the limit");
        assertEquals(0, counts.active());
        assertEquals(counts.totalAccepted(), counts.totalClosed());
        assertTrue(counts.peak() <= 6, "peak " + counts.peak());
        assertEquals((long) acceptors * rounds, counts.totalAccepted() + counts.acceptErrors());
    }
}
