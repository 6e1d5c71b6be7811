package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.H2cUpgrade;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.TestCertificate;
import io.corral.connector.transport.TlsTransport;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 7540 §3.2 {@code Upgrade: h2c} from HTTP/1.1 ({@link H2cUpgrade}): the asking request gets a 101 and its
 * response on stream 1 over HTTP/2, the connection then carries further streams; requests that cannot be upgraded
 * (a body, no or two {@code HTTP2-Settings}) are served as HTTP/1.1 by the same handler.
 */
class H2cUpgradeTest {

    private static final HttpHandler VERSION = exchange -> {
        exchange.body().asInputStream().readAllBytes();
        exchange.response().write(ByteBuffer.wrap((exchange.request().version().text() + " "
                + exchange.request().headers().get("upgrade")).getBytes(StandardCharsets.US_ASCII)), true);
    };
    /** SETTINGS_MAX_CONCURRENT_STREAMS = 100, base64url without padding. */
    private static final String SETTINGS = "AAMAAABk";

    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new Http1Protocol(Http1Config.DEFAULTS, H2cUpgrade.wrap(VERSION, Http2Config.DEFAULTS)));
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop();
    }

    @Test
    void anUpgradedRequestIsAnsweredOnStreamOneAndTheConnectionGoesOnInHttp2() throws Exception {
        Socket socket = new Socket("127.0.0.1", listener.localPort());
        socket.setSoTimeout(10_000);
        send(socket, "GET /first HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: " + SETTINGS + "\r\n\r\n");
        String head = readHead(socket.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        assertTrue(head.toLowerCase().contains("upgrade: h2c"), head);
        try (H2Client client = new H2Client(socket)) {
            client.handshake();
            assertEquals("HTTP/2 null", client.response(1).body(), "stream 1 is the upgraded request, as HTTP/2");
            client.request(3, H2Client.get("/second"), true);
            assertEquals("HTTP/2 null", client.response(3).body());
        }
    }

    @Test
    void anUpgradeToH2cOverTlsIsIgnored() throws Exception {
        // h2c names HTTP/2 over cleartext TCP; over TLS the request is served as HTTP/1.1, as ServerConnector does.
        SSLContext context = TestCertificate.context();
        Listener tls = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0)
                .withTransport(new TlsTransport(context)),
                new Http1Protocol(Http1Config.DEFAULTS, H2cUpgrade.wrap(VERSION, Http2Config.DEFAULTS)));
        tls.start();
        try (Socket socket = context.getSocketFactory().createSocket("127.0.0.1", tls.localPort())) {
            socket.setSoTimeout(10_000);
            send(socket, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: " + SETTINGS + "\r\n\r\n");
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            assertTrue(response.endsWith("HTTP/1.1 h2c"), response);
        } finally {
            tls.stop();
        }
    }

    @Test
    void requestsThatCannotBeUpgradedAreServedAsHttp11() throws Exception {
        String upgrade = "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n";
        assertTrue(http1("POST / HTTP/1.1\r\nHost: x\r\n" + upgrade + "HTTP2-Settings: " + SETTINGS
                + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx").endsWith("HTTP/1.1 h2c"), "with a body");
        assertTrue(http1("GET / HTTP/1.1\r\nHost: x\r\n" + upgrade + "Connection: close\r\n\r\n")
                .endsWith("HTTP/1.1 h2c"), "without HTTP2-Settings");
        assertTrue(http1("GET / HTTP/1.1\r\nHost: x\r\n" + upgrade + "HTTP2-Settings: " + SETTINGS + "\r\nHTTP2-Settings: "
                + SETTINGS + "\r\nConnection: close\r\n\r\n").endsWith("HTTP/1.1 h2c"), "with two HTTP2-Settings");
        assertTrue(http1("GET / HTTP/1.1\r\nHost: x\r\n" + upgrade + "HTTP2-Settings: !!\r\nConnection: close\r\n\r\n")
                .endsWith("HTTP/1.1 h2c"), "with HTTP2-Settings that do not decode");
    }

    private String http1(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
            socket.setSoTimeout(10_000);
            send(socket, request);
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response;
        }
    }

    private static void send(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "closed in the head: " + head);
            head.append((char) b);
        }
        return head.toString();
    }
}
