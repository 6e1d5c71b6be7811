package io.corral.connector.listener;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Protocol} for tests that runs another one and records what the listener did with it: how many
 * connections reached the protocol, how many are inside it now, and which threads served them (so a test
 * can check that every connection thread has ended).
 */
final class ProtocolProbe implements Protocol {

    /** What a probed connection runs: a protocol that never hibernates. */
    @FunctionalInterface
    interface Body {
        void serve(TransportConnection connection) throws Exception;
    }

    private final Body body;
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    ProtocolProbe(Body body) {
        this.body = body;
    }

    /** Echoes every byte back until the peer closes its side. */
    static ProtocolProbe echo() {
        return new ProtocolProbe(ProtocolProbe::echo);
    }

    static void echo(TransportConnection connection) throws IOException {
        byte[] buffer = new byte[1024];
        int n;
        while ((n = connection.read(buffer, 0, buffer.length)) > 0) {
            connection.write(buffer, 0, n);
        }
    }

    @Override
    public Hibernation serve(TransportConnection connection) throws Exception {
        threads.add(Thread.currentThread());
        running.incrementAndGet();
        started.incrementAndGet();
        try {
            body.serve(connection);
            return null;
        } finally {
            running.decrementAndGet();
        }
    }

    /** Connections that reached the protocol so far. */
    int started() {
        return started.get();
    }

    /** Connections inside the protocol right now. */
    int running() {
        return running.get();
    }

    /** Whether every connection ran on a virtual thread of its own, left unnamed (naming costs ~3%). */
    boolean ranEachConnectionOnItsOwnUnnamedVirtualThread() {
        return threads.size() == started()
                && threads.stream().allMatch(thread -> thread.isVirtual() && thread.getName().isEmpty());
    }

    List<Thread> aliveThreads() {
        return threads.stream().filter(Thread::isAlive).toList();
    }
}
