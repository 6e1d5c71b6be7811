package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.testing.ClientLoad;
import io.corral.connector.testing.ClientLoad.Outcome;
import io.corral.connector.testing.MigrateReqSysctl;
import io.corral.connector.transport.SocketOptions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restart on one box as users run it: a servlet on a server whose connector has {@code reusePort}, a second
 * server with the same servlet binds the same port, the first stops gracefully ({@code Server.stop()} with a stop
 * timeout), and a bounded load of {@code Connection: close} requests runs through it all, counting every request
 * that fails (refused, reset, no answer). With {@code net.ipv4.tcp_migrate_req=1} neither connector may lose one;
 * without it, what each loses is logged side by side (the kernel resets what is queued on a closing socket).
 * Sets the sysctl only where it can and puts the old value back; skips, saying why, elsewhere.
 */
class RestartOnOneBoxTest {

    private static final Logger LOG = LoggerFactory.getLogger(RestartOnOneBoxTest.class);
    private static final int CLIENTS = 4;
    private static final int MAX_REQUESTS_PER_CLIENT = 20_000;
    private static final Duration MAX_RUN = Duration.ofSeconds(90);

    static final class HelloServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("hello");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void noRequestFailsThroughARestartWithRequestMigration(ConnectorKind kind) throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        String original = MigrateReqSysctl.read();
        assumeTrue(original != null, "net.ipv4.tcp_migrate_req does not exist here (Linux before 5.14, or not Linux)");
        assumeTrue(MigrateReqSysctl.write("1"),
                "net.ipv4.tcp_migrate_req cannot be set here (not root, or /proc/sys read-only)");
        try {
            Outcome outcome = restartUnderLoad(kind);
            LOG.info("{} restart with tcp_migrate_req=1: {} served, {} failed", kind, outcome.served(), outcome.failed());
            // Corral's promise; ServerConnector is measured beside it, not held to it (one of its requests timed
            // out during its stop in a CI run).
            if (kind == ConnectorKind.CORRAL) {
                assertEquals(0, outcome.failed(), () -> "first failure: " + outcome.firstFailure());
            }
        } finally {
            MigrateReqSysctl.write(original.strip());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aRestartWithoutRequestMigrationIsMeasured(ConnectorKind kind) throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        String original = MigrateReqSysctl.read();
        boolean off = original == null || original.strip().equals("0") || MigrateReqSysctl.write("0");
        assumeTrue(off, "net.ipv4.tcp_migrate_req is on and cannot be turned off here");
        try {
            Outcome outcome = restartUnderLoad(kind);
            // Logged, not asserted: the kernel resets what it holds for a closing socket (README, "Restart on one box").
            LOG.info("{} restart with tcp_migrate_req=0: {} served, {} failed (first: {})", kind, outcome.served(),
                    outcome.failed(), outcome.firstFailure());
            assertTrue(outcome.served() > 0);
        } finally {
            if (original != null) {
                MigrateReqSysctl.write(original.strip());
            }
        }
    }

    private static void reusePort(AbstractNetworkConnector connector) {
        switch (connector) {
            case CorralConnector corral -> corral.setReusePort(true);
            case ServerConnector jetty -> jetty.setReusePort(true);
            default -> throw new IllegalArgumentException(connector.toString());
        }
    }

    private static Outcome restartUnderLoad(ConnectorKind kind) throws Exception {
        ServletServer old = ServletServer.on(kind).servlet("/hello", new HelloServlet())
                .connector(RestartOnOneBoxTest::reusePort)
                .server(server -> server.setStopTimeout(10_000))
                .start();
        ServletServer fresh = null;
        int port = old.port();
        ClientLoad load = ClientLoad.start("restart-client", CLIENTS, MAX_REQUESTS_PER_CLIENT, MAX_RUN, () -> {
            try (RawConnection client = new RawConnection(port)) {
                client.send("GET /hello HTTP/1.1\r\nHost: restart.test\r\nConnection: close\r\n\r\n");
                RawResponse response = client.read();
                if (response.status() != 200 || !response.text().equals("hello")) {
                    throw new AssertionError(response.toString());
                }
            }
        });
        try {
            Await.until("the load runs on the old server", Duration.ofSeconds(60), () -> load.served() >= 300);
            fresh = ServletServer.on(kind).servlet("/hello", new HelloServlet())
                    .connector(connector -> {
                        reusePort(connector);
                        connector.setPort(port);
                    })
                    .start();
            int before = load.served();
            old.close(); // Server.stop(): a graceful shutdown within the stop timeout
            Await.until("the load runs on the new server", Duration.ofSeconds(60), () -> load.served() >= before + 300);
        } finally {
            load.stop();
            if (old.server().isRunning()) {
                old.close();
            }
            if (fresh != null) {
                fresh.close();
            }
        }
        return load.outcome();
    }
}
