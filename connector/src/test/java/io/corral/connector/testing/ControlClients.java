package io.corral.connector.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The control clients of the flood tests (issue 18) while a flood runs: one keep-alive connection asking every
 * 20 ms, and a new connection every 50 ms, one request each. Every answer must be a 200 whose body is the path asked
 * for (the tests' handlers echo it). Keeps what went wrong and the slowest round trip, for the test to assert on.
 *
 * <p>On platform threads, as clients in a process of their own would be: a control on a virtual thread would queue
 * for the server's own scheduler to read its answers, and its round trips would measure that queue too (under a
 * flood, the JDK's scheduler can leave an external wake-up waiting for hundreds of ms: bench/RESULTS.md, "The
 * scheduler's share of an arrival burst").
 *
 * <p>Each module's tests bring their own raw HTTP/1.1 client through {@link Dialer}.
 */
public final class ControlClients {

    /** A response as a control sees it. */
    public record Answer(int status, String body) {
    }

    /** One connection of a control: GETs on it, one at a time. */
    public interface Connection extends AutoCloseable {

        /** Sends {@code GET path} (HTTP/1.1, keep-alive) and reads the whole response. */
        Answer get(String path) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Opens a new connection to the server under test. */
    @FunctionalInterface
    public interface Dialer {
        Connection dial() throws IOException;
    }

    private static final long KEEP_ALIVE_PAUSE_NANOS = Duration.ofMillis(20).toNanos();
    private static final long NEW_CONNECTION_PAUSE_NANOS = Duration.ofMillis(50).toNanos();

    private final Dialer dialer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong worstNanos = new AtomicLong();
    private final List<Thread> threads;

    private ControlClients(Dialer dialer) {
        this.dialer = dialer;
        this.threads = List.of(Thread.ofPlatform().daemon().name("control-keep-alive").start(this::keepAlive),
                Thread.ofPlatform().daemon().name("control-new-connections").start(this::newConnections));
    }

    /** Starts both controls, each connection opened by {@code dialer}. */
    public static ControlClients start(Dialer dialer) {
        return new ControlClients(dialer);
    }

    /** Ends both controls after their request in progress, and waits for them. */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** What went wrong, one line per failed request or connection. */
    public ConcurrentLinkedQueue<String> errors() {
        return errors;
    }

    /** The slowest round trip either control saw (a new connection's includes its connect). */
    public long worstNanos() {
        return worstNanos.get();
    }

    private void keepAlive() {
        try (Connection connection = dialer.dial()) {
            for (int i = 0; running.get(); i++) {
                ask(connection, "/keep-alive/" + i, "keep-alive");
                LockSupport.parkNanos(KEEP_ALIVE_PAUSE_NANOS);
            }
        } catch (IOException e) {
            errors.add("keep-alive: " + e);
        }
    }

    private void newConnections() {
        for (int i = 0; running.get(); i++) {
            long start = System.nanoTime();
            try (Connection connection = dialer.dial()) {
                ask(connection, start, "/new/" + i, "new connection");
            } catch (IOException e) {
                errors.add("new connection " + i + ": " + e);
            }
            LockSupport.parkNanos(NEW_CONNECTION_PAUSE_NANOS);
        }
    }

    private void ask(Connection connection, String path, String control) throws IOException {
        ask(connection, System.nanoTime(), path, control);
    }

    /** One GET, timed from {@code startNanos} (a new connection's from before its connect). */
    private void ask(Connection connection, long startNanos, String path, String control) throws IOException {
        Answer answer = connection.get(path);
        worstNanos.accumulateAndGet(System.nanoTime() - startNanos, Math::max);
        if (answer.status() != 200 || !answer.body().equals(path)) {
            errors.add(control + ": " + answer);
        }
    }
}
