package io.corral.connector.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The heap a server keeps per idle connection, after a full GC, with its clients in a JVM of their own so that the
 * heap measured in the test's JVM is the server's alone. The clients' main class opens its connections, prints
 * {@code ready} and keeps them open until its standard input ends; the test says when the server has settled into
 * the state to measure (every connection accepted, hibernating…). Shared by the connector's and the container
 * adapter's hibernation tests (this package is the connector's test-jar).
 */
public final class IdleConnectionHeap {

    /** Waits, in the test's JVM, until the server is in the state to measure; fails the test if it never is. */
    @FunctionalInterface
    public interface Settled {
        void await() throws Exception;
    }

    private IdleConnectionHeap() {
    }

    /**
     * Heap per connection of the {@code count} connections that {@code clients} (a main class on this test's class
     * path, given {@code arguments}) opens and holds, once {@code settled}; the client JVM is given {@code wait} to
     * end after its input closes.
     */
    public static long perConnection(Class<?> clients, List<String> arguments, int count, Settled settled,
            Duration wait) throws Exception {
        long before = usedHeapAfterGc();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), clients.getName()));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            assertEquals("ready", out.readLine(), "the client JVM opened its connections");
            settled.await();
            long after = usedHeapAfterGc();
            return (after - before) / count;
        } finally {
            process.getOutputStream().close();
            if (!process.waitFor(wait.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The heap in use after a full GC: the least of three, so that a collection still under way counts less. */
    public static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
