package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.stream.HttpHeaders;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9112 §6 and RFC 9110 §6.4.1: how the engine frames response bodies. */
class Rfc9112ResponseFramingTest {

    private static ByteBuffer text(String body) {
        return ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("§6.2: a body written in one go gets a Content-Length")
    void singleWriteGetsContentLength() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text("Hello, World!"), true));
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("13", response.header("Content-Length"));
            assertNull(response.header("Transfer-Encoding"));
            assertEquals("Hello, World!", response.text());
            assertTrue(response.headers().containsKey("date"), "Date header (RFC 9110 §6.6.1)");
        }
    }

    @Test
    @DisplayName("§7.1: a streamed body of unknown length is chunked for HTTP/1.1, with trailers")
    void streamedBodyIsChunkedWithTrailers() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().trailers(() -> new HttpHeaders().add("X-Checksum", "42"));
                    ex.response().write(text("abc"), false);
                    ex.response().write(text("defgh"), false);
                    ex.response().write(text(""), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("chunked", response.header("Transfer-Encoding"));
            assertEquals("abcdefgh", response.text());
            assertEquals("42", response.trailers().get("x-checksum"));
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status(), "still usable");
        }
    }

    @Test
    @DisplayName("§6.3: HTTP/1.0 client, unknown length → close-delimited body")
    void http10StreamIsCloseDelimited() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().write(text("abc"), false);
                    ex.response().write(text("def"), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertNull(response.header("Transfer-Encoding"));
            assertNull(response.header("Content-Length"));
            assertEquals("close", response.header("Connection"));
            assertEquals("abcdef", response.text());
        }
    }

    @Test
    @DisplayName("§6.3: the handler's Content-Length is used and streamed to; its Transfer-Encoding is not")
    void handlerFramingHeadersAreOwnedByEngine() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().headers().add("Content-Length", "6").add("Transfer-Encoding", "gzip");
                    ex.response().write(text("abc"), false);
                    ex.response().write(text("def"), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("6", response.header("Content-Length"));
            assertNull(response.header("Transfer-Encoding"));
            assertEquals("abcdef", response.text());
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
        }
    }

    @Test
    @DisplayName("§6.3: a body longer than the handler's Content-Length cuts the connection, never the framing")
    void bodyLongerThanContentLengthCutsConnection() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().headers().add("Content-Length", "2");
                    ex.response().write(text("abc"), true);
                });
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("RFC 9110 §9.3.2: HEAD gets the GET's headers and no body")
    void headHasNoBody() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text("twelve bytes"), true));
                RawClient client = server.connect()) {
            RawClient.Response head = client.send("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
            assertEquals("12", head.header("Content-Length"));
            RawClient.Response get = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("twelve bytes", get.text(), "no stray HEAD body bytes before the next response");
        }
    }

    @ParameterizedTest(name = "status {0} has no body")
    @ValueSource(ints = {204, 304})
    @DisplayName("RFC 9110 §15.3.5/§15.4.5: 204 and 304 carry no body")
    void noBodyStatuses(int status) throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    if (ex.requestNumber() == 1) {
                        ex.response().status(status);
                    }
                    ex.response().write(text("ignored"), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(status, response.status());
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status(),
                    "no stray body bytes before the next response");
        }
    }

    @Test
    @DisplayName("RFC 9110 §15.2: 1xx interim responses precede the final one (103 Early Hints)")
    void earlyHints() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().sendInformational(103, new HttpHeaders().add("Link", "</s.css>; rel=preload"));
                    ex.response().write(text("final"), true);
                });
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            RawClient.Response hints = client.read();
            assertEquals(103, hints.status());
            assertEquals("</s.css>; rel=preload", hints.header("Link"));
            assertEquals("final", client.read().text());
        }
    }

    @Test
    @DisplayName("a large streamed body arrives whole (through the output stream)")
    void largeStreamedBody() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        Arrays.fill(big, (byte) 'z');
        try (TestServer server = new TestServer(ex -> {
                    try (OutputStream out = ex.response().asOutputStream()) {
                        for (int offset = 0; offset < big.length; offset += 10_000) {
                            out.write(big, offset, Math.min(10_000, big.length - offset));
                        }
                    }
                });
                RawClient client = server.connect()) {
            assertArrayEquals(big, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().body());
        }
    }

    @Test
    @DisplayName("a handler that writes nothing sends an empty 200 with Content-Length: 0")
    void emptyResponse() throws Exception {
        try (TestServer server = new TestServer(ex -> {});
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("0", response.header("Content-Length"));
        }
    }

    @Test
    @DisplayName("a handler that throws before committing gets a 500; the connection goes on")
    void handlerFailureBeforeCommit() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    if (ex.requestNumber() == 1) {
                        throw new IllegalStateException("boom");
                    }
                    ex.response().write(text("fine"), true);
                });
                RawClient client = server.connect()) {
            assertEquals(500, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            assertEquals("fine", client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
        }
    }

    @Test
    @DisplayName("a handler that throws after committing cuts the connection (the framing cannot be finished)")
    void handlerFailureAfterCommit() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().write(text("partial"), false);
                    throw new IllegalStateException("boom");
                });
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            client.setTimeout(5_000);
            java.io.IOException cut = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    client::read);
            assertTrue(cut.getMessage() != null);
        }
    }
}
