package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two acceptors at the edge of a full house, step by step (issue 18, the race behind
 * {@code FullHouseTest.aRequestThatHasArrivedIsNeverEvicted}): acceptor A reserved the last free slot and waits in
 * {@code accept()}; acceptor B, finding the house full, may wait in {@code accept()} too, beyond the limit, because
 * an idle connection could give way. Whichever the kernel hands the next client to, that client takes the free slot
 * and nobody is closed; only a second client, with no slot left, costs an idle connection. Before, a client that
 * reached B closed an idle connection while A's slot went unused: one eviction more than clients beyond the limit,
 * a keep-alive client closed for nothing.
 *
 * <p>Each acceptor here is a thread of its own (the supervisor knows its acceptors by their threads), driven one
 * call at a time, so every interleaving is the test's choice rather than the scheduler's.
 */
class ReservationHandOverTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private IdleConnections connections;
    private final List<Thread> acceptorThreads = new ArrayList<>();

    @BeforeEach
    void open() throws IOException {
        connections = new IdleConnections();
    }

    @AfterEach
    void close() throws IOException {
        acceptorThreads.forEach(Thread::interrupt);
        connections.close();
    }

    /** One acceptor's thread, which runs the calls it is given in order; what a real {@link Acceptor} would call. */
    private final class AcceptorThread {

        private final BlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();

        AcceptorThread() {
            acceptorThreads.add(Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        calls.take().run();
                    }
                } catch (InterruptedException ended) {
                    // the test is over
                }
            }));
        }

        /** Runs {@code action} on this acceptor's thread and returns what it returned. */
        <T> T call(Callable<T> action) throws Exception {
            return start(action).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** Starts {@code action} on this acceptor's thread; the future ends when it does. */
        <T> CompletableFuture<T> start(Callable<T> action) {
            CompletableFuture<T> result = new CompletableFuture<>();
            calls.add(() -> {
                try {
                    result.complete(action.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
            return result;
        }
    }

    /**
     * The edge both tests start from: a limit of 2 with one connection idle for a second, both acceptors holding a
     * reservation (A the last free slot, B beyond the limit), and a first client admitted by B on A's free slot.
     */
    private record FirstClientAtB(ConnectionSupervisor supervisor, SupervisedConnection idle, AcceptorThread a,
            AcceptorThread b, SupervisedConnection first) {
    }

    private FirstClientAtB aFirstClientReachesB() throws Exception {
        ConnectionSupervisor supervisor = new ConnectionSupervisor("hand-over", 2);
        SupervisedConnection idle = connections.idleFor(1_000);
        assertTrue(supervisor.reserveSlot());
        assertTrue(supervisor.admit(idle));

        AcceptorThread a = new AcceptorThread();
        AcceptorThread b = new AcceptorThread();
        assertTrue(a.call(supervisor::reserveSlot), "A reserves the last free slot and sits in accept()");
        assertTrue(b.call(supervisor::reserveSlot), "B may accept beyond the limit: an idle connection could give way");

        SupervisedConnection first = connections.idleFor(0);
        assertTrue(b.call(() -> supervisor.admit(first)), "the first client reaches B");
        return new FirstClientAtB(supervisor, idle, a, b, first);
    }

    @Test
    @DisplayName("a client that reaches the acceptor beyond the limit takes the slot the other acceptor reserved and has no client for: no idle connection is closed")
    void anUnusedReservationIsTakenBeforeAnIdleConnectionIsClosed() throws Exception {
        FirstClientAtB edge = aFirstClientReachesB();
        ConnectionSupervisor supervisor = edge.supervisor();
        SupervisedConnection idle = edge.idle();
        AcceptorThread a = edge.a();
        assertEquals(0, supervisor.counts().evictedIdle(), "a slot was free: " + supervisor.counts());
        assertFalse(idle.isEvicted());
        assertTrue(idle.channel().isOpen(), "the idle connection was left alone");

        SupervisedConnection second = connections.idleFor(0);
        assertTrue(a.call(() -> supervisor.admit(second)), "a second client reaches A, now beyond the limit");
        assertEquals(1, supervisor.counts().evictedIdle(), "no slot left: the idle connection gives way");
        assertTrue(idle.isEvicted());
        assertFalse(idle.channel().isOpen());

        supervisor.release(idle, false); // its thread has ended
        ConnectionSupervisor.Counts counts = supervisor.counts();
        assertEquals(2, counts.active(), "the two clients, on the two slots: " + counts);
    }

    @Test
    @DisplayName("an acceptor whose reservation was taken and whose accept() then fails gives nothing back twice")
    void aTakenReservationThatEndsInAFailedAcceptLeavesTheCountExact() throws Exception {
        FirstClientAtB edge = aFirstClientReachesB();
        ConnectionSupervisor supervisor = edge.supervisor();
        SupervisedConnection idle = edge.idle();
        AcceptorThread a = edge.a();
        AcceptorThread b = edge.b();
        SupervisedConnection first = edge.first();

        a.call(() -> {
            supervisor.cancelReservation(true);
            return null;
        });
        // Every connection ends, as a connection's process ends it: closed, then released.
        for (SupervisedConnection ended : List.of(first, idle)) {
            ended.close();
            supervisor.release(ended, false);
        }
        ConnectionSupervisor.Counts counts = supervisor.counts();
        assertEquals(0, counts.active(), counts.toString());
        assertEquals(0, counts.evictedIdle(), counts.toString());
        assertEquals(1, counts.acceptErrors(), counts.toString());
        // Both slots are free again, and no more: two reservations go through, a third waits.
        assertTrue(a.call(supervisor::reserveSlot));
        assertTrue(b.call(supervisor::reserveSlot));
        CompletableFuture<Boolean> third = new AcceptorThread().start(supervisor::reserveSlot);
        Await.until(WAIT, () -> supervisor.counts().waitingAcceptors() == 1, () -> "a third to wait: " + supervisor.counts());
        assertFalse(third.isDone());
        a.call(() -> {
            supervisor.cancelReservation(false);
            return null;
        });
        assertTrue(third.get(WAIT.toSeconds(), TimeUnit.SECONDS), "a slot given back goes to the one waiting");
    }
}
