package io.corral.connector.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-source cap ({@link ListenerConfig#maxConnectionsPerSource()}): counts the live connections of each client
 * address and refuses the newest one over the cap, so that one address cannot take the whole house however many
 * sockets it opens. The address is the one the transport reports once it has wrapped the socket, so behind a proxy
 * speaking the PROXY protocol it is the original client's, not the proxy's. Off (admits everything, counts
 * nothing, holds no map) when the cap is 0.
 *
 * <p>A refusal is counted ({@link ListenerStats#overSourceCap()}) and logged at WARN once a minute at most with the
 * count so far and the latest address: a client could otherwise write one log line per connection it opens.
 */
final class SourceCap {

    private static final Logger LOG = LoggerFactory.getLogger(SourceCap.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String listenerName;
    private final int max;
    private final ReentrantLock lock = new ReentrantLock();
    /** Live connections by address; an address leaves the map with its last connection. */
    private final Map<InetAddress, Integer> live = new HashMap<>();
    private long refused;
    private long lastLogNanos;
    private boolean logged;

    /** @param max live connections per address at most; 0 for no cap */
    SourceCap(String listenerName, int max) {
        this.listenerName = listenerName;
        this.max = max;
    }

    /**
     * Counts {@code connection} against its client's address, or refuses it when that address already holds
     * {@code max} connections. A refused connection is the caller's to close; an admitted one must be
     * {@linkplain #release released} when it ends.
     *
     * @return whether the connection may be served
     */
    boolean admit(SupervisedConnection connection, SocketAddress remote) {
        // Only an IP address is a source: a Unix domain socket's peer has none, so it is never capped.
        if (max == ListenerConfig.NO_SOURCE_CAP || !(remote instanceof InetSocketAddress inet)
                || inet.getAddress() == null) {
            return true;
        }
        InetAddress source = inet.getAddress();
        lock.lock();
        try {
            int count = live.getOrDefault(source, 0);
            if (count >= max) {
                refused++;
                logRefusal(source);
                return false;
            }
            live.put(source, count + 1);
            connection.countedAgainst(source);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the connection's place back to its address, if it was counted; idempotent. */
    void release(SupervisedConnection connection) {
        InetAddress source = connection.countedAgainst();
        if (source == null) {
            return;
        }
        lock.lock();
        try {
            connection.countedAgainst(null);
            live.computeIfPresent(source, (address, count) -> count == 1 ? null : count - 1);
        } finally {
            lock.unlock();
        }
    }

    /** Connections refused so far for being over the cap. */
    long refused() {
        lock.lock();
        try {
            return refused;
        } finally {
            lock.unlock();
        }
    }

    private void logRefusal(InetAddress source) {
        long now = System.nanoTime();
        if (!logged || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            logged = true;
            lastLogNanos = now;
            LOG.warn("{}: {} holds {} connections, the per-source cap; closing its newest ({} closed so far)",
                    listenerName, source.getHostAddress(), max, refused);
        }
    }
}
