package io.corral.connector.listener;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an acceptor from starting connections faster than the virtual-thread scheduler runs them.
 *
 * <p>Virtual threads are not time-sliced: a thread that becomes runnable waits behind every task queued before
 * it. A flood of new connections (thousands arriving within a second) would put thousands of first bursts in
 * that queue at once, and an established client's next request, woken meanwhile, would wait behind all of
 * them — seconds, on a small machine — although the server is doing nothing wrong. Platform-thread servers get
 * fairness from the kernel's time-slicing; here the acceptor provides it: after every {@code batch} connections
 * it starts, it waits until a marker thread started behind them has run, so that at most about a batch of new
 * connections is ever queued ahead of a woken one. Clients beyond that wait in the kernel's accept queue (a
 * backlog of thousands: {@link AcceptBacklog}), which costs the server nothing. The wait is bounded, so a
 * scheduler kept busy by something else (a servlet spinning on every carrier) slows accepting, never stops it.
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
     * Called after each connection the acceptor started; every {@code batch} calls waits (at most the maximum
     * wait) for the scheduler to reach a marker queued behind them.
     *
     * @return whether the marker ran within the wait (false: the scheduler is behind, the acceptor goes on anyway)
     */
    boolean started() throws InterruptedException {
        if (++startedSinceCheck < batch) {
            return true;
        }
        startedSinceCheck = 0;
        CountDownLatch ran = new CountDownLatch(1);
        connectionThreads.newThread(ran::countDown).start();
        return ran.await(maxWaitMillis, TimeUnit.MILLISECONDS);
    }
}
