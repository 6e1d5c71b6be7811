package io.corral.connector.transport;

import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pipe's read end parked on a {@link Hibernator} as a connection would be, for tests of the hibernator alone: it
 * settles once, may be claimed for one wake, and keeps its key; what it does when woken, and when it wants to be, is
 * the test's.
 */
abstract class ParkedPipe implements Hibernator.HibernatingChannel {

    private static final int ARRIVING = 1, HIBERNATING = 2, WAKING = 3;

    private final Pipe.SourceChannel channel;
    private final AtomicInteger state = new AtomicInteger(ARRIVING);
    private SelectionKey key;

    ParkedPipe(Pipe.SourceChannel channel) {
        this.channel = channel;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public boolean claimWake() {
        return state.compareAndSet(HIBERNATING, WAKING);
    }

    @Override
    public boolean settle() {
        return state.compareAndSet(ARRIVING, HIBERNATING);
    }

    @Override
    public SelectionKey key() {
        return key;
    }

    @Override
    public void key(SelectionKey key) {
        this.key = key;
    }
}
