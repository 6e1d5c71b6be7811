package io.corral.connector.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Linux's {@code net.ipv4.tcp_migrate_req} (5.14+): whether the kernel moves the connections queued on a closing
 * {@code SO_REUSEPORT} socket to another one of the group instead of resetting them. The restart tests set it where
 * they can (root, a writable /proc/sys), put the old value back, and skip, saying why, elsewhere.
 */
public final class MigrateReqSysctl {

    private static final Path MIGRATE_REQ = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");

    private MigrateReqSysctl() {
    }

    /** Its value as the file has it (with its newline), or null where it does not exist or cannot be read. */
    public static String read() {
        try {
            return Files.exists(MIGRATE_REQ) ? Files.readString(MIGRATE_REQ) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Sets it; whether it now reads {@code value}. */
    public static boolean write(String value) {
        try {
            Files.writeString(MIGRATE_REQ, value);
            return read().strip().equals(value);
        } catch (IOException e) {
            return false;
        }
    }
}
