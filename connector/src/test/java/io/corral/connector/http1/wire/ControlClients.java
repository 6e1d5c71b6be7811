package io.corral.connector.http1.wire;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The control clients of the flood tests (issue 18) while a flood runs: one keep-alive connection asking every
 * 20 ms, and a new connection every 50 ms, one request each. On platform threads, as clients in a process of their
 * own would be: a control on a virtual thread would queue for the server's own scheduler to read its answers, and
 * its round trips would measure that queue too (under a flood, the JDK's scheduler can leave an external wake-up waiting for
 * hundreds of ms: bench/RESULTS.md, "The scheduler's share of an arrival burst"). Every answer must be the path asked for
 * (the tests' handlers echo it). Keeps what went wrong and the slowest round trip, for the test to assert on.
 */
final class ControlClients {

    private static final long KEEP_ALIVE_PAUSE_NANOS = Duration.ofMillis(20).toNanos();
    private static final long NEW_CONNECTION_PAUSE_NANOS = Duration.ofMillis(50).toNanos();

    private final int port;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong worstNanos = new AtomicLong();
    private final List<Thread> threads;

    private ControlClients(int port) {
        this.port = port;
        this.threads = List.of(Thread.ofPlatform().daemon().name("control-keep-alive").start(this::keepAlive),
                Thread.ofPlatform().daemon().name("control-new-connections").start(this::newConnections));
    }

    /** Starts both controls against the listener on {@code port}. */
    static ControlClients start(int port) {
        return new ControlClients(port);
    }

    /** Ends both controls after their request in progress, and waits for them. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** What went wrong, one line per failed request or connection. */
    ConcurrentLinkedQueue<String> errors() {
        return errors;
    }

    /** The slowest round trip either control saw (a new connection's includes its connect). */
    long worstNanos() {
        return worstNanos.get();
    }

    private void keepAlive() {
        try (RawClient client = new RawClient(port)) {
            for (int i = 0; running.get(); i++) {
                long start = System.nanoTime();
                String text = client.send("GET /keep-alive/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().text();
                record(start);
                if (!text.equals("/keep-alive/" + i)) {
                    errors.add("keep-alive: " + text);
                }
                LockSupport.parkNanos(KEEP_ALIVE_PAUSE_NANOS);
            }
        } catch (IOException e) {
            errors.add("keep-alive: " + e);
        }
    }

    private void newConnections() {
        for (int i = 0; running.get(); i++) {
            long start = System.nanoTime();
            try (RawClient client = new RawClient(port)) {
                String text = client.send("GET /new/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read().text();
                record(start);
                if (!text.equals("/new/" + i)) {
                    errors.add("new connection: " + text);
                }
            } catch (IOException e) {
                errors.add("new connection " + i + ": " + e);
            }
            LockSupport.parkNanos(NEW_CONNECTION_PAUSE_NANOS);
        }
    }

    private void record(long startNanos) {
        worstNanos.accumulateAndGet(System.nanoTime() - startNanos, Math::max);
    }
}
