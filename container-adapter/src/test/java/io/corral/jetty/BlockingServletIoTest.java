package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Blocking servlet streams, the everyday case: a servlet reads the request with {@code getInputStream()}
 * and writes with {@code getOutputStream()}; bodies come with Content-Length or chunked, small or large,
 * with or without trailers. Runs on both connectors with the same expectations.
 */
class BlockingServletIoTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Echoes the request body, with its length and any trailer field X-Checksum. */
    static final class EchoServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body;
            try (InputStream in = request.getInputStream()) {
                body = in.readAllBytes();
            }
            response.setContentType("application/octet-stream");
            response.setHeader("X-Received", Integer.toString(body.length));
            response.setHeader("X-Method", request.getMethod());
            if (request.isTrailerFieldsReady()) {
                String checksum = request.getTrailerFields().get("x-checksum");
                if (checksum != null) {
                    response.setHeader("X-Trailer", checksum);
                }
            }
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    /** Writes a body of the size asked for in many small writes, so it streams. */
    static final class StreamingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int size = Integer.parseInt(request.getParameter("size"));
            response.setContentType("text/plain");
            OutputStream out = response.getOutputStream();
            byte[] piece = new byte[1000];
            for (int i = 0; i < piece.length; i++) {
                piece[i] = (byte) ('a' + i % 26);
            }
            for (int written = 0; written < size; written += piece.length) {
                out.write(piece, 0, Math.min(piece.length, size - written));
            }
        }
    }

    private static ServletServer start(ConnectorKind kind) throws Exception {
        return ServletServer.on(kind)
                .servlet("/echo", new EchoServlet())
                .servlet("/stream", new StreamingServlet())
                .start();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void getWithHttpClient(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind)) {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(server.uri("/stream?size=5")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("abcde", response.body());
            assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("5", response.headers().firstValue("Content-Length").orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void postWithContentLengthIsEchoed(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\n\r\nhello world");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("hello world", response.text());
            assertEquals("11", response.header("X-Received"));
            assertFalse(response.saysClose());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void chunkedPostIsEchoedAndItsTrailersReachTheServlet(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 42\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("hello world", response.text());
            assertEquals("42", response.header("X-Trailer"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void chunkedPostWithoutTrailers(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\n\r\n");
            RawResponse response = client.read();
            assertEquals("abc", response.text());
            assertNull(response.header("X-Trailer"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void largeUploadAndDownloadStreamThrough(ConnectorKind kind) throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(payload);
        try (ServletServer server = start(kind)) {
            HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(server.uri("/echo"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertArrayEquals(payload, response.body());

            HttpResponse<String> download = CLIENT.send(HttpRequest.newBuilder(server.uri("/stream?size=2000000")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(2_000_000, download.body().length());
            // Larger than the output buffer and no length set: the response streams chunked.
            assertFalse(download.headers().firstValue("Content-Length").isPresent());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void keepAliveCarriesManyRequestsOnOneConnection(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            for (int i = 0; i < 20; i++) {
                String body = "request-" + i;
                client.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
                RawResponse response = client.read();
                assertEquals(body, response.text());
            }
            assertFalse(client.isClosedByServer(100));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void pipelinedRequestsAreAnsweredInOrder(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            String pipeline = java.util.stream.IntStream.range(0, 5)
                    .mapToObj(i -> "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1\r\n\r\n" + i)
                    .collect(Collectors.joining());
            client.send(pipeline.getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 5; i++) {
                assertEquals(Integer.toString(i), client.read().text());
            }
        }
    }
}
