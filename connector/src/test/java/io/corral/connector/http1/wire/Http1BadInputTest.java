package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input on the wire: the right status, a closed connection, no handler call, and nothing else
 * affected (a healthy keep-alive connection opened before keeps working).
 */
class Http1BadInputTest {

    private static final AtomicInteger HANDLED = new AtomicInteger();
    private static TestServer server;
    private static RawClient bystander;

    @BeforeAll
    static void start() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withLimits(Http1Config.DEFAULTS.limits().withMaxBodySize(100));
        server = new TestServer(config, ex -> {
            HANDLED.incrementAndGet();
            ex.body().asInputStream().readAllBytes();
            ex.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), true);
        });
        bystander = server.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        bystander.close();
        server.close();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
        malformed request line                  | 400 | GET /\\r\\nHost: a\\r\\n\\r\\n
        space before colon                      | 400 | GET / HTTP/1.1\\r\\nHost : a\\r\\n\\r\\n
        obs-fold                                | 400 | GET / HTTP/1.1\\r\\nHost: a\\r\\nX: b\\r\\n c\\r\\n\\r\\n
        bare CR                                 | 400 | GET / HTTP/1.1\\r\\nHost: a\\rX: b\\r\\n\\r\\n
        CL and TE together                      | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n
        differing Content-Lengths               | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nContent-Length: 4\\r\\n\\r\\nabcd
        unknown transfer coding                 | 501 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: snappy, chunked\\r\\n\\r\\n0\\r\\n\\r\\n
        unsupported version                     | 505 | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n
        missing Host                            | 400 | GET / HTTP/1.1\\r\\n\\r\\n
        Content-Length over the body limit      | 413 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 101\\r\\n\\r\\n
        chunked body over the body limit        | 413 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n65\\r\\n
        bad chunk size                          | 400 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n
        """)
    @DisplayName("bad input gets its status and a closed connection; other connections go on")
    void badInput(String what, int status, String escaped) throws Exception {
        String request = escaped.replace("\\r", "\r").replace("\\n", "\n");
        int handledBefore = HANDLED.get();
        try (RawClient client = server.connect()) {
            RawClient.Response response = client.send(request).read();
            assertEquals(status, response.status(), what);
            assertEquals("close", response.header("Connection"), what);
            assertTrue(client.isClosedByServer(), what);
        }
        boolean badBodyFoundWhileReading = what.equals("chunked body over the body limit") || what.equals("bad chunk size");
        if (!badBodyFoundWhileReading) {
            assertEquals(handledBefore, HANDLED.get(), "no handler runs for a bad head: " + what);
        }
        RawClient.Response still = bystander.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertEquals("ok", still.text(), "the bystander connection is unaffected");
    }

    @ParameterizedTest(name = "body of {0} bytes with limit 100 → {1}")
    @CsvSource({"100, 200", "101, 413"})
    @DisplayName("body size limit, both sides of the boundary, Content-Length and chunked")
    void bodyLimitBoundary(int size, int status) throws Exception {
        String body = "x".repeat(size);
        try (RawClient client = server.connect()) {
            assertEquals(status, client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n"
                    + body).read().status());
        }
        try (RawClient client = server.connect()) {
            assertEquals(status, client.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(size) + "\r\n" + body + "\r\n0\r\n\r\n").read().status());
        }
    }
}
