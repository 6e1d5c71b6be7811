package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS on both connectors, configured the same way (an {@link SslConnectionFactory} with Jetty's
 * {@code SslContextFactory.Server} in front of HTTP/1.1), the same servlet, the same JDK clients: what the servlet
 * sees of TLS ({@code isSecure()}, scheme, URL, client certificate, cipher suite), keep-alive, Jetty's SNI host
 * check, and a failed handshake that leaves other connections alone.
 */
class TlsDifferentialTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Answers what the servlet sees of the connection, one field per line. */
    static final class TlsInfoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            X509Certificate[] certificates =
                    (X509Certificate[]) request.getAttribute("jakarta.servlet.request.X509Certificate");
            response.setContentType("text/plain");
            response.getWriter().print("secure=" + request.isSecure()
                    + "\nscheme=" + request.getScheme()
                    + "\nurl=" + request.getRequestURL()
                    + "\nserver=" + request.getServerName() + ":" + request.getServerPort()
                    + "\ncipherSuite=" + (request.getAttribute("jakarta.servlet.request.cipher_suite") != null)
                    + "\nsessionId=" + (request.getAttribute("jakarta.servlet.request.ssl_session_id") != null)
                    + "\nclientCertificate=" + (certificates == null ? "none"
                            : certificates[0].getSubjectX500Principal().getName())
                    + "\n");
        }
    }

    /** Answers the client's port: the same port on every request means one connection carried them. */
    static final class RemotePortServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print(request.getRemotePort());
        }
    }

    private static ServletServer start(ConnectorKind kind, org.eclipse.jetty.util.ssl.SslContextFactory.Server ssl)
            throws Exception {
        return ServletServer.on(kind).tls(ssl)
                .servlet("/info", new TlsInfoServlet())
                .servlet("/port", new RemotePortServlet())
                .start();
    }

    private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void theServletSeesASecureHttpsRequest(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, TestTls.serverFactory())) {
            HttpResponse<String> response = get(TestTls.httpClient(TestTls.clientContext(false)),
                    URI.create("https://localhost:" + server.port() + "/info?q=1"));
            assertEquals(200, response.statusCode());
            assertEquals("secure=true\nscheme=https\nurl=https://localhost:" + server.port() + "/info"
                    + "\nserver=localhost:" + server.port()
                    + "\ncipherSuite=true\nsessionId=true\nclientCertificate=none\n", response.body());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aClientCertificateReachesTheServletWhenAskedFor(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, TestTls.serverFactoryWantingClientCertificates())) {
            URI info = URI.create("https://localhost:" + server.port() + "/info");
            HttpResponse<String> withCertificate = get(TestTls.httpClient(TestTls.clientContext(true)), info);
            assertTrue(withCertificate.body().contains("\nclientCertificate=CN=localhost\n"), withCertificate.body());
            HttpResponse<String> without = get(TestTls.httpClient(TestTls.clientContext(false)), info);
            assertTrue(without.body().contains("\nclientCertificate=none\n"), without.body());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void keepAliveCarriesSeveralRequestsOverOneTlsConnection(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, TestTls.serverFactory())) {
            HttpClient client = TestTls.httpClient(TestTls.clientContext(false));
            URI port = URI.create("https://localhost:" + server.port() + "/port");
            Set<String> clientPorts = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = get(client, port);
                assertEquals(200, response.statusCode());
                clientPorts.add(response.body());
            }
            assertEquals(1, clientPorts.size(), "one connection: " + clientPorts);
        }
    }

    /** Jetty's SecureRequestCustomizer refuses a Host the certificate does not name (its SNI host check). */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void theSniHostCheckRefusesAHostTheCertificateDoesNotName(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, TestTls.serverFactory());
             SSLSocket socket = tlsSocket(TestTls.clientContext(false), server.port())) {
            assertEquals("HTTP/1.1 200 OK", exchange(socket, "localhost"));
            assertEquals("HTTP/1.1 400 Bad Request", exchange(socket, "example.com"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aFailedHandshakeHurtsNoOtherConnection(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, TestTls.serverFactory());
             SSLSocket good = tlsSocket(TestTls.clientContext(false), server.port())) {
            assertEquals("HTTP/1.1 200 OK", exchange(good, "localhost"));

            // Plain HTTP on the TLS port: no HTTP answer, the connection ends.
            try (Socket plain = new Socket("127.0.0.1", server.port())) {
                plain.setSoTimeout((int) TIMEOUT.toMillis());
                plain.getOutputStream().write("GET /info HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] answer = plain.getInputStream().readAllBytes();
                assertTrue(!new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
            } catch (IOException reset) {
                // A reset is as good an ending as any.
            }
            // A client that does not trust the certificate.
            assertThrows(SSLException.class, () -> tlsSocket(TestTls.untrustingClientContext(), server.port()).close());

            assertEquals("HTTP/1.1 200 OK", exchange(good, "localhost"));
            if (server.connector() instanceof CorralConnector corral) {
                Await.until("two failed handshakes counted", TIMEOUT, () -> corral.getTlsHandshakeFailures() == 2);
                assertTrue(corral.getTlsHandshakes() >= 1);
            }
        }
    }

    /** {@code new CorralConnector(server, sslContextFactory)}, as {@code new ServerConnector(server, sslContextFactory)}. */
    @Test
    void theSslContextFactoryConstructorServesHttps() throws Exception {
        Server server = new Server();
        CorralConnector connector = new CorralConnector(server, TestTls.serverFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new TlsInfoServlet()), "/info");
        server.setHandler(context);
        server.start();
        try {
            HttpResponse<String> response = get(TestTls.httpClient(TestTls.clientContext(false)),
                    URI.create("https://localhost:" + connector.getLocalPort() + "/info"));
            assertTrue(response.body().startsWith("secure=true\nscheme=https\n"), response.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void anSslConnectionFactoryLeadingToAnotherProtocolIsRefused() {
        Server server = new Server();
        CorralConnector connector = new CorralConnector(server, new SslConnectionFactory(TestTls.serverFactory(), "h2"),
                new HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        try {
            Exception refused = assertThrows(Exception.class, server::start);
            assertTrue(String.valueOf(refused.getMessage()).contains("after TLS"), refused.toString());
        } finally {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing started
            }
        }
    }

    private static SSLSocket tlsSocket(SSLContext context, int port) throws IOException {
        return TlsInfoRequest.connect(context, port, TIMEOUT);
    }

    /** One GET /info with the given Host (port 443 written) on a kept-alive connection; the status line. */
    private static String exchange(SSLSocket socket, String host) throws IOException {
        return TlsInfoRequest.statusLine(socket, host + ":443");
    }
}
