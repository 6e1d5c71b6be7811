package io.corral.it.arquillian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The war-sample's HTTP contract, deployed by Arquillian and spoken to by the JDK {@link HttpClient}:
 * {@code GET /plaintext} is byte-exact and {@code POST /echo} returns any body and its Content-Type,
 * whether the request announces its length or is chunked.
 */
@ExtendWith(ArquillianExtension.class)
public class WarSampleHttpTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return WarSampleDeployment.create("war-sample.war");
    }

    @AfterAll
    static void closeClient() {
        CLIENT.close();
    }

    @Test
    void deployedAtTheArchivesContextPath() {
        assertTrue(base.getPath().equals("/war-sample/"), base.toString());
        assertEquals("127.0.0.1", base.getHost());
    }

    @Test
    void plaintextIsByteExact() throws Exception {
        HttpResponse<byte[]> response = CLIENT.send(get("plaintext"), BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("text/plain", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("13", response.headers().firstValue("Content-Length").orElseThrow());
        assertArrayEquals("Hello, World!".getBytes(StandardCharsets.US_ASCII), response.body());
    }

    @Test
    void plaintextKeepsAnsweringOnOneKeepAliveConnection() throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> response = CLIENT.send(get("plaintext"), BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "request " + i);
            assertEquals("Hello, World!", response.body(), "request " + i);
        }
    }

    /** Sizes on both sides of common buffer sizes (8 KiB, Jetty's 32 KiB output buffer) and one large body. */
    static Stream<Arguments> echoBodies() {
        return Stream.of(0, 1, 8191, 8192, 8193, 32767, 32768, 32769, 1 << 20)
                .flatMap(size -> Stream.of(Arguments.of(size, true), Arguments.of(size, false)));
    }

    @ParameterizedTest(name = "{0} bytes, Content-Length {1}")
    @MethodSource("echoBodies")
    void echoReturnsTheBodyAndItsContentType(int size, boolean withContentLength) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        HttpRequest.BodyPublisher publisher = withContentLength
                ? BodyPublishers.ofByteArray(body)
                // No length known up front: the JDK client sends Transfer-Encoding: chunked.
                : BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        HttpResponse<byte[]> response = CLIENT.send(post("echo", "application/octet-stream", publisher),
                BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("application/octet-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(body, response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/json", "application/x-corral-test", "text/csv;charset=utf-8"})
    void echoReturnsTheRequestContentType(String contentType) throws Exception {
        HttpResponse<String> response = CLIENT.send(post("echo", contentType, BodyPublishers.ofString("a,b\n1,2\n")),
                BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals(contentType, response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("a,b\n1,2\n", response.body());
    }

    @Test
    void echoAnswersGetWithMethodNotAllowed() throws Exception {
        assertEquals(405, CLIENT.send(get("echo"), BodyHandlers.discarding()).statusCode());
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(resolve(path)).timeout(TIMEOUT).GET().build();
    }

    private HttpRequest post(String path, String contentType, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(resolve(path)).timeout(TIMEOUT)
                .header("Content-Type", contentType).POST(body).build();
    }

    private URI resolve(String path) {
        return URI.create(base.toString()).resolve(path);
    }
}
