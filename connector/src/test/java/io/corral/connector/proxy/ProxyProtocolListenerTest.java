package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Await;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The native stack behind a proxy: a {@link Listener} on a {@link ProxyProtocolTransport} running
 * {@link Http1Protocol}, whose handler answers with the client address the engine reports. Connections hibernate as
 * soon as they wait ({@code hibernateAfter} 0), so the addresses must survive hibernation and waking; the listener's
 * own view of its connections shows them too.
 */
class ProxyProtocolListenerTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.44", 51000);
    private static final InetSocketAddress FRONT = new InetSocketAddress("192.0.2.1", 80);

    private ProxyProtocolTransport transport;
    private Listener listener;

    @BeforeEach
    void start() throws IOException {
        transport = new ProxyProtocolTransport(new TcpTransport(), ProxyProtocolConfig.required());
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS.withHibernateAfter(Duration.ZERO), exchange -> {
            byte[] body = (exchange.remoteAddress() + " -> " + exchange.localAddress() + " secure=" + exchange.isSecure())
                    .getBytes(StandardCharsets.US_ASCII);
            exchange.response().write(ByteBuffer.wrap(body), true);
        });
        listener = new Listener(ListenerConfig.defaults()
                .withAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withTransport(transport)
                .withName("proxy-test"), protocol);
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.close();
    }

    @Test
    @DisplayName("Every request of a keep-alive connection, before and after it hibernated, comes from the header's client")
    void addressesSurviveHibernation() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.localPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // The header and the first request in one segment: the request is read ahead with the header.
            out.write(concat(ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(CLIENT, FRONT)), request()));
            String expected = CLIENT + " -> " + FRONT + " secure=false";
            assertEquals(expected, body(in));
            Await.until(Duration.ofSeconds(10), () -> listener.connections().stream()
                    .anyMatch(connection -> CLIENT.equals(connection.remoteAddress())), "the listener lists the client");
            for (int i = 0; i < 3; i++) {
                out.write(request());
                assertEquals(expected, body(in), "request " + (i + 2));
            }
        }
        assertEquals(1, transport.headers());
        assertEquals(0, transport.failures().total());
    }

    @Test
    @DisplayName("A connection without header never reaches the protocol; the listener carries on")
    void refusedConnectionsEndAlone() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.localPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request());
            assertEquals(-1, socket.getInputStream().read(), "closed without an answer");
        }
        Await.until(Duration.ofSeconds(10), () -> listener.stats().active() == 0, "the refused connection released");
        assertEquals(1, transport.failures().count(ProxyHeaderException.Failure.MISSING));
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listener.localPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(concat(ProxyHeaderEncoder.v1(ProxyHeaderEncoder.tcp(CLIENT, FRONT)), request()));
            assertTrue(body(socket.getInputStream()).startsWith(CLIENT.toString()));
        }
    }

    private static byte[] request() {
        return "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads one response with a Content-Length or chunked body of one chunk; returns the body. */
    private static String body(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside a response head: " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase();
        int at = lower.indexOf("content-length:");
        if (at >= 0) {
            int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).trim());
            return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
        }
        StringBuilder body = new StringBuilder();
        while (true) {
            StringBuilder sizeLine = new StringBuilder();
            while (!sizeLine.toString().endsWith("\r\n")) {
                sizeLine.append((char) in.read());
            }
            int size = Integer.parseInt(sizeLine.toString().trim(), 16);
            if (size == 0) {
                in.readNBytes(2);
                return body.toString();
            }
            body.append(new String(in.readNBytes(size), StandardCharsets.US_ASCII));
            in.readNBytes(2);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
