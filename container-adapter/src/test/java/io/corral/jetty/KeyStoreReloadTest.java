package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.util.ssl.KeyStoreScanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A keystore reloaded while the connector runs, as operators do when a certificate is renewed: with
 * {@link SslContextFactory#reload} and with Jetty's {@link KeyStoreScanner} watching the file. New connections get
 * the new certificate at once; a live connection — kept alive, and on Corral hibernating between requests — goes
 * on with the session it has, without a new handshake. The listener is never restarted: same port, same connector.
 */
class KeyStoreReloadTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** The served keystore, a copy the test replaces, and the certificate each keystore holds. */
    private record KeyStores(Path live, Path first, Path second) {
        static KeyStores make() throws IOException {
            Path first = TestTls.newLocalhostKeyStore();
            Path second = TestTls.newLocalhostKeyStore();
            Path live = Files.createTempDirectory("corral-reload").resolve("server.p12");
            live.toFile().deleteOnExit();
            live.getParent().toFile().deleteOnExit();
            Files.copy(first, live);
            return new KeyStores(live, first, second);
        }

        /** Replaces the served file whole (a rename, as a renewal script should), never half-written. */
        void renew() throws IOException {
            Path next = live.resolveSibling("server.p12.new");
            Files.copy(second, next, StandardCopyOption.REPLACE_EXISTING);
            Files.move(next, live, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        SSLContext clientContext() {
            return TestTls.clientContextTrusting(first, second);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void reloadGivesNewConnectionsTheNewCertificateAndLeavesLiveOnesAlone(ConnectorKind kind) throws Exception {
        KeyStores stores = KeyStores.make();
        SslContextFactory.Server ssl = TestTls.serverFactory(stores.live());
        try (ServletServer server = start(kind, ssl);
             SSLSocket live = tlsSocket(stores.clientContext(), server.port())) {
            Certificate before = presented(live);
            assertEquals("HTTP/1.1 200 OK", exchange(live));

            stores.renew();
            ssl.reload(factory -> { });

            try (SSLSocket fresh = tlsSocket(stores.clientContext(), server.port())) {
                assertNotEquals(before, presented(fresh), "a new connection gets the renewed certificate");
                assertEquals("HTTP/1.1 200 OK", exchange(fresh));
            }
            assertEquals("HTTP/1.1 200 OK", exchange(live), "the live connection goes on");
            assertEquals(before, presented(live), "with the session it had");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void theKeyStoreScannerReloadsARenewedFile(ConnectorKind kind) throws Exception {
        KeyStores stores = KeyStores.make();
        SslContextFactory.Server ssl = TestTls.serverFactory(stores.live());
        KeyStoreScanner scanner = new KeyStoreScanner(ssl);
        scanner.setScanInterval(1);
        try (ServletServer server = ServletServer.on(kind).tls(ssl)
                .servlet("/info", new TlsDifferentialTest.TlsInfoServlet())
                .server(jetty -> jetty.addBean(scanner))
                .start();
             SSLSocket live = tlsSocket(stores.clientContext(), server.port())) {
            Certificate before = presented(live);
            assertEquals("HTTP/1.1 200 OK", exchange(live));

            stores.renew();
            // The scanner reports a file once it has seen it changed and then settled: a scan or two.
            Await.until("a new connection to get the renewed certificate", TIMEOUT, () -> {
                scanner.scan(TIMEOUT.toMillis());
                try (SSLSocket fresh = tlsSocket(stores.clientContext(), server.port())) {
                    return !before.equals(presented(fresh));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals("HTTP/1.1 200 OK", exchange(live), "the live connection goes on");
            assertEquals(before, presented(live));
        }
    }

    private static ServletServer start(ConnectorKind kind, SslContextFactory.Server ssl) throws Exception {
        return ServletServer.on(kind).tls(ssl).servlet("/info", new TlsDifferentialTest.TlsInfoServlet()).start();
    }

    private static Certificate presented(SSLSocket socket) throws IOException {
        return socket.getSession().getPeerCertificates()[0];
    }

    private static SSLSocket tlsSocket(SSLContext context, int port) throws IOException {
        return TlsInfoRequest.connect(context, port, TIMEOUT);
    }

    /** One GET /info on a kept-alive connection; the status line, with the body read. */
    private static String exchange(SSLSocket socket) throws IOException {
        return TlsInfoRequest.statusLine(socket, "localhost");
    }
}
