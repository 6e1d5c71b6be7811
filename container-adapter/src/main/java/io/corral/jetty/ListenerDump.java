package io.corral.jetty;

import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerStats;
import java.io.IOException;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.Dumpable;

/**
 * The counters of the Corral listener behind a {@link CorralConnector}, as a line of {@code server.dump()}:
 * state, live and peak connections, totals, the limit and any acceptors waiting on it.
 */
final class ListenerDump implements Dumpable {

    private final Supplier<Listener> listener;

    ListenerDump(Supplier<Listener> listener) {
        this.listener = listener;
    }

    @Override
    public void dump(Appendable out, String indent) throws IOException {
        Dumpable.dumpObject(out, this);
    }

    @Override
    public String toString() {
        Listener current = listener.get();
        if (current == null) {
            return "CorralListener{not started}";
        }
        ListenerStats stats = current.stats();
        return "CorralListener{" + stats.name() + " " + stats.state()
                + ", active=" + stats.active() + ", peak=" + stats.peak()
                + ", accepted=" + stats.totalAccepted() + ", closed=" + stats.totalClosed()
                + ", failed=" + stats.failed() + ", max=" + stats.maxConnections()
                + ", waitingAcceptors=" + stats.waitingAcceptors() + ", acceptErrors=" + stats.acceptErrors()
                + ", evictedIdle=" + stats.evictedIdle() + "}";
    }
}
