package io.corral.connector.listener;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.testing.ProcessCensus;
import java.io.IOException;
import java.time.Duration;

/**
 * Counts what a listener must give back when it stops: open file descriptors (Linux: entries of
 * {@code /proc/self/fd}) and platform threads. The virtual-thread scheduler's carrier threads are left out:
 * the JDK grows and shrinks that pool on its own schedule. Virtual connection threads do not show up in
 * any JVM-wide count; tests check those through {@link ProtocolProbe}.
 *
 * @param fileDescriptors open descriptors of this process
 * @param platformThreads live platform threads other than carriers
 */
public record ResourceCensus(int fileDescriptors, int platformThreads) {

    private static boolean warmedUp;

    /** Skips the calling test where descriptors cannot be counted (not Linux). */
    public static synchronized ResourceCensus take() throws IOException {
        assumeTrue(ProcessCensus.available(), "needs /proc/self/fd to count file descriptors");
        if (!warmedUp) {
            warmUpTheJdk();
            warmedUp = true;
        }
        return new ResourceCensus(ProcessCensus.openDescriptors().size(), ProcessCensus.livePlatformThreads().size());
    }

    /**
     * The first listener in a JVM makes the JDK open what it then keeps for good (the virtual-thread
     * poller's descriptors and threads, the scheduler): open them first, so the census counts the
     * listener's resources, not the JDK's.
     */
    private static void warmUpTheJdk() throws IOException {
        try (Listener listener = new Listener(TestClient.loopbackConfig("warm-up"), ProtocolProbe.echo())) {
            listener.start();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("warm");
            }
        }
    }

    /** Waits until both counts are back to (or below) {@code baseline}, describing what is left otherwise. */
    public static void awaitBackTo(ResourceCensus baseline, Duration timeout) {
        Await.until(timeout,
                () -> ProcessCensus.openDescriptors().size() <= baseline.fileDescriptors()
                        && ProcessCensus.livePlatformThreads().size() <= baseline.platformThreads(),
                () -> "resources are back to " + baseline + "; now open: " + ProcessCensus.openDescriptors()
                        + ", platform threads: " + ProcessCensus.livePlatformThreads());
    }
}
