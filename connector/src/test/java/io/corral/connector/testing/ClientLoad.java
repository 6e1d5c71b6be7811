package io.corral.connector.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load for the restart tests: platform threads that each make one call after another until stopped,
 * their budget of calls is spent or the run's deadline passes, counting the calls served and the calls that failed
 * (an {@link IOException} or an {@link AssertionError}: refused, reset, cut, a wrong answer), the first failure kept
 * to say why.
 */
public final class ClientLoad {

    /** What the load saw: calls served and calls that failed, with the first failure ("none" without one). */
    public record Outcome(int served, int failed, String firstFailure) {}

    /** One call, a connection or a request: returns when served, throws when not. */
    @FunctionalInterface
    public interface Call {
        void call() throws IOException;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> clients = new ArrayList<>();

    private ClientLoad() {
    }

    /** Starts {@code clients} threads named {@code name-N}, each making at most {@code callsPerClient} calls. */
    public static ClientLoad start(String name, int clients, int callsPerClient, Duration maxRun, Call call) {
        ClientLoad load = new ClientLoad();
        long deadline = System.nanoTime() + maxRun.toNanos();
        for (int c = 0; c < clients; c++) {
            load.clients.add(Thread.ofPlatform().name(name + "-" + c).start(() -> {
                for (int i = 0; i < callsPerClient && load.running.get() && System.nanoTime() - deadline < 0; i++) {
                    try {
                        call.call();
                        load.served.incrementAndGet();
                    } catch (IOException | AssertionError e) {
                        load.failed.incrementAndGet();
                        load.failures.add(e.toString());
                    }
                }
            }));
        }
        return load;
    }

    /** Calls served so far. */
    public int served() {
        return served.get();
    }

    /** Stops the clients after their current call and waits for them (30 s each at most). */
    public void stop() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30));
        }
    }

    /** What the load saw until now. */
    public Outcome outcome() {
        return new Outcome(served.get(), failed.get(), failures.isEmpty() ? "none" : failures.get(0));
    }
}
