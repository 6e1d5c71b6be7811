package io.corral.connector.listener;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an acceptor from starting connections faster than the virtual-thread scheduler runs them.
 *
 * <p>Virtual threads are not time-sliced: a thread that becomes runnable waits behind every task queued before
 * it, and a scheduler worker keeps taking tasks from the queue it found work in for as long as that queue is not
 * empty. A flood of new connections (thousands arriving within a second) would put thousands of first bursts in
 * that queue at once, and an established client's next request, woken meanwhile, would wait behind all of them —
 * seconds, on a small machine — although the server is doing nothing wrong. Platform-thread servers get fairness
 * from the kernel's time-slicing; here the acceptor provides it: after every {@code batch} connections it starts
 * a marker thread behind them, and when the marker of the batch before has not run yet — the scheduler is behind —
 * it waits until this one has, so that its queue empties before it adds to it and about a batch of new connections
 * at most is queued there. Clients beyond that wait in the kernel's accept queue (a backlog of thousands:
 * {@link AcceptBacklog}), which costs the server nothing. What this cannot promise: a woken client's thread is
 * queued elsewhere (the poller's submission queue), and which non-empty queue a worker drains next is the JDK's
 * random scan — an emptied acceptor queue gives the client's a chance, not a turn (bench/RESULTS.md: the slowest
 * wake-up 3–52% of a burst paced, 43–99% unpaced, the JDK alone). A scheduler that keeps up never
 * holds the acceptor, and the wait is bounded, so a scheduler kept busy by something else (a servlet spinning on
 * every carrier) slows accepting, never stops it.
 *
 * <p>One per acceptor, used by its thread only.
 */
final class AcceptPacing {

    /** New connections started between two checks: small enough to keep the queue short, large enough to be free. */
    static final int DEFAULT_BATCH = 8;
    /** The longest one check holds the acceptor. */
    static final long DEFAULT_MAX_WAIT_MILLIS = 1_000;

    private final ThreadFactory connectionThreads;
    private final int batch;
    private final long maxWaitMillis;
    private int startedSinceCheck;
    /** The marker started behind the last batch; null before the first. */
    private CountDownLatch lastMarker;

    AcceptPacing(ThreadFactory connectionThreads) {
        this(connectionThreads, DEFAULT_BATCH, DEFAULT_MAX_WAIT_MILLIS);
    }

    AcceptPacing(ThreadFactory connectionThreads, int batch, long maxWaitMillis) {
        if (batch < 1 || maxWaitMillis < 0) {
            throw new IllegalArgumentException("batch must be positive and the wait not negative");
        }
        this.connectionThreads = connectionThreads;
        this.batch = batch;
        this.maxWaitMillis = maxWaitMillis;
    }

    /**
     * Called after each connection the acceptor started; every {@code batch} calls starts a marker behind them, and
     * if the marker of the batch before has not run yet (the scheduler is behind), waits — at most the maximum wait
     * — until this one has: the queue then empties before the acceptor adds to it, and a scheduler worker looks at
     * the other queues (one that always finds more in the same queue never does: waiting for the batch before
     * instead of this one let a client's wake-up wait seconds). A scheduler that keeps up never holds the acceptor.
     *
     * @return false when a wait ran out with the marker still queued (the acceptor goes on anyway), else true
     */
    boolean started() throws InterruptedException {
        if (++startedSinceCheck < batch) {
            return true;
        }
        startedSinceCheck = 0;
        CountDownLatch marker = new CountDownLatch(1);
        connectionThreads.newThread(marker::countDown).start();
        boolean behind = lastMarker != null && lastMarker.getCount() > 0;
        lastMarker = marker;
        return !behind || marker.await(maxWaitMillis, TimeUnit.MILLISECONDS);
    }
}
