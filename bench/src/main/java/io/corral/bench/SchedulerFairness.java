package io.corral.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long a woken virtual thread waits while platform threads keep the scheduler busy with a burst of new ones —
 * the JDK alone, no Corral: what {@code AcceptPacing} can and cannot change (issue 18, bench/RESULTS.md).
 *
 * <p>Two "acceptor" platform threads start 3,000 virtual threads, 2 ms of CPU each (the arrival burst of
 * {@code ArrivalBurstFairnessTest}); meanwhile a third platform thread starts one tiny virtual thread every 5 ms
 * and times how long it takes to run, as the poller's wake-up of an established client would. Three ways of
 * starting the burst:
 * <ul>
 *   <li>{@code unpaced}: as fast as the acceptors go;</li>
 *   <li>{@code paced}: as Corral's acceptors do — a marker thread after every {@code batch} (8), and when the
 *       marker before has not run yet, a wait (1 s at most) until this one has;</li>
 *   <li>{@code strict}: a wait for every batch's marker.</li>
 * </ul>
 * Printed per round: how long the burst took and the slowest wake-up, in ms and as a share of the burst.
 *
 * <p>Arguments: {@code rounds=N} (default 5), {@code burst=N} (default 3000), {@code acceptors=N} (default 2),
 * {@code batch=N} (default 8, as Corral's acceptors).
 */
public final class SchedulerFairness {

    private static final long CPU_PER_THREAD_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long PROBE_INTERVAL_MILLIS = 5;

    private enum Pacing { UNPACED, PACED, STRICT }

    private SchedulerFairness() {
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = 5;
        int burst = 3_000;
        int acceptors = 2;
        int batch = 8;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            switch (kv[0]) {
                case "rounds" -> rounds = Integer.parseInt(kv[1]);
                case "burst" -> burst = Integer.parseInt(kv[1]);
                case "acceptors" -> acceptors = Integer.parseInt(kv[1]);
                case "batch" -> batch = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown argument " + arg
                        + " (rounds=N, burst=N, acceptors=N, batch=N)");
            }
        }
        System.out.printf("%s, %d cores; %d threads of 2 ms from %d acceptors, a marker every %d, a wake-up timed every"
                + " %d ms%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), burst, acceptors, batch,
                PROBE_INTERVAL_MILLIS);
        runRound(Pacing.PACED, burst, acceptors, batch); // warm-up, not printed
        for (int round = 1; round <= rounds; round++) {
            for (Pacing pacing : Pacing.values()) {
                Result result = runRound(pacing, burst, acceptors, batch);
                System.out.printf("round %d %-8s burst %5d ms, slowest wake-up %5d ms (%3d%% of the burst)%n", round,
                        pacing.name().toLowerCase(), result.burstMillis, result.worstWakeMillis,
                        100 * result.worstWakeMillis / Math.max(1, result.burstMillis));
            }
        }
    }

    private record Result(long burstMillis, long worstWakeMillis) {
    }

    private static Result runRound(Pacing pacing, int burst, int acceptors, int batch) throws InterruptedException {
        AtomicInteger served = new AtomicInteger();
        AtomicLong worstWake = new AtomicLong();
        long start = System.nanoTime();
        Thread probe = Thread.ofPlatform().name("wake-probe").start(() -> {
            while (served.get() < burst) {
                long submitted = System.nanoTime();
                CountDownLatch ran = new CountDownLatch(1);
                Thread.ofVirtual().start(ran::countDown);
                try {
                    ran.await();
                    worstWake.accumulateAndGet(System.nanoTime() - submitted, Math::max);
                    Thread.sleep(PROBE_INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        List<Thread> acceptorThreads = new ArrayList<>();
        for (int a = 0; a < acceptors; a++) {
            int share = burst / acceptors + (a < burst % acceptors ? 1 : 0);
            acceptorThreads.add(Thread.ofPlatform().name("acceptor-" + a)
                    .start(() -> startBurst(share, pacing, batch, served)));
        }
        for (Thread acceptor : acceptorThreads) {
            acceptor.join();
        }
        probe.join();
        return new Result(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                TimeUnit.NANOSECONDS.toMillis(worstWake.get()));
    }

    private static void startBurst(int count, Pacing pacing, int batch, AtomicInteger served) {
        CountDownLatch lastMarker = null;
        for (int i = 1; i <= count; i++) {
            Thread.ofVirtual().start(() -> {
                long until = System.nanoTime() + CPU_PER_THREAD_NANOS;
                while (System.nanoTime() - until < 0) {
                    Thread.onSpinWait();
                }
                served.incrementAndGet();
            });
            if (pacing == Pacing.UNPACED || i % batch != 0) {
                continue;
            }
            CountDownLatch marker = new CountDownLatch(1);
            Thread.ofVirtual().start(marker::countDown);
            boolean wait = pacing == Pacing.STRICT || (lastMarker != null && lastMarker.getCount() > 0);
            lastMarker = marker;
            if (wait) {
                try {
                    marker.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
