package io.corral.connector.listener;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

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

    private static final Path FDS = Path.of("/proc/self/fd");

    private static boolean warmedUp;

    /** Skips the calling test where descriptors cannot be counted (not Linux). */
    public static synchronized ResourceCensus take() throws IOException {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd to count file descriptors");
        if (!warmedUp) {
            warmUpTheJdk();
            warmedUp = true;
        }
        return new ResourceCensus(descriptors().size(), platformThreadNames().size());
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
                () -> descriptors().size() <= baseline.fileDescriptors()
                        && platformThreadNames().size() <= baseline.platformThreads(),
                () -> "resources are back to " + baseline + "; now open: " + descriptors()
                        + ", platform threads: " + platformThreadNames());
    }

    private static List<String> descriptors() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.map(ResourceCensus::target).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String target(Path fd) {
        try {
            return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
        } catch (IOException e) {
            return fd.getFileName() + "->?"; // closed between listing and reading: still counted once
        }
    }

    private static List<String> platformThreadNames() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool"))
                .sorted()
                .toList();
    }
}
