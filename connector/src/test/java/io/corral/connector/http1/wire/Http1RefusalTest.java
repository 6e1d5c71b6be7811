package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the engine does with the requests it refuses itself, beyond the status (see {@link Http1BadInputTest}):
 * each answer carries a Date (RFC 9110 §6.6.1), even when the handler's responses leave Date to a framework
 * above (as under Jetty); each refusal is counted by status; and none is logged at INFO, so a client
 * sending garbage cannot flood the log.
 */
class Http1RefusalTest {

    private Http1Protocol protocol;
    private Listener listener;

    @BeforeEach
    void start() throws Exception {
        Http1Config config = Http1Config.DEFAULTS
                .withSendDateHeader(false) // as the Jetty adapter runs it
                .withHeaderTimeout(Duration.ofMillis(300))
                .withLimits(Http1Config.DEFAULTS.limits().withMaxBodySize(100).withMaxRequestTargetLength(64));
        protocol = new Http1Protocol(config, ex -> {
            ex.body().asInputStream().readAllBytes();
            ex.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        });
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0), protocol);
        listener.start();
    }

    @AfterEach
    void stop() {
        listener.stop();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', textBlock = """
        malformed request line | 400 | GET /\\r\\nHost: a\\r\\n\\r\\n
        head too slow          | 408 | GET / HTTP/1.1\\r\\nHost: a\\r\\n
        announced body too big | 413 | POST / HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 101\\r\\n\\r\\n
        chunked body too big   | 413 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n65\\r\\n
        target too long        | 414 | GET /{long} HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n
        too many fields        | 431 | GET / HTTP/1.1\\r\\nHost: a\\r\\n{fields}\\r\\n
        unknown coding         | 501 | POST / HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: zork, chunked\\r\\n\\r\\n
        HTTP/2.0 on HTTP/1     | 505 | GET / HTTP/2.0\\r\\nHost: a\\r\\n\\r\\n
        """)
    @DisplayName("an engine's refusal carries a Date and is counted by its status")
    void refusalHasDateAndIsCounted(String what, int status, String escaped) throws Exception {
        String request = escaped.replace("{long}", "t".repeat(100))
                .replace("{fields}", "X: y\\r\\n".repeat(101))
                .replace("\\r", "\r").replace("\\n", "\n");
        try (RawClient client = new RawClient(listener.localPort())) {
            RawClient.Response response = client.send(request).read();
            assertEquals(status, response.status(), what);
            assertNotNull(response.header("Date"), what + ": no Date");
            assertTrue(client.isClosedByServer(), what);
        }
        assertEquals(Map.of(status, 1L), protocol.badRequests().byStatus(), what);
        assertEquals(1, protocol.badRequests().total());
    }

    @Test
    @DisplayName("a flood of bad requests is counted, not logged one INFO line each")
    void floodIsCountedNotLogged() throws Exception {
        int flood = 200;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err; // where slf4j-simple writes, looked up on every line
        System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try {
            for (int i = 0; i < flood; i++) {
                try (RawClient client = new RawClient(listener.localPort())) {
                    assertEquals(400, client.send("GARBAGE\r\n\r\n").read().status());
                }
            }
        } finally {
            System.setErr(original);
        }
        assertEquals(flood, protocol.badRequests().total());
        assertEquals("400=" + flood, protocol.badRequests().toString());
        String log = captured.toString(StandardCharsets.UTF_8);
        assertFalse(log.contains("bad request"), "refusals logged above DEBUG:\n" + log);
    }

    /** Writes to two streams: the test keeps what it inspects and the console still shows it. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            synchronized (second) {
                second.write(bytes, offset, length);
            }
        }
    }
}
