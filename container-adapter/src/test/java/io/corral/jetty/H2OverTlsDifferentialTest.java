package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.Http2DifferentialTest.Observed;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * h2 over TLS, chosen by ALPN, on {@code ServerConnector} and on {@code CorralConnector}, both configured as Jetty's
 * documentation sets up HTTPS with HTTP/2 ({@link ConnectorKind#createTlsH2}: SslConnectionFactory → "alpn",
 * ALPNServerConnectionFactory("h2", "http/1.1"), HTTP2ServerConnectionFactory, HttpConnectionFactory): the same
 * servlets asked the same by Jetty's {@code HTTP2Client} and by the JDK's {@code HttpClient}, both negotiating h2 by
 * ALPN, must give the same status, headers (Date aside), body and trailers; and the same raw TLS clients must be given
 * the same ALPN protocol (h2, http/1.1, none, or a refused handshake).
 */
class H2OverTlsDifferentialTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ServletServer jetty;
    private static ServletServer corral;
    private static org.eclipse.jetty.client.HttpClient jettyClient;
    private static HttpClient jdkClient;

    @BeforeAll
    static void start() throws Exception {
        jetty = server(ConnectorKind.JETTY);
        corral = server(ConnectorKind.CORRAL);
        jettyClient = new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(TestTls.http2Client()));
        jettyClient.start();
        jdkClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(TestTls.clientContext(false))
                .connectTimeout(TIMEOUT).build();
    }

    private static ServletServer server(ConnectorKind kind) throws Exception {
        return ServletServer.on(kind).tlsWithH2(TestTls.serverFactory())
                .servlet("/s/*", new Http2DifferentialTest.Http2Servlet())
                .servlet("/info", new TlsDifferentialTest.TlsInfoServlet())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (jettyClient != null) {
            jettyClient.stop();
        }
        if (jdkClient != null) {
            jdkClient.close();
        }
        jetty.close();
        corral.close();
    }

    private static URI uri(ServletServer server, String pathAndQuery) {
        return URI.create("https://localhost:" + server.port() + pathAndQuery);
    }

    private static Observed overJettyClient(ServletServer server, String method, String target, byte[] body)
            throws Exception {
        return ObservedRequests.overJettyClient(jettyClient, server, uri(server, target), method, body, request -> { });
    }

    private static Observed overJdkClient(ServletServer server, String method, String target, byte[] body)
            throws Exception {
        return ObservedRequests.overJdkClient(jdkClient, server, uri(server, target), method, body);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        GET    | /s/echo?a=1&b=%20
        POST   | /s/echo
        GET    | /s/headers
        GET    | /s/big?size=1500000
        GET    | /s/async
        GET    | /s/trailers
        GET    | /s/no-content
        GET    | /s/redirect
        GET    | /s/error
        GET    | /s/throw
        GET    | /nowhere
        HEAD   | /s/echo
        GET    | /info
        """)
    void sameRequestSameResponseOverJettyHttp2Client(String method, String target) throws Exception {
        byte[] body = method.equals("POST") ? "data".getBytes() : null;
        Observed expected = overJettyClient(jetty, method, target, body).asCorralAnswers();
        Observed actual = overJettyClient(corral, method, target, body);
        assertEquals("HTTP/2.0", expected.version(), "ServerConnector agreed on h2");
        assertEquals(expected, actual, method + " " + target);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        GET    | /s/echo?a=1&b=%20
        POST   | /s/echo
        GET    | /s/headers
        GET    | /s/big?size=1500000
        GET    | /s/error
        GET    | /info
        """)
    void sameRequestSameResponseOverJdkClient(String method, String target) throws Exception {
        byte[] body = method.equals("POST") ? "data".getBytes() : null;
        Observed expected = overJdkClient(jetty, method, target, body);
        Observed actual = overJdkClient(corral, method, target, body);
        assertEquals("HTTP/2.0", expected.version(), "ServerConnector agreed on h2");
        assertEquals(expected, actual, method + " " + target);
    }

    /**
     * A client asking for HTTP/1.1 on the same port gets it, the same as on ServerConnector, its keep-alive connection
     * hibernating between requests on Corral (the connector hibernates at once: {@link ConnectorKind#createTlsH2}).
     */
    @Test
    void http11OnTheSamePortKeepsAliveThroughHibernation() throws Exception {
        try (HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(TestTls.clientContext(false)).connectTimeout(TIMEOUT).build()) {
            for (ServletServer server : List.of(jetty, corral)) {
                List<String> connections = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> response = http11.send(HttpRequest.newBuilder(uri(server, "/s/connection"))
                            .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(HttpClient.Version.HTTP_1_1, response.version(), server.kind().name());
                    assertEquals(200, response.statusCode());
                    connections.add(response.body());
                }
                assertEquals(1, connections.stream().distinct().count(), server.kind() + ": one connection " + connections);
            }
        }
    }

    @Test
    void theServletSeesASecureH2Request() throws Exception {
        Observed observed = overJettyClient(corral, "GET", "/s/echo?x=1", null);
        assertEquals("GET /s/echo?x=1 HTTP/2.0 https://localhost:PORT secure=true length=-1 body=", observed.body());
    }

    /** A 4 MiB upload: both windows reopened again and again, through TLS records. */
    @Test
    void largeUploadPassesFlowControl() throws Exception {
        byte[] body = ObservedRequests.patternedBody(4 * 1024 * 1024 + 17);
        Observed expected = overJettyClient(jetty, "POST", "/s/sum", body);
        Observed actual = overJettyClient(corral, "POST", "/s/sum", body);
        assertTrue(expected.body().startsWith(body.length + " "), expected.body());
        assertEquals(expected, actual);
    }

    /**
     * What ALPN agrees on, client by client: the same on both connectors. "refused" is a handshake that failed (RFC 7301
     * §3.2's no_application_protocol); a cipher suite in the fourth column limits the client to TLS 1.2 and that suite.
     */
    @ParameterizedTest(name = "offers [{0}] {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
        h2,http/1.1 | -                                       | h2
        http/1.1,h2 | -                                       | h2
        h2          | -                                       | h2
        http/1.1    | -                                       | http/1.1
        -           | -                                       | ''
        spdy/3      | -                                       | refused
        h2,http/1.1 | TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 | http/1.1
        h2          | TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 | refused
        h2,http/1.1 | TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 | h2
        """)
    void alpnAgreesOnTheSameProtocol(String offered, String tls12CipherSuite, String expected) throws Exception {
        assertEquals(expected, agreed(jetty, offered, tls12CipherSuite), "ServerConnector");
        assertEquals(expected, agreed(corral, offered, tls12CipherSuite), "CorralConnector");
    }

    private static String agreed(ServletServer server, String offered, String tls12CipherSuite) throws IOException {
        try (SSLSocket socket = (SSLSocket) TestTls.clientContext(false).getSocketFactory()
                .createSocket("localhost", server.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            if (offered != null) {
                parameters.setApplicationProtocols(offered.split(","));
            }
            if (tls12CipherSuite != null) {
                parameters.setProtocols(new String[] {"TLSv1.2"});
                parameters.setCipherSuites(new String[] {tls12CipherSuite});
            }
            socket.setSSLParameters(parameters);
            try {
                socket.startHandshake();
            } catch (SSLHandshakeException e) {
                return "refused";
            }
            return socket.getApplicationProtocol();
        }
    }

    @Test
    void bothReportTheSameProtocols() {
        assertEquals(jetty.connector().getProtocols(), corral.connector().getProtocols());
        assertTrue(corral.connector().getProtocols().contains("h2"), corral.connector().getProtocols().toString());
    }

    @Test
    void anAlpnFactoryListingOnlyWhatCorralDoesNotServeIsRefusedAtStart() {
        // h2 listed, but no HTTP2ServerConnectionFactory and no http/1.1 listed: nothing left to agree on.
        org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server();
        CorralConnector connector = new CorralConnector(server,
                new org.eclipse.jetty.server.SslConnectionFactory(TestTls.serverFactory(), "alpn"),
                new org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory("h2"),
                new org.eclipse.jetty.server.HttpConnectionFactory());
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        try {
            Exception refused = assertThrows(Exception.class, server::start);
            assertTrue(String.valueOf(refused.getMessage()).contains("no protocol Corral serves"), refused.toString());
        } finally {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing started
            }
        }
    }
}
