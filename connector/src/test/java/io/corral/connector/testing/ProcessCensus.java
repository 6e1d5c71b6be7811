package io.corral.connector.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this process holds now, for leak checks: open file descriptors (entries of {@code /proc/self/fd}),
 * live platform threads, live virtual threads (from the JDK's JSON thread dump, which lists them while
 * {@code jdk.trackAllThreads} is on, the default), and the heap in use after full garbage collections.
 * The virtual-thread scheduler's carriers ({@code ForkJoinPool-…}) are left out of the platform threads:
 * the JDK grows and shrinks that pool on its own schedule.
 */
public record ProcessCensus(int descriptors, int platformThreads, int virtualThreads, long heapAfterGc) {

    private static final Path FDS = Path.of("/proc/self/fd");
    private static final Pattern THREAD_ENTRY = Pattern.compile("\"tid\":\\s*\"?\\d+");
    private static final Pattern VIRTUAL = Pattern.compile("\"virtual\":\\s*true");

    /** Whether descriptors can be counted here (Linux). */
    public static boolean available() {
        return Files.isDirectory(FDS);
    }

    public static ProcessCensus take() {
        int[] threads = threadCounts();
        return new ProcessCensus(openDescriptors().size(), livePlatformThreads().size(), threads[1], heapAfterFullGc());
    }

    /** Open descriptors with what each points at, to say what is left when a check fails. */
    public static List<String> openDescriptors() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return fds.map(ProcessCensus::target).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> livePlatformThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> !name.startsWith("ForkJoinPool"))
                .sorted()
                .toList();
    }

    /** [all threads, virtual threads] in a JSON thread dump (the only JDK view that lists virtual threads). */
    private static int[] threadCounts() {
        try {
            Path dump = Files.createTempFile("corral-census", ".json");
            Files.delete(dump); // dumpThreads refuses to overwrite
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                String json = Files.readString(dump);
                return new int[] {count(THREAD_ENTRY.matcher(json)), count(VIRTUAL.matcher(json))};
            } finally {
                Files.deleteIfExists(dump);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(Matcher matcher) {
        int n = 0;
        while (matcher.find()) {
            n++;
        }
        return n;
    }

    /**
     * Heap in use after full collections: collects until a collection frees less than 1 MiB (at most
     * five times), so that what is left is what is reachable.
     */
    public static long heapAfterFullGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = memory.getHeapMemoryUsage().getUsed();
            boolean settled = used - now < 1024 * 1024;
            used = Math.min(used, now);
            if (settled) {
                break;
            }
        }
        return used;
    }

    private static String target(Path fd) {
        try {
            return fd.getFileName() + "->" + Files.readSymbolicLink(fd);
        } catch (IOException e) {
            return fd.getFileName() + "->?"; // closed between listing and reading
        }
    }
}
