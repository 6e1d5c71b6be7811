package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.TlsTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.logging.JettyLevel;
import org.eclipse.jetty.logging.JettyLogger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Failed TLS handshakes on Corral's connector (raw sockets; only Corral is concerned): a flood of them — plain HTTP
 * on the TLS port, random bytes, clients that do not trust the certificate, clients that connect and say nothing
 * until the handshake timeout — is counted one by one, logs nothing at the default levels (any client can fail a
 * handshake at will), never stops the listener, and never disturbs a live connection that keeps working all along.
 * An operator who wants the lines turns up {@code io.corral.connector.transport.TlsTransport} to DEBUG: one line
 * per failure, naming the client.
 */
class TlsHandshakeFloodTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int PER_KIND = 40;

    @Test
    @DisplayName("a flood of failed handshakes is counted, logs no warning, and hurts neither the listener nor a live connection")
    void aFloodOfFailedHandshakes() throws Exception {
        try (LogCapture log = LogCapture.start();
             ServletServer server = ServletServer.on(ConnectorKind.CORRAL).tls(TestTls.serverFactory())
                     .connector(connector -> ((CorralConnector) connector).setTlsHandshakeTimeout(3000))
                     .servlet("/info", new TlsDifferentialTest.TlsInfoServlet()).start();
             SSLSocket live = tlsSocket(server.port())) {
            CorralConnector connector = (CorralConnector) server.connector();
            assertEquals(200, exchange(live));

            ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<?>> flood = new ArrayList<>();
            for (int i = 0; i < PER_KIND; i++) {
                int seed = i;
                flood.add(clients.submit(() -> plainHttp(server.port())));
                flood.add(clients.submit(() -> randomBytes(server.port(), seed)));
                flood.add(clients.submit(() -> untrusting(server.port())));
                flood.add(clients.submit(() -> silent(server.port())));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(200, exchange(live), "the live connection works during the flood");
            }
            for (Future<?> client : flood) {
                client.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            clients.shutdown();

            Await.until("every failed handshake counted", TIMEOUT,
                    () -> connector.getTlsHandshakeFailures() == 4L * PER_KIND);
            assertEquals(200, exchange(live), "the live connection works after the flood");
            try (SSLSocket fresh = tlsSocket(server.port())) {
                assertEquals(200, exchange(fresh), "the listener still accepts");
            }
            assertEquals(4L * PER_KIND, connector.getTlsHandshakeFailures());
            assertEquals(List.of(), log.warnings(), "a client's failed handshake is no operator's warning");
        }
    }

    @Test
    @DisplayName("turned up to DEBUG, TlsTransport's logger says which client failed its handshake, one line each")
    void theLoggerAnOperatorTurnsUp() throws Exception {
        JettyLogger logger = (JettyLogger) LoggerFactory.getLogger(TlsTransport.class);
        JettyLevel before = logger.getLevel();
        logger.setLevel(JettyLevel.DEBUG);
        try (LogCapture log = LogCapture.start();
             ServletServer server = ServletServer.on(ConnectorKind.CORRAL).tls(TestTls.serverFactory()).start()) {
            int clientPort = plainHttp(server.port());
            Await.until("the failure logged", TIMEOUT, () -> debugLines(log).size() == 1);
            String line = debugLines(log).get(0);
            assertTrue(line.contains("TLS handshake with /127.0.0.1:" + clientPort + " failed"), line);
        } finally {
            logger.setLevel(before);
        }
    }

    private static List<String> debugLines(LogCapture log) {
        return log.lines().stream().filter(line -> line.contains(":DEBUG:") && line.contains("TLS handshake")).toList();
    }

    /** An HTTP request on the TLS port; returns the client's port. */
    private static int plainHttp(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            drain(socket);
            return socket.getLocalPort();
        }
    }

    private static Void randomBytes(int port, int seed) throws IOException {
        byte[] garbage = new byte[2048];
        new Random(seed).nextBytes(garbage);
        garbage[0] = 0x16; // a handshake record's type: the engine reads on into the garbage
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(garbage);
            drain(socket);
        }
        return null;
    }

    private static Void untrusting(int port) {
        try (SSLSocket socket = (SSLSocket) TestTls.untrustingClientContext().getSocketFactory()
                .createSocket("localhost", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.startHandshake();
            throw new AssertionError("a client that trusts nothing completed a handshake");
        } catch (IOException expected) {
            return null;
        }
    }

    /** Connects and says nothing: the handshake timeout (3 s here: a cold first handshake on a loaded machine must fit) closes it. */
    private static Void silent(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            drain(socket);
        }
        return null;
    }

    /** Reads until the server closes (or resets) the connection. */
    private static void drain(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read(new byte[512]) >= 0) {
                // whatever the server sends before closing: an alert, or nothing
            }
        } catch (IOException reset) {
            // A reset ends it as well.
        }
    }

    private static SSLSocket tlsSocket(int port) throws IOException {
        return TlsInfoRequest.connect(TestTls.clientContext(false), port, TIMEOUT);
    }

    /** One GET /info on a kept-alive connection; the status code, with the body read. */
    private static int exchange(SSLSocket socket) throws IOException {
        return Integer.parseInt(TlsInfoRequest.statusLine(socket, "localhost").substring(9, 12));
    }
}
