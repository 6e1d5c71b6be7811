package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.proxy.ProxyHeader;
import io.corral.connector.proxy.ProxyHeaderEncoder;
import io.corral.connector.proxy.ProxyHeaderException;
import io.corral.connector.proxy.ProxySsl;
import io.corral.connector.proxy.ProxyTlv;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The PROXY protocol on both connectors, configured the same way — Jetty's {@link ProxyConnectionFactory} first —
 * with the same servlet and the same raw bytes: what the servlet sees of the client's addresses, scheme and TLS
 * behind each kind of header, and which headers close the connection. Where Corral differs on purpose (a missing
 * header, {@code UNSPEC} with {@code PROXY}, the TLS vector) the test says so and the README lists it.
 */
class ProxyProtocolDifferentialTest {

    private static final InetSocketAddress CLIENT4 = new InetSocketAddress("203.0.113.7", 40001);
    private static final InetSocketAddress FRONT4 = new InetSocketAddress("198.51.100.1", 443);
    private static final InetSocketAddress CLIENT6 = new InetSocketAddress("2001:db8::7", 40002);
    private static final InetSocketAddress FRONT6 = new InetSocketAddress("2001:db8::1", 8443);
    private static final String REQUEST = "GET /who HTTP/1.1\r\nHost: example\r\n\r\n";
    private static final String CLOSED = "closed";

    /** What the servlet sees of the connection, one field per line. */
    static final class WhoServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("remote=" + request.getRemoteAddr() + " " + request.getRemotePort()
                    + "\nlocal=" + request.getLocalAddr() + " " + request.getLocalPort()
                    + "\nscheme=" + request.getScheme() + " secure=" + request.isSecure()
                    + "\nurl=" + request.getRequestURL()
                    + "\ncipher=" + request.getAttribute("jakarta.servlet.request.cipher_suite") + "\n");
        }
    }

    private static final Map<ConnectorKind, ServletServer> SERVERS = new EnumMap<>(ConnectorKind.class);

    @BeforeAll
    static void start() throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            SERVERS.put(kind, start(kind, connector -> { }, false));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(ServletServer::close);
    }

    /** A server with Jetty's ProxyConnectionFactory first, as its documentation configures ServerConnector. */
    private static ServletServer start(ConnectorKind kind, Consumer<AbstractNetworkConnector> setup,
                                       boolean secureRequestCustomizer) throws Exception {
        return ServletServer.on(kind)
                .http(configuration -> {
                    if (secureRequestCustomizer) {
                        configuration.addCustomizer(new SecureRequestCustomizer());
                    }
                })
                .connector(connector -> connector.addFirstConnectionFactory(new ProxyConnectionFactory()))
                .connector(setup)
                .servlet("/who", new WhoServlet())
                .start();
    }

    /**
     * Sends {@code bytes} then a request on a new connection; the servlet's answer with this connection's own client
     * port shown as {@code <port>}, or {@value #CLOSED} when the server closed the connection without an answer.
     */
    private static String exchange(ServletServer server, byte[] bytes) throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send(concat(bytes, REQUEST.getBytes(StandardCharsets.US_ASCII)));
            String ownPort = String.valueOf(connection.socket().getLocalPort());
            String serverPort = String.valueOf(server.port());
            try {
                RawResponse response = connection.read();
                return response.status() + "\n" + new String(response.body(), StandardCharsets.UTF_8)
                        .replace(" " + ownPort + "\n", " <port>\n").replace(" " + serverPort + "\n", " <server>\n")
                        .replace(":" + serverPort + "/", ":<server>/");
            } catch (EOFException | SocketException closed) {
                return CLOSED;
            }
        }
    }

    /** The outcome on each connector; asserts they are the same and returns it. */
    private static String same(byte[] bytes) throws Exception {
        String jetty = exchange(SERVERS.get(ConnectorKind.JETTY), bytes);
        String corral = exchange(SERVERS.get(ConnectorKind.CORRAL), bytes);
        assertEquals(jetty, corral, "ServerConnector (expected) and CorralConnector (actual) differ");
        return corral;
    }

    private static byte[] v1(InetSocketAddress source, InetSocketAddress destination) {
        return ProxyHeaderEncoder.v1(ProxyHeaderEncoder.tcp(source, destination));
    }

    private static byte[] v2(InetSocketAddress source, InetSocketAddress destination, ProxyTlv... tlvs) {
        return ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(source, destination, tlvs));
    }

    @Test
    @DisplayName("v1 TCP4: the servlet sees the client's address and port, and the address it connected to")
    void v1Tcp4() throws Exception {
        assertEquals("200\nremote=203.0.113.7 40001\nlocal=198.51.100.1 443\nscheme=http secure=false"
                + "\nurl=http://example/who\ncipher=null\n", same(v1(CLIENT4, FRONT4)));
    }

    @Test
    @DisplayName("v1 TCP6")
    void v1Tcp6() throws Exception {
        String outcome = same(v1(CLIENT6, FRONT6));
        assertTrue(outcome.startsWith("200\nremote=[2001:db8:0:0:0:0:0:7] 40002\nlocal=[2001:db8:0:0:0:0:0:1] 8443\n"), outcome);
    }

    @Test
    @DisplayName("v1 UNKNOWN: the real addresses")
    void v1Unknown() throws Exception {
        String outcome = same("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(outcome.startsWith("200\nremote=127.0.0.1 <port>\nlocal=127.0.0.1 <server>\n"), outcome);
    }

    @Test
    @DisplayName("v2 TCP4 and TCP6, with vectors")
    void v2Tcp() throws Exception {
        assertTrue(same(v2(CLIENT4, FRONT4, new ProxyTlv(ProxyTlv.PP2_TYPE_AUTHORITY, "example".getBytes(StandardCharsets.US_ASCII)),
                new ProxyTlv(ProxyTlv.PP2_TYPE_UNIQUE_ID, new byte[16]))).startsWith("200\nremote=203.0.113.7 40001\nlocal=198.51.100.1 443\n"));
        String outcome = same(v2(CLIENT6, FRONT6));
        assertTrue(outcome.startsWith("200\nremote=[2001:db8:0:0:0:0:0:7] 40002\n"), outcome);
        // An IPv4 client of a dual-stack proxy: the IPv4-mapped address is the IPv4 one on both.
        byte[] mapped = ProxyHeaderEncoder.v2(new ProxyHeader(2, ProxyHeader.Command.PROXY, ProxyHeader.Family.INET6,
                CLIENT4, FRONT6, List.of()));
        String mappedOutcome = same(mapped);
        assertTrue(mappedOutcome.startsWith("200\nremote=203.0.113.7 40001\nlocal=[2001:db8:0:0:0:0:0:1] 8443\n"),
                mappedOutcome);
    }

    @Test
    @DisplayName("v2 LOCAL (the proxy's own health check): the real addresses")
    void v2Local() throws Exception {
        String outcome = same(ProxyHeaderEncoder.v2(new ProxyHeader(2, ProxyHeader.Command.LOCAL, ProxyHeader.Family.UNSPEC,
                null, null, List.of())));
        assertTrue(outcome.startsWith("200\nremote=127.0.0.1 <port>\nlocal=127.0.0.1 <server>\n"), outcome);
    }

    @Test
    @DisplayName("v2 over a Unix socket: the servlet sees what Jetty reports for Unix domain addresses")
    void v2Unix() throws Exception {
        String outcome = same(ProxyHeaderEncoder.v2(new ProxyHeader(2, ProxyHeader.Command.PROXY, ProxyHeader.Family.UNIX,
                UnixDomainSocketAddress.of("/run/client.sock"), UnixDomainSocketAddress.of("/run/haproxy.sock"), List.of())));
        assertTrue(outcome.startsWith("200\n") && outcome.contains("client.sock"), outcome);
    }

    @Test
    @DisplayName("Keep-alive: the header's addresses hold for every request of the connection, also after it hibernated")
    void keepAlive() throws Exception {
        for (ConnectorKind kind : ConnectorKind.values()) {
            try (RawConnection connection = SERVERS.get(kind).connect()) {
                connection.send(concat(v1(CLIENT4, FRONT4), REQUEST.getBytes(StandardCharsets.US_ASCII)));
                assertTrue(new String(connection.read().body(), StandardCharsets.UTF_8).startsWith("remote=203.0.113.7 40001\n"));
                for (int i = 0; i < 3; i++) {
                    connection.send(REQUEST);
                    RawResponse response = connection.read();
                    assertTrue(new String(response.body(), StandardCharsets.UTF_8).startsWith("remote=203.0.113.7 40001\n"),
                            kind + " request " + (i + 2));
                }
            }
        }
    }

    @Test
    @DisplayName("Malformed headers close the connection without an answer on both")
    void malformedHeadersClose() throws Exception {
        for (String header : new String[] {"PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n",
                "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX", "PROXY TCP4 1.2.3.4 5.6.7.8 1 99999\r\n",
                "PROXY TCP4 " + "1".repeat(120) + "\r\n"}) {
            assertEquals(CLOSED, same(header.getBytes(StandardCharsets.US_ASCII)), header);
        }
        byte[] badVersion = v2(CLIENT4, FRONT4);
        badVersion[12] = 0x31;
        assertEquals(CLOSED, same(badVersion));
        byte[] datagram = v2(CLIENT4, FRONT4);
        datagram[13] = 0x12;
        assertEquals(CLOSED, same(datagram));
    }

    @Test
    @DisplayName("A v2 header longer than the factory's maxProxyHeader (1024 by default) closes the connection on both")
    void v2LongerThanMaxProxyHeader() throws Exception {
        byte[] atLimit = v2(CLIENT4, FRONT4, new ProxyTlv(0xE0, new byte[1024 - 12 - 3]));
        assertTrue(same(atLimit).startsWith("200\n"));
        byte[] pastLimit = v2(CLIENT4, FRONT4, new ProxyTlv(0xE0, new byte[1024 - 12 - 3 + 1]));
        assertEquals(CLOSED, same(pastLimit));
    }

    @Test
    @DisplayName("Differs on purpose: v1 fields Jetty takes without looking (protocol, address kind, leading zeros), "
            + "Corral refuses: the header decides which address the application trusts")
    void v1FieldsJettyDoesNotCheck() throws Exception {
        for (String header : new String[] {"PROXY TCP9 1.2.3.4 5.6.7.8 1 2\r\n", "PROXY TCP6 1.2.3.4 5.6.7.8 1 2\r\n",
                "PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"}) {
            byte[] bytes = header.getBytes(StandardCharsets.US_ASCII);
            String jetty = exchange(SERVERS.get(ConnectorKind.JETTY), bytes);
            assertTrue(jetty.startsWith("200\nremote=1.2.3.4 1\n"), header + " on Jetty: " + jetty);
            assertEquals(CLOSED, exchange(SERVERS.get(ConnectorKind.CORRAL), bytes), header);
        }
    }

    @Test
    @DisplayName("Differs on purpose: PP2_CLIENT_SSL makes ServerConnector's request secure (https, isSecure()); "
            + "Corral's only when the operator says so (proxyTrustSsl=true), then as on Jetty")
    void clientSslIsTrustedOnlyWhenTheOperatorSaysSo() throws Exception {
        byte[] header = v2(CLIENT4, FRONT4, sslTlv());
        String jetty = exchange(SERVERS.get(ConnectorKind.JETTY), header);
        assertEquals("200\nremote=203.0.113.7 40001\nlocal=198.51.100.1 443\nscheme=https secure=true"
                + "\nurl=https://example/who\ncipher=null\n", jetty);
        String untrusted = exchange(SERVERS.get(ConnectorKind.CORRAL), header);
        assertTrue(untrusted.contains("\nscheme=http secure=false\n"), untrusted);
        try (ServletServer trusting = start(ConnectorKind.CORRAL,
                connector -> ((CorralConnector) connector).setProxyTrustSsl(true), false)) {
            assertEquals(jetty, exchange(trusting, header));
            assertTrue(exchange(trusting, v2(CLIENT4, FRONT4)).contains("\nscheme=http secure=false\n"),
                    "no TLS vector, no TLS");
        }
    }

    @Test
    @DisplayName("Differs on purpose: ServerConnector serves a connection without header, Corral requires one "
            + "(proxyProtocol=optional serves it as Jetty does)")
    void missingHeader() throws Exception {
        assertTrue(exchange(SERVERS.get(ConnectorKind.JETTY), new byte[0]).startsWith("200\nremote=127.0.0.1 <port>\n"));
        ServletServer corral = SERVERS.get(ConnectorKind.CORRAL);
        long missing = ((CorralConnector) corral.connector()).getProxyHeaderFailures(ProxyHeaderException.Failure.MISSING);
        assertEquals(CLOSED, exchange(corral, new byte[0]));
        Await.until("the refusal counted", Duration.ofSeconds(10), () -> ((CorralConnector) corral.connector())
                .getProxyHeaderFailures(ProxyHeaderException.Failure.MISSING) == missing + 1);
        try (ServletServer optional = start(ConnectorKind.CORRAL,
                connector -> ((CorralConnector) connector).setProxyProtocol("optional"), false)) {
            assertEquals(exchange(SERVERS.get(ConnectorKind.JETTY), new byte[0]), exchange(optional, new byte[0]));
            assertTrue(exchange(optional, v1(CLIENT4, FRONT4)).startsWith("200\nremote=203.0.113.7 40001\n"));
        }
    }

    @Test
    @DisplayName("Differs on purpose: PROXY with the UNSPEC family — Jetty closes, Corral keeps the real addresses "
            + "(the specification allows both)")
    void proxyCommandWithUnspecifiedFamily() throws Exception {
        byte[] unspec = ProxyHeaderEncoder.v2(new ProxyHeader(2, ProxyHeader.Command.PROXY, ProxyHeader.Family.UNSPEC,
                null, null, List.of()));
        assertEquals(CLOSED, exchange(SERVERS.get(ConnectorKind.JETTY), unspec));
        assertTrue(exchange(SERVERS.get(ConnectorKind.CORRAL), unspec).startsWith("200\nremote=127.0.0.1 <port>\n"));
    }

    @Test
    @DisplayName("PP2_CLIENT_SSL with a SecureRequestCustomizer (the cipher suite attribute): Jetty trusts it; Corral "
            + "only with proxyTrustSsl=true, then as Jetty")
    void clientSslWithCustomizer() throws Exception {
        byte[] header = v2(CLIENT4, FRONT4, sslTlv());
        try (ServletServer jetty = start(ConnectorKind.JETTY, connector -> { }, true);
             ServletServer corral = start(ConnectorKind.CORRAL, connector -> { }, true);
             ServletServer trusting = start(ConnectorKind.CORRAL,
                     connector -> ((CorralConnector) connector).setProxyTrustSsl(true), true)) {
            String jettyOutcome = exchange(jetty, header);
            assertTrue(jettyOutcome.contains("secure=true"), jettyOutcome);
            assertTrue(jettyOutcome.contains("\ncipher=ECDHE-RSA-AES128-GCM-SHA256\n"), jettyOutcome);
            String untrusted = exchange(corral, header);
            assertTrue(untrusted.contains("\nscheme=http secure=false\n"), untrusted);
            assertTrue(untrusted.contains("\ncipher=null\n"), untrusted);
            String trusted = exchange(trusting, header);
            assertTrue(trusted.contains("secure=true"), trusted);
            assertTrue(trusted.contains("\ncipher=ECDHE-RSA-AES128-GCM-SHA256\n"), trusted);
            assertEquals(jettyOutcome, trusted);
        }
    }

    @Test
    @DisplayName("new CorralConnector(server, new ProxyConnectionFactory(), http), as for ServerConnector, requires the header")
    void constructedWithTheFactory() throws Exception {
        Server server = new Server();
        CorralConnector connector = new CorralConnector(server, new ProxyConnectionFactory(), new HttpConnectionFactory());
        assertEquals("REQUIRED", connector.getProxyProtocol());
        connector.setProxyProtocol("optional");
        assertEquals("OPTIONAL", connector.getProxyProtocol());
        assertEquals("OFF", new CorralConnector(server).getProxyProtocol());
    }

    @Test
    @DisplayName("Refusals are counted each, and logged as one WARN per 10 s at most: no client floods the log")
    void refusalsAreCountedAndTheirLogThrottled() throws Exception {
        try (ServletServer corral = start(ConnectorKind.CORRAL, connector -> { }, false);
             LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(CLOSED, exchange(corral, "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n".getBytes(StandardCharsets.US_ASCII)));
            }
            CorralConnector connector = (CorralConnector) corral.connector();
            Await.until("five refusals counted", Duration.ofSeconds(10), () -> connector.getProxyHeaderFailures() == 5);
            assertEquals("malformed=5", connector.getProxyHeaderFailuresByKind());
            List<String> warnings = log.warnings().stream().filter(line -> line.contains("PROXY protocol")).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("(malformed): version 1 header: 7 fields instead of 6"), warnings.get(0));
        }
    }

    @Test
    @DisplayName("Before TLS, as HAProxy sends it: the header, then the handshake; the servlet sees an HTTPS request "
            + "from the client's address on both")
    void headerBeforeTls() throws Exception {
        String[] outcomes = httpsOnBoth(v1(CLIENT4, FRONT4), connector -> { });
        assertEquals(outcomes[ConnectorKind.JETTY.ordinal()], outcomes[ConnectorKind.CORRAL.ordinal()]);
        assertTrue(outcomes[1].startsWith("remote=203.0.113.7 40001\nlocal=198.51.100.1 443\nscheme=https secure=true\n"),
                outcomes[1]);
    }

    @Test
    @DisplayName("Optional over TLS: a direct HTTPS client without header is served with its real address, as the "
            + "detecting ProxyConnectionFactory serves it on ServerConnector (the bytes read looking for a header go "
            + "back to the handshake)")
    void optionalWithoutHeaderOverTls() throws Exception {
        String[] outcomes = httpsOnBoth(new byte[0], connector -> {
            if (connector instanceof CorralConnector corral) {
                corral.setProxyProtocol("optional");
            }
        });
        assertEquals(outcomes[ConnectorKind.JETTY.ordinal()], outcomes[ConnectorKind.CORRAL.ordinal()]);
        assertTrue(outcomes[1].startsWith("remote=127.0.0.1 "), outcomes[1]);
        assertTrue(outcomes[1].contains("\nscheme=https secure=true\n"), outcomes[1]);
    }

    /** {@code header}, then TLS and {@code GET /who} on a new connection to an HTTPS server of each kind; the bodies. */
    private static String[] httpsOnBoth(byte[] header, Consumer<AbstractNetworkConnector> setup) throws Exception {
        String[] outcomes = new String[2];
        for (ConnectorKind kind : ConnectorKind.values()) {
            try (ServletServer server = ServletServer.on(kind).tls(TestTls.serverFactory())
                    .connector(connector -> connector.addFirstConnectionFactory(new ProxyConnectionFactory()))
                    .connector(setup)
                    .servlet("/who", new WhoServlet())
                    .start();
                 RawConnection plain = server.connect()) {
                if (header.length > 0) {
                    plain.send(header);
                }
                try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) TestTls.clientContext(false).getSocketFactory()
                        .createSocket(plain.socket(), "localhost", server.port(), false)) {
                    tls.getOutputStream().write(("GET /who HTTP/1.1\r\nHost: localhost:" + server.port()
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    outcomes[kind.ordinal()] = response.substring(response.indexOf("\r\n\r\n") + 4)
                            .replace(":" + server.port() + "/", ":<server>/")
                            .replace(" " + plain.socket().getLocalPort() + "\n", " <port>\n")
                            .replace(" " + server.port() + "\n", " <server>\n");
                }
            }
        }
        return outcomes;
    }

    @Test
    @DisplayName("JMX and dump: the mode, headers read and refusals by kind, as Jetty registers and dumps the connector")
    void jmxAttributes() throws Exception {
        javax.management.MBeanServer mbeans = javax.management.MBeanServerFactory.newMBeanServer();
        try (ServletServer corral = ServletServer.on(ConnectorKind.CORRAL)
                .connector(connector -> connector.addFirstConnectionFactory(new ProxyConnectionFactory()))
                .servlet("/who", new WhoServlet())
                .server(server -> server.addBean(new org.eclipse.jetty.jmx.MBeanContainer(mbeans)))
                .start()) {
            assertTrue(exchange(corral, v1(CLIENT4, FRONT4)).startsWith("200\n"));
            assertEquals(CLOSED, exchange(corral, "PROXY TCP4 1.2.3.4\r\n".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(CLOSED, exchange(corral, new byte[0]));
            javax.management.ObjectName name = mbeans.queryNames(
                    new javax.management.ObjectName("org.eclipse.jetty.server:type=serverconnector,engine=corral,*"), null).iterator().next();
            Await.until("both refusals counted", Duration.ofSeconds(10),
                    () -> Long.valueOf(2).equals(attribute(mbeans, name, "proxyHeaderFailures")));
            assertEquals("REQUIRED", mbeans.getAttribute(name, "proxyProtocol"));
            assertEquals(1L, mbeans.getAttribute(name, "proxyHeaders"));
            assertEquals("missing=1 malformed=1", mbeans.getAttribute(name, "proxyHeaderFailuresByKind"));
            assertEquals(5000L, mbeans.getAttribute(name, "proxyHeaderTimeout"));
            assertEquals(false, mbeans.getAttribute(name, "proxyTrustSsl"));
            String dump = corral.server().dump();
            assertTrue(dump.contains("CorralProxyProtocol{required, headers=1, withoutHeader=0, failures=2 "
                    + "(missing=1 malformed=1)}"), dump);
        }
    }

    private static Object attribute(javax.management.MBeanServer mbeans, javax.management.ObjectName name, String attribute) {
        try {
            return mbeans.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProxyTlv sslTlv() {
        return new ProxyTlv(ProxyTlv.PP2_TYPE_SSL, ProxyHeaderEncoder.sslValue(ProxySsl.PP2_CLIENT_SSL, 0,
                new ProxyTlv(ProxySsl.PP2_SUBTYPE_SSL_VERSION, "TLSv1.2".getBytes(StandardCharsets.US_ASCII)),
                new ProxyTlv(ProxySsl.PP2_SUBTYPE_SSL_CIPHER, "ECDHE-RSA-AES128-GCM-SHA256".getBytes(StandardCharsets.US_ASCII))));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
