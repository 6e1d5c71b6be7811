package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.CleartextProtocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 and h2c by prior knowledge on one port ({@link CleartextProtocol}): a client that asks for nothing gets
 * HTTP/1.1, one that opens with the preface gets HTTP/2, the same handler serves both, and HTTP/1.1 methods that
 * share the preface's first letter (PUT, PATCH) are not mistaken for it.
 */
class CleartextProtocolTest {

    private static final HttpHandler VERSION = exchange -> exchange.response().write(ByteBuffer.wrap(
            (exchange.request().method() + " " + exchange.request().version().text()).getBytes(StandardCharsets.US_ASCII)),
            true);

    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        // hibernateAfter 0: an HTTP/1.1 connection hibernates after every request, through the replaying wrapper.
        Http1Config http1 = Http1Config.DEFAULTS.withHibernateAfter(java.time.Duration.ZERO);
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new CleartextProtocol(new Http1Protocol(http1, VERSION), Http2Config.DEFAULTS, VERSION));
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop();
    }

    @Test
    void aClientThatAsksForNothingGetsHttp11() throws Exception {
        assertTrue(http1("GET").endsWith("GET HTTP/1.1"));
        assertTrue(http1("PUT").endsWith("PUT HTTP/1.1"), "P is also the preface's first letter");
        assertTrue(http1("PATCH").endsWith("PATCH HTTP/1.1"));
    }

    @Test
    void aClientThatOpensWithThePrefaceGetsHttp2() throws Exception {
        try (H2Client client = new H2Client(listener.localPort())) {
            client.handshake();
            client.request(1, H2Client.get("/"), true);
            assertEquals("GET HTTP/2", client.response(1).body());
            client.request(3, H2Client.get("/"), true);
            assertEquals("GET HTTP/2", client.response(3).body());
        }
    }

    @Test
    void anHttp11KeepAliveConnectionHibernatesAndWakesThroughTheSniffer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 3; i++) {
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                int length = Integer.parseInt(head.replaceAll("(?s).*[Cc]ontent-[Ll]ength: (\\d+).*", "$1"));
                assertEquals("GET HTTP/1.1", new String(in.readNBytes(length), StandardCharsets.US_ASCII));
            }
        }
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "connection closed in the head: " + head);
            head.append((char) b);
        }
        return head.toString();
    }

    /** One HTTP/1.1 request with {@code Connection: close}; returns the whole response. */
    private String http1(String method) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            String body = method.equals("GET") ? "" : "x";
            out.write((method + " / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 200"), response);
            return response;
        }
    }
}
