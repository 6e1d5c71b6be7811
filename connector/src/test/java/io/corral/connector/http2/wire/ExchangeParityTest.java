package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.CleartextProtocol;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stream layer's promise, on the wire: one native handler behind {@link CleartextProtocol}, asked the same
 * thing over HTTP/1.1 and over HTTP/2, answers the same status, body and body framing fields, because both
 * protocols' exchanges share {@code AbstractExchange} (handler failures, the finish of a response left open, the
 * connection facts, argument checks) and {@code ResponseOutputStream}.
 */
class ExchangeParityTest {

    private static final HttpHandler HANDLER = ExchangeParityTest::handle;

    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new CleartextProtocol(new Http1Protocol(Http1Config.DEFAULTS, HANDLER), Http2Config.DEFAULTS, HANDLER));
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop();
    }

    private static void handle(HttpExchange exchange) throws Exception {
        switch (exchange.request().target()) {
            case "/pieces" -> {
                try (OutputStream out = exchange.response().asOutputStream()) {
                    for (int i = 0; i < 10; i++) {
                        out.write(("piece " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
            case "/left-open" -> {
                OutputStream out = exchange.response().asOutputStream();
                out.write("written, never closed\n".getBytes(StandardCharsets.US_ASCII));
                // The handler returns without closing: the engine finishes what it holds.
            }
            case "/fails" -> {
                exchange.response().headers().set("X-Lost", "1");
                throw new IllegalStateException("a handler bug (expected in this test)");
            }
            case "/checks" -> {
                StringBuilder seen = new StringBuilder();
                try {
                    exchange.setIdleTimeout(Duration.ofSeconds(-1));
                } catch (IllegalArgumentException e) {
                    seen.append("negative idle timeout refused\n");
                }
                try {
                    exchange.response().status(1000);
                } catch (IllegalArgumentException e) {
                    seen.append("status 1000 refused\n");
                }
                try {
                    exchange.response().sendInformational(200, new HttpHeaders());
                } catch (IllegalArgumentException e) {
                    seen.append("final status as informational refused\n");
                }
                InetSocketAddress local = (InetSocketAddress) exchange.localAddress();
                InetSocketAddress remote = (InetSocketAddress) exchange.remoteAddress();
                seen.append("local ").append(local.getAddress().getHostAddress()).append(':').append(local.getPort())
                        .append("\nremote ").append(remote.getAddress().getHostAddress())
                        .append("\nsecure ").append(exchange.isSecure())
                        .append("\nrequest ").append(exchange.requestNumber()).append('\n');
                exchange.response().write(ByteBuffer.wrap(seen.toString().getBytes(StandardCharsets.US_ASCII)), true);
                exchange.response().sendInformational(103, new HttpHeaders()); // committed: nothing goes out
            }
            default -> exchange.response().status(404).end();
        }
    }

    /** What both protocols must agree on: status, the fields a client frames or reads the body by, the body. */
    private record Seen(int status, Map<String, String> fields, String body) {}

    @Test
    void aBodyWrittenInPiecesToTheOutputStreamLeavesWithItsLength() throws Exception {
        Seen http1 = http1("/pieces");
        assertEquals(http1, http2("/pieces"));
        assertEquals("80", http1.fields().get("content-length"));
    }

    @Test
    void anOutputStreamTheHandlerLeftOpenIsFinishedWhole() throws Exception {
        Seen http1 = http1("/left-open");
        assertEquals(http1, http2("/left-open"));
        assertEquals("written, never closed\n", http1.body());
    }

    @Test
    void aHandlerFailureBeforeCommittingIsThePlainText500() throws Exception {
        Seen http1 = http1("/fails");
        assertEquals(http1, http2("/fails"));
        assertEquals(new Seen(500, Map.of("content-length", "22", "content-type", "text/plain; charset=utf-8"),
                "Internal Server Error\n"), http1);
    }

    @Test
    void argumentChecksAndConnectionFactsAreTheSame() throws Exception {
        Seen http1 = http1("/checks");
        assertEquals(http1, http2("/checks"));
        String port = Integer.toString(listener.localPort());
        assertEquals("negative idle timeout refused\nstatus 1000 refused\nfinal status as informational refused"
                + "\nlocal 127.0.0.1:" + port
                + "\nremote 127.0.0.1\nsecure false\nrequest 1\n", http1.body());
        assertEquals(http1.body().length(), Integer.parseInt(http1.fields().get("content-length")));
    }

    private Seen http2(String path) throws Exception {
        try (H2Client client = new H2Client(listener.localPort())) {
            client.handshake();
            client.request(1, H2Client.get(path), true);
            H2Client.Response response = client.response(1);
            Map<String, String> fields = new TreeMap<>();
            for (String name : new String[] {"content-length", "content-type", "transfer-encoding"}) {
                if (response.header(name) != null) {
                    fields.put(name, response.header(name));
                }
            }
            return new Seen(response.status(), fields, response.body());
        }
    }

    /** One HTTP/1.1 request with {@code Connection: close}, read to the end; chunked framing is not expected. */
    private Seen http1(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", listener.localPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String whole = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = whole.indexOf("\r\n\r\n");
            assertTrue(end > 0, whole);
            String[] lines = whole.substring(0, end).split("\r\n");
            Map<String, String> fields = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].substring(0, lines[i].indexOf(':')).toLowerCase(Locale.ROOT);
                if (name.equals("content-length") || name.equals("content-type") || name.equals("transfer-encoding")) {
                    fields.put(name, lines[i].substring(lines[i].indexOf(':') + 1).strip());
                }
            }
            return new Seen(Integer.parseInt(lines[0].split(" ")[1]), fields, whole.substring(end + 4));
        }
    }
}
