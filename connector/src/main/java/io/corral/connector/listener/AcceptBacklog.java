package io.corral.connector.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The default length of a listener's accept queue: as deep as the kernel allows ({@code net.core.somaxconn}, 4096 on
 * current Linux), read once per process, as Go's {@code net} package and Netty do; never less than {@value #FALLBACK},
 * the default before (the kernel caps what it is asked for at its ceiling, so asking more than it allows is
 * harmless), and {@value #FALLBACK} where the ceiling cannot be read (not Linux).
 *
 * <p>Why as deep as allowed: at its connection limit under a reconnecting flood a listener admits new clients only
 * as fast as it can close idle ones, and every attacker closed comes back. Whatever does not fit in the accept queue
 * meanwhile is dropped by the kernel — a control client's SYN among them, which then waits for its retransmission
 * (1 s, then 3 s). A deeper queue turns those drops into waits in line, which the acceptors drain at their accept
 * rate. The cost is kernel memory for connections that wait there, bounded by the same ceiling. Jetty's
 * {@code ServerConnector} asks for the JDK's 50, which it can afford: it has no connection limit, so its queue stays
 * short as long as it keeps up.
 */
final class AcceptBacklog {

    static final int FALLBACK = 1024;
    private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

    private AcceptBacklog() {
    }

    /** The default for this process; see the class comment. */
    static int defaultBacklog() {
        // A line, not readString: on some kernels a /proc file reports a size its content does not have, and a read
        // sized by it stops after the first byte ("4" for 4096).
        try (BufferedReader reader = Files.newBufferedReader(SOMAXCONN)) {
            String line = reader.readLine();
            return line == null ? FALLBACK : parse(line);
        } catch (IOException | RuntimeException unreadable) {
            return FALLBACK;
        }
    }

    /** The default for the kernel's ceiling as {@code /proc} gives it: {@link #FALLBACK} for anything unusable. */
    static int parse(String somaxconn) {
        try {
            return Math.max(FALLBACK, Integer.parseInt(somaxconn.trim()));
        } catch (NumberFormatException notANumber) {
            return FALLBACK;
        }
    }
}
