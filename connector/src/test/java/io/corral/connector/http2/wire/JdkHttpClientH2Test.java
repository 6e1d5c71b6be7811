package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.transport.TestCertificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JDK's {@link HttpClient} on Corral's TLS port with {@code h2} and {@code http/1.1} by ALPN: in HTTP_2 mode it
 * offers {@code h2} and gets HTTP/2, its concurrent requests multiplexed on one connection, a body larger than every
 * flow-control window echoed whole; in HTTP_1_1 mode it gets HTTP/1.1 from the same port and handler. The client
 * trusts the test's self-signed certificate.
 */
class JdkHttpClientH2Test {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Set<Long> connections = ConcurrentHashMap.newKeySet();
    private H2TestServer server;

    @BeforeEach
    void start() throws Exception {
        HttpHandler handler = exchange -> {
            connections.add(exchange.connectionId());
            byte[] body = exchange.body().asInputStream().readAllBytes();
            if (body.length == 0) {
                body = (exchange.request().version().text() + " " + exchange.request().target())
                        .getBytes(StandardCharsets.US_ASCII);
            }
            exchange.response().write(ByteBuffer.wrap(body), true);
        };
        server = H2TestServer.overTls(Http2Config.DEFAULTS, Http1Config.DEFAULTS, handler);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpClient client(HttpClient.Version version) {
        return HttpClient.newBuilder().version(version).sslContext(TestCertificate.context())
                .connectTimeout(WAIT).build();
    }

    private URI uri(String path) {
        return URI.create("https://127.0.0.1:" + server.port() + path);
    }

    @Test
    void http2ModeNegotiatesH2AndMultiplexesOnOneConnection() throws Exception {
        try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
            // One request first, so that the connection exists before the concurrent ones are sent.
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri("/first")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, first.version());
            assertEquals("HTTP/2 /first", first.body());
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(uri("/r" + i)).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = responses.get(i).get();
                assertEquals(HttpClient.Version.HTTP_2, response.version());
                assertEquals(200, response.statusCode());
                assertEquals("HTTP/2 /r" + i, response.body());
            }
            assertEquals(1, connections.size(), "one TLS connection carried all 21 streams");
        }
    }

    @Test
    void http2ModeEchoesABodyLargerThanTheWindows() throws Exception {
        byte[] upload = new byte[300_000];
        new Random(10).nextBytes(upload);
        try (HttpClient client = client(HttpClient.Version.HTTP_2)) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/echo")).timeout(WAIT)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(HttpClient.Version.HTTP_2, response.version());
            assertArrayEquals(upload, response.body());
        }
    }

    @Test
    void http11ModeGetsHttp11FromTheSamePort() throws Exception {
        try (HttpClient client = client(HttpClient.Version.HTTP_1_1)) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/one")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_1_1, response.version());
            assertEquals("HTTP/1.1 /one", response.body());
        }
    }
}
