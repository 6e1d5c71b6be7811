package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.testing.ClientLoad;
import io.corral.connector.testing.ClientLoad.Outcome;
import io.corral.connector.testing.MigrateReqSysctl;
import io.corral.connector.transport.SocketOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restart on one box without a refused connection: the old listener serves a port with SO_REUSEPORT, a new one
 * binds the same port beside it, the old one drains ({@link Listener#stop(Duration)}), and a bounded load of
 * short connections runs through the whole hand-over, counting every connection that fails (refused, reset, cut).
 *
 * <p>Linux resets the connections still waiting in a closed listening socket's accept queue — unless
 * {@code net.ipv4.tcp_migrate_req} (Linux 5.14+) is 1, which moves them to another socket of the same
 * SO_REUSEPORT group. With it the target is met: 0 failures, asserted. Without it the drain closes its sockets
 * only once their accept queues are empty ({@link Listener}), which narrows the loss to connections that arrive
 * in the instant of the close; that figure is logged, not asserted. The sysctl belongs to the network namespace:
 * the test sets it only when it can (root, a writable {@code /proc/sys}), and puts the old value back.
 */
class RestartHandoverTest {

    private static final Logger LOG = LoggerFactory.getLogger(RestartHandoverTest.class);
    private static final int CLIENTS = 4;
    /** Bounds the load: connections per client at most, and the whole run at most. */
    private static final int MAX_CONNECTIONS_PER_CLIENT = 20_000;
    private static final Duration MAX_RUN = Duration.ofSeconds(60);

    @Test
    void noConnectionFailsThroughARestartWithRequestMigration() throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        String original = MigrateReqSysctl.read();
        assumeTrue(original != null, "net.ipv4.tcp_migrate_req does not exist here (Linux before 5.14, or not Linux)");
        assumeTrue(MigrateReqSysctl.write("1"),
                "net.ipv4.tcp_migrate_req cannot be set here (not root, or /proc/sys read-only)");
        try {
            Outcome outcome = restartUnderLoad("migrate");
            LOG.info("restart with tcp_migrate_req=1: {} served, {} failed", outcome.served(), outcome.failed());
            assertEquals(0, outcome.failed(), () -> "first failure: " + outcome.firstFailure());
        } finally {
            MigrateReqSysctl.write(original.strip());
        }
    }

    @Test
    void aRestartWithoutRequestMigrationIsMeasured() throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        String original = MigrateReqSysctl.read();
        boolean off = original == null || original.strip().equals("0") || MigrateReqSysctl.write("0");
        assumeTrue(off, "net.ipv4.tcp_migrate_req is on and cannot be turned off here");
        try {
            Outcome outcome = restartUnderLoad("no-migrate");
            // Not asserted: what the kernel resets in the instant of the close is not the listener's to decide.
            LOG.info("restart with tcp_migrate_req=0: {} served, {} failed (first: {})", outcome.served(),
                    outcome.failed(), outcome.firstFailure());
            assertTrue(outcome.served() > 0);
        } finally {
            if (original != null) {
                MigrateReqSysctl.write(original.strip());
            }
        }
    }

    private static Outcome restartUnderLoad(String name) throws Exception {
        ListenerConfig config = TestClient.loopbackConfig(name + "-old")
                .withSocketOptions(SocketOptions.DEFAULTS.withReusePort(true));
        Listener old = new Listener(config, ProtocolProbe.echo());
        Listener fresh = null;
        old.start();
        int port = old.localPort();
        ClientLoad load = ClientLoad.start(name + "-client", CLIENTS, MAX_CONNECTIONS_PER_CLIENT, MAX_RUN, () -> {
            try (TestClient client = TestClient.connect(port)) {
                client.assertEchoes("x");
            }
        });
        try {
            Await.until(Duration.ofSeconds(30), () -> load.served() >= 500, "the load runs on the old listener");
            fresh = new Listener(config.withName(name + "-new").withPort(port), ProtocolProbe.echo());
            fresh.start();
            int before = load.served();
            old.stop(Duration.ofSeconds(10));
            Await.until(Duration.ofSeconds(30), () -> load.served() >= before + 500, "the load runs on the new listener");
        } finally {
            load.stop();
            old.stop();
            if (fresh != null) {
                fresh.stop();
            }
        }
        return load.outcome();
    }
}
