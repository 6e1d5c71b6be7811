package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.listener.Await;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.HibernatingConnections;
import io.corral.connector.transport.TestCertificate;
import io.corral.connector.transport.TlsConnection;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §3.2 ("Starting HTTP/2 for "https" URIs") and §9.2 (TLS) on one TLS port serving {@code h2} and
 * {@code http/1.1} by ALPN ({@code AlpnProtocol}), with the JDK's {@link SSLSocket} as a raw client: a client offering
 * {@code h2} gets HTTP/2 and must open with the preface; one offering only {@code http/1.1}, or no ALPN at all, gets
 * HTTP/1.1, whose idle connections still hibernate; one offering only protocols the server lacks is refused (RFC 7301
 * §3.2); a TLS 1.2 session on a cipher suite of the §9.2.2 blocklist is never given {@code h2}.
 */
class Rfc9113AlpnTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Says which protocol carried the request and whether the handler saw it as secure. */
    private static final HttpHandler VERSION = exchange -> exchange.response().write(ByteBuffer.wrap(
            (exchange.request().version().text() + " secure=" + exchange.isSecure())
                    .getBytes(StandardCharsets.US_ASCII)), true);

    private final SSLContext client = TestCertificate.context();
    private H2TestServer server;

    @BeforeEach
    void start() throws IOException {
        // hibernateAfter 0: an HTTP/1.1 connection hibernates after every request, through the dispatcher.
        server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS.withHibernateAfter(Duration.ZERO),
                VERSION);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A TLS client offering {@code alpn} (nothing when empty), handshaken; optionally TLS 1.2 with one suite. */
    private SSLSocket connect(List<String> alpn, String tls12CipherSuite) throws IOException {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        SSLParameters parameters = socket.getSSLParameters();
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        if (tls12CipherSuite != null) {
            parameters.setProtocols(new String[] {"TLSv1.2"});
            parameters.setCipherSuites(new String[] {tls12CipherSuite});
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    @Test
    void aClientOfferingH2GetsHttp2EvenWhenItPrefersHttp11() throws Exception {
        // §3.2 and RFC 7301 §3.2: the server chooses, by its own order of preference, among what the client offers.
        try (SSLSocket socket = connect(List.of("http/1.1", "h2"), null)) {
            assertEquals("h2", socket.getApplicationProtocol());
            H2Client h2 = new H2Client(socket);
            h2.handshake();
            h2.request(1, H2Client.get("/"), true);
            assertEquals("HTTP/2 secure=true", h2.response(1).body());
            h2.request(3, H2Client.get("/"), true);
            assertEquals("HTTP/2 secure=true", h2.response(3).body());
        }
    }

    @Test
    void h2OverTlsMustOpenWithThePreface() throws Exception {
        // §3.4: "Clients and servers MUST treat an invalid connection preface as a connection error of type
        // PROTOCOL_ERROR" — here an HTTP/1.1 request on a connection that agreed on h2.
        try (SSLSocket socket = connect(List.of("h2"), null)) {
            assertEquals("h2", socket.getApplicationProtocol());
            H2Client h2 = new H2Client(socket);
            h2.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(Http2ErrorCode.PROTOCOL_ERROR.code(), h2.goAway().errorCode());
        }
    }

    @Test
    void aClientOfferingOnlyHttp11GetsHttp11() throws Exception {
        try (SSLSocket socket = connect(List.of("http/1.1"), null)) {
            assertEquals("http/1.1", socket.getApplicationProtocol());
            assertEquals("HTTP/1.1 secure=true", http11(socket));
        }
    }

    @Test
    void aClientOfferingNoAlpnGetsHttp11() throws Exception {
        try (SSLSocket socket = connect(List.of(), null)) {
            assertEquals("", socket.getApplicationProtocol());
            assertEquals("HTTP/1.1 secure=true", http11(socket));
        }
    }

    @Test
    void aClientOfferingOnlyProtocolsTheServerLacksIsRefusedWithNoApplicationProtocol() {
        // RFC 7301 §3.2: "In the event that the server supports no protocols that the client advertises, then the
        // server SHALL respond with a fatal "no_application_protocol" alert." (As Jetty's ALPN does.)
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                () -> connect(List.of("spdy/3", "h3"), null).close());
        assertTrue(String.valueOf(refused.getMessage()).contains("no_application_protocol"), refused.toString());
    }

    @Test
    void aBlocklistedCipherSuiteIsNeverGivenH2() throws Exception {
        // §9.2.2: TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256 is in Appendix A (a CBC cipher). Rather than agree on h2 and
        // then fail with INADEQUATE_SECURITY, the server does not agree on h2: the client's next choice, HTTP/1.1.
        String cbc = "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
        try (SSLSocket socket = connect(List.of("h2", "http/1.1"), cbc)) {
            assertEquals(cbc, socket.getSession().getCipherSuite());
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            assertEquals("http/1.1", socket.getApplicationProtocol());
            assertEquals("HTTP/1.1 secure=true", http11(socket));
        }
        // h2 alone on that suite: nothing the server may agree on, so no_application_protocol (RFC 7301 §3.2).
        assertThrows(SSLHandshakeException.class, () -> connect(List.of("h2"), cbc).close());
    }

    @Test
    void aTls12SessionOnAnAdequateCipherSuiteGetsH2() throws Exception {
        // The suite §9.2.2 says every TLS 1.2 HTTP/2 implementation MUST support (with an ECDSA certificate here).
        String gcm = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        try (SSLSocket socket = connect(List.of("h2", "http/1.1"), gcm)) {
            assertEquals("TLSv1.2", socket.getSession().getProtocol());
            assertEquals("h2", socket.getApplicationProtocol());
            H2Client h2 = new H2Client(socket);
            h2.handshake();
            h2.request(1, H2Client.get("/"), true);
            assertEquals("HTTP/2 secure=true", h2.response(1).body());
        }
    }

    @Test
    void anIdleHttp11ConnectionHibernatesBehindTheDispatcher() throws Exception {
        try (SSLSocket socket = connect(List.of("http/1.1"), null)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("HTTP/1.1 secure=true", http11(socket));
                Await.until(WAIT, () -> hibernating() == 1, "the idle connection hibernates");
            }
        }
    }

    @Test
    void anHttp2ConnectionIsNotOfferedForEvictionWhileItsPeerIsIdle() throws Exception {
        try (SSLSocket socket = connect(List.of("h2"), null)) {
            H2Client h2 = new H2Client(socket);
            h2.handshake();
            h2.request(1, H2Client.get("/"), true);
            h2.response(1);
            TransportConnection connection = server.listener().connections().iterator().next();
            assertEquals(TransportConnection.NOT_EVICTABLE, connection.evictableSince());
            assertFalse(((TlsConnection) connection).isHibernating(), "h2 connections do not hibernate (yet)");
        }
    }

    private int hibernating() {
        return HibernatingConnections.count(server.listener());
    }

    /** One HTTP/1.1 GET on the socket, keeping it open; returns the body. */
    private static String http11(SSLSocket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "connection closed in the head: " + head);
            head.append((char) b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        int length = Integer.parseInt(head.toString().replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
        return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
    }
}
