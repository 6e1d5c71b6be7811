package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.TestCertificate;
import io.corral.connector.transport.TlsTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link ProxyProtocolTransport} on real loopback sockets: the header read on the accepted channel before the inner
 * transport (TCP or TLS) wraps it, the client's bytes after it handed out intact, the connection reporting the
 * header's addresses, and every refusal — missing, malformed, too slow, closed — closing the connection and counted.
 */
class ProxyProtocolTransportTest {

    private static final long WAIT_SECONDS = 10;
    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40001);
    private static final InetSocketAddress FRONT = new InetSocketAddress("198.51.100.1", 443);

    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws IOException {
        server = new TcpTransport().listen(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 8,
                SocketOptions.DEFAULTS);
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort());
        socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return socket;
    }

    /** Accepts one connection and wraps it on a virtual thread, as a listener's connection process would. */
    private CompletableFuture<TransportConnection> acceptWith(Transport transport) {
        CompletableFuture<TransportConnection> wrapped = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                SocketChannel accepted = server.accept();
                wrapped.complete(transport.wrap(accepted));
            } catch (Throwable e) {
                wrapped.completeExceptionally(e);
            }
        });
        return wrapped;
    }

    private static TransportConnection await(CompletableFuture<TransportConnection> wrapped) throws Exception {
        return wrapped.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static ProxyHeaderException refusal(CompletableFuture<TransportConnection> wrapped) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> wrapped.get(WAIT_SECONDS, TimeUnit.SECONDS));
        return assertInstanceOf(ProxyHeaderException.class, e.getCause());
    }

    private static String readAscii(TransportConnection connection, int length) throws IOException {
        byte[] buffer = new byte[length];
        int filled = 0;
        while (filled < length) {
            int n = connection.read(buffer, filled, length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return new String(buffer, 0, filled, StandardCharsets.US_ASCII);
    }

    private static void assertClosedByServer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        try {
            assertEquals(-1, in.read(), "the server closed the connection");
        } catch (java.net.SocketException reset) {
            // a reset says the same
        }
    }

    private static ProxyProtocolTransport tcp(ProxyProtocolConfig config) {
        return new ProxyProtocolTransport(new TcpTransport(), config);
    }

    @Test
    @DisplayName("v1 and the client's first bytes in one segment: the connection reports the header's addresses and "
            + "hands the bytes out first")
    void v1HeaderThenClientBytes() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            out.write(concat(ProxyHeaderEncoder.v1(ProxyHeaderEncoder.tcp(CLIENT, FRONT)), ascii("hello")));
            TransportConnection connection = await(wrapped);
            assertEquals(CLIENT, connection.remoteAddress());
            assertEquals(FRONT, connection.localAddress());
            assertFalse(connection.isSecure());
            assertEquals(5, connection.available(), "the bytes read past the header are ready");
            assertFalse(connection.canHibernate(), "no hibernation while bytes read ahead wait");
            assertEquals("hello", readAscii(connection, 5));
            assertTrue(connection.canHibernate(), "the plain connection under it, once they are read");
            out.write(ascii(" world"));
            assertEquals(" world", readAscii(connection, 6), "then straight from the socket");
            connection.write(ascii("bye"), 0, 3);
            assertEquals("bye", new String(client.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
            connection.close();
        }
        assertEquals(1, transport.headers());
        assertEquals(0, transport.failures().total());
    }

    @Test
    @DisplayName("v2 trickled one byte at a time arrives whole; the header is all that was read")
    void v2Trickled() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        byte[] header = ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(CLIENT, FRONT,
                new ProxyTlv(ProxyTlv.PP2_TYPE_AUTHORITY, ascii("example.com"))), true);
        try (Socket client = connect()) {
            client.setTcpNoDelay(true);
            OutputStream out = client.getOutputStream();
            for (byte b : header) {
                out.write(b);
                out.flush();
            }
            TransportConnection connection = await(wrapped);
            ProxiedConnection proxied = assertInstanceOf(ProxiedConnection.class, connection);
            assertEquals("example.com", proxied.header().authority());
            assertEquals(CLIENT, connection.remoteAddress());
            assertEquals(0, connection.available());
            out.write(ascii("next"));
            assertEquals("next", readAscii(connection, 4));
            connection.close();
        }
    }

    @Test
    @DisplayName("v2 LOCAL (a health check) is admitted with the real addresses")
    void v2LocalKeepsTheRealAddresses() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            client.getOutputStream().write(ProxyHeaderEncoder.v2(new ProxyHeader(2, ProxyHeader.Command.LOCAL,
                    ProxyHeader.Family.UNSPEC, null, null, java.util.List.of())));
            TransportConnection connection = await(wrapped);
            assertEquals(client.getLocalSocketAddress(), connection.remoteAddress());
            assertEquals(client.getRemoteSocketAddress(), connection.localAddress());
            connection.close();
        }
    }

    @Test
    @DisplayName("Required: a connection that begins with an HTTP request is closed at once, counted as missing")
    void requiredRefusesAConnectionWithoutHeader() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            client.getOutputStream().write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            assertEquals(Failure.MISSING, refusal(wrapped).failure());
            assertClosedByServer(client);
        }
        assertEquals(1, transport.failures().count(Failure.MISSING));
        assertEquals(0, transport.headers());
        assertEquals("missing=1", transport.failures().toString());
    }

    @Test
    @DisplayName("Malformed: closed at once without waiting for the deadline, counted")
    void malformedIsRefused() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required().withHeaderTimeout(Duration.ofMinutes(5)));
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            client.getOutputStream().write(ascii("PROXY TCP4 192.0.2.1 198.51.100.2 99999 443\r\n"));
            assertEquals(Failure.MALFORMED, refusal(wrapped).failure());
            assertClosedByServer(client);
        }
        assertEquals(1, transport.failures().count(Failure.MALFORMED));
    }

    @Test
    @DisplayName("A header that has not arrived whole by its deadline is refused, however it trickles")
    void slowHeaderTimesOut() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required().withHeaderTimeout(Duration.ofMillis(300)));
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            client.getOutputStream().write(ascii("PROXY TCP4 "));
            ProxyHeaderException refused = refusal(wrapped);
            assertEquals(Failure.TIMEOUT, refused.failure(), refused.getMessage());
            assertClosedByServer(client);
        }
        assertEquals(1, transport.failures().count(Failure.TIMEOUT));
    }

    @Test
    @DisplayName("A peer that closes before a whole header (a bare TCP check) is counted as closed")
    void closedBeforeTheHeader() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        connect().close();
        assertEquals(Failure.CLOSED, refusal(wrapped).failure());
        assertEquals(1, transport.failures().count(Failure.CLOSED));
    }

    @Test
    @DisplayName("Optional: a connection without header is served as it is, its first bytes intact")
    void optionalPassesAConnectionWithoutHeader() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required().withMode(ProxyProtocolMode.OPTIONAL));
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        String request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Socket client = connect()) {
            client.getOutputStream().write(ascii(request));
            TransportConnection connection = await(wrapped);
            assertFalse(connection instanceof ProxiedConnection);
            assertEquals(client.getLocalSocketAddress(), connection.remoteAddress());
            assertEquals(request, readAscii(connection, request.length()));
            connection.close();
        }
        assertEquals(1, transport.connectionsWithoutHeader());
        assertEquals(0, transport.failures().total());
    }

    @Test
    @DisplayName("Optional: a connection with a header has it read")
    void optionalReadsAHeader() throws Exception {
        ProxyProtocolTransport transport = tcp(ProxyProtocolConfig.required().withMode(ProxyProtocolMode.OPTIONAL));
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket client = connect()) {
            client.getOutputStream().write(ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(CLIENT, FRONT)));
            assertEquals(CLIENT, await(wrapped).remoteAddress());
        }
        assertEquals(1, transport.headers());
    }

    @Test
    @DisplayName("PP2_CLIENT_SSL makes the connection secure only when the operator trusts the proxy to say so")
    void clientSslIsTrustedOnlyWhenConfigured() throws Exception {
        byte[] header = ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(CLIENT, FRONT, new ProxyTlv(ProxyTlv.PP2_TYPE_SSL,
                ProxyHeaderEncoder.sslValue(ProxySsl.PP2_CLIENT_SSL, 0))));
        for (boolean trust : new boolean[] {false, true}) {
            CompletableFuture<TransportConnection> wrapped = acceptWith(tcp(ProxyProtocolConfig.required().withTrustSsl(trust)));
            try (Socket client = connect()) {
                client.getOutputStream().write(header);
                TransportConnection connection = await(wrapped);
                assertEquals(trust, connection.isSecure(), "trustSsl=" + trust);
                connection.close();
            }
        }
    }

    @Test
    @DisplayName("Before TLS, as HAProxy sends it: the header, then the handshake over the same socket")
    void headerBeforeTls() throws Exception {
        SSLContext context = TestCertificate.context();
        ProxyProtocolTransport transport = new ProxyProtocolTransport(new TlsTransport(context), ProxyProtocolConfig.required());
        assertEquals("proxy+tls", transport.name());
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (Socket plain = connect()) {
            plain.getOutputStream().write(ProxyHeaderEncoder.v1(ProxyHeaderEncoder.tcp(CLIENT, FRONT)));
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, "localhost",
                    plain.getPort(), false)) {
                tls.startHandshake();
                TransportConnection connection = await(wrapped);
                assertTrue(connection.isSecure());
                assertEquals(CLIENT, connection.remoteAddress());
                tls.getOutputStream().write(ascii("over tls"));
                tls.getOutputStream().flush();
                assertEquals("over tls", readAscii(connection, 8));
                connection.close();
            }
        }
    }

    @Test
    @DisplayName("Optional before TLS: the client hello read while looking for a header goes back to the handshake")
    void optionalWithoutHeaderBeforeTls() throws Exception {
        SSLContext context = TestCertificate.context();
        ProxyProtocolTransport transport = new ProxyProtocolTransport(new TlsTransport(context),
                ProxyProtocolConfig.required().withMode(ProxyProtocolMode.OPTIONAL));
        CompletableFuture<TransportConnection> wrapped = acceptWith(transport);
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                ((InetSocketAddress) server.getLocalAddress()).getPort())) {
            tls.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            tls.startHandshake();
            TransportConnection connection = await(wrapped);
            assertTrue(connection.isSecure());
            assertEquals(tls.getLocalSocketAddress(), connection.remoteAddress());
            tls.getOutputStream().write(ascii("direct"));
            tls.getOutputStream().flush();
            assertEquals("direct", readAscii(connection, 6));
            connection.close();
        }
        assertEquals(1, transport.connectionsWithoutHeader());
    }

    @Test
    @DisplayName("The inner transport is the one a listener binds with")
    void listensThroughTheInnerTransport() {
        TcpTransport inner = new TcpTransport();
        ProxyProtocolTransport transport = new ProxyProtocolTransport(inner, ProxyProtocolConfig.required());
        assertSame(inner, transport.inner());
        assertEquals("proxy+tcp", transport.name());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
