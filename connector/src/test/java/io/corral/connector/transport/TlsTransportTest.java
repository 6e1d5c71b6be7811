package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link TlsTransport} and {@link TlsConnection} against the JDK's {@link SSLSocket} over loopback: the handshake on
 * the server's thread with ALPN, reads and writes both ways (records larger than one), the read timeout, a
 * handshake that times out or fails without hurting the listener, close_notify on a half-close.
 */
class TlsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SSLContext context = TestCertificate.context();
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

    private TlsTransport transport(Duration handshakeTimeout) {
        return new TlsTransport(peer -> context.createSSLEngine(), handshakeTimeout,
                TlsTransport.DEFAULT_APPLICATION_PROTOCOLS);
    }

    /** Accepts one connection and wraps it (the handshake) on a virtual thread, as a listener would. */
    private CompletableFuture<TransportConnection> acceptAndWrap(TlsTransport transport) {
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

    private SSLSocket tlsClient(String... alpn) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                ((InetSocketAddress) server.getLocalAddress()).getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        if (alpn.length > 0) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(alpn);
            socket.setSSLParameters(parameters);
        }
        socket.startHandshake();
        return socket;
    }

    @Test
    void handshakesOnTheServersThreadAndAgreesOnHttp11ByAlpn() throws Exception {
        TlsTransport transport = transport(WAIT);
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport);
        try (SSLSocket client = tlsClient("h2", "http/1.1");
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            assertTrue(connection.isSecure());
            assertNotNull(connection.sslSession());
            assertEquals(client.getSession().getCipherSuite(), connection.sslSession().getCipherSuite());
            assertEquals("http/1.1", connection.applicationProtocol());
            assertEquals("http/1.1", client.getApplicationProtocol());
            assertEquals(1, transport.handshakes());
            assertEquals(0, transport.failedHandshakes());
        }
    }

    @Test
    void aClientWithoutAlpnGoesOnWithoutIt() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        try (SSLSocket client = tlsClient("h2");
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            assertNull(connection.applicationProtocol());
            assertEquals("", client.getApplicationProtocol());
        }
    }

    @Test
    void carriesBytesBothWaysAcrossManyRecords() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        byte[] payload = new byte[1 << 20];
        new Random(9).nextBytes(payload);
        try (SSLSocket client = tlsClient();
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            connection.setReadTimeout(WAIT);
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(payload);
                    client.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] received = readFully(connection, payload.length);
            sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertArrayEquals(payload, received);

            // Echo back through one write call: the transport cuts it into records.
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.getInputStream().readNBytes(payload.length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            connection.write(received, 0, received.length);
            assertArrayEquals(payload, echoed.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aReadTimesOutAndTheConnectionStillWorksAfterwards() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        try (SSLSocket client = tlsClient();
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            connection.setReadTimeout(Duration.ofMillis(100));
            byte[] buffer = new byte[64];
            assertThrows(SocketTimeoutException.class, () -> connection.read(buffer, 0, buffer.length));

            connection.setReadTimeout(WAIT);
            client.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertEquals("after", new String(readFully(connection, 5), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void aSilentClientFailsTheHandshakeAtItsTimeoutAndIsCounted() throws Exception {
        TlsTransport transport = transport(Duration.ofMillis(300));
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport);
        try (Socket silent = new Socket("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort())) {
            long start = System.nanoTime();
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(SSLHandshakeException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("timed out"), failed.getCause().getMessage());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250));
            silent.setSoTimeout((int) WAIT.toMillis());
            assertEquals(-1, silent.getInputStream().read(), "the server closed the connection");
            assertEquals(1, transport.failedHandshakes());
        }
    }

    @Test
    void plainHttpOnTheTlsPortFailsThatConnectionOnlyAndIsCounted() throws Exception {
        TlsTransport transport = transport(WAIT);
        CompletableFuture<TransportConnection> plain = acceptAndWrap(transport);
        try (Socket http = new Socket("127.0.0.1", ((InetSocketAddress) server.getLocalAddress()).getPort())) {
            http.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> plain.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, failed.getCause());
            assertEquals(1, transport.failedHandshakes());
        }
        CompletableFuture<TransportConnection> next = acceptAndWrap(transport);
        try (SSLSocket client = tlsClient();
             TransportConnection connection = next.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            assertTrue(connection.isOpen());
            assertEquals(1, transport.handshakes());
        }
    }

    @Test
    void shutdownOutputSendsCloseNotifyAndKeepsReading() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        try (SSLSocket client = tlsClient();
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            byte[] last = "bye".getBytes(StandardCharsets.US_ASCII);
            connection.write(last, 0, last.length);
            connection.shutdownOutput();
            InputStream in = client.getInputStream();
            assertArrayEquals(last, in.readNBytes(3));
            assertEquals(-1, in.read(), "close_notify ends the client's input");
            assertThrows(IOException.class, () -> connection.write(last, 0, last.length));

            connection.setReadTimeout(WAIT);
            client.getOutputStream().write("more".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            assertEquals("more", new String(readFully(connection, 4), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void theClientsCloseNotifyEndsTheServersInput() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        try (SSLSocket client = tlsClient();
             TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            connection.setReadTimeout(WAIT);
            client.getOutputStream().write('x');
            client.getOutputStream().flush();
            client.close();
            byte[] buffer = new byte[8];
            assertEquals(1, connection.read(buffer, 0, buffer.length));
            assertEquals(-1, connection.read(buffer, 0, buffer.length));
            assertEquals(-1, connection.read(buffer, 0, buffer.length), "stays at the end");
        }
    }

    @Test
    void closeUnblocksAReaderOnAnotherThread() throws Exception {
        CompletableFuture<TransportConnection> accepted = acceptAndWrap(transport(WAIT));
        try (SSLSocket client = tlsClient()) {
            TransportConnection connection = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            connection.setReadTimeout(Duration.ZERO);
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    read.complete(connection.read(new byte[8], 0, 8));
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (reader.getState() != Thread.State.WAITING && !read.isDone() && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // until the reader is parked in its read
            }
            connection.close();
            assertThrows(ExecutionException.class, () -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertTrue(!connection.isOpen());
        }
    }

    private static byte[] readFully(TransportConnection connection, int length) throws IOException {
        byte[] result = new byte[length];
        int filled = 0;
        while (filled < length) {
            int read = connection.read(result, filled, length - filled);
            if (read < 0) {
                throw new IOException("ended after " + filled + " of " + length + " bytes");
            }
            filled += read;
        }
        return result;
    }
}
