package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Header timeout (slowloris) and idle timeout between requests. */
class Http1TimeoutTest {

    @Test
    @DisplayName("a head still incomplete at the header timeout gets 408 and a closed connection")
    void slowHeadGets408() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withHeaderTimeout(Duration.ofMillis(300));
        try (TestServer server = new TestServer(config, ex -> ex.response().end());
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\n");
            long start = System.nanoTime();
            RawClient.Response response = client.read();
            assertEquals(408, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos(), "not before the timeout");
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("trickling bytes does not extend the header timeout (deadline from the first byte)")
    void tricklingDoesNotExtend() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withHeaderTimeout(Duration.ofMillis(400));
        try (TestServer server = new TestServer(config, ex -> ex.response().end());
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\n");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            client.setTimeout(100);
            boolean answered = false;
            while (!answered && System.nanoTime() < deadline) {
                try {
                    client.send("X-A: b\r\n");
                } catch (java.io.IOException closed) {
                    answered = true;
                    break;
                }
                try {
                    answered = client.socket().getInputStream().read() >= 0;
                } catch (java.net.SocketTimeoutException stillWaiting) {
                    // keep trickling
                }
            }
            assertTrue(answered, "server answered (408) well before the 5 s test deadline");
        }
    }

    @Test
    @DisplayName("a connection idle between requests past the idle timeout is closed quietly (no 408)")
    void idleKeepAliveCloses() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withIdleTimeout(Duration.ofMillis(300));
        try (TestServer server = new TestServer(config, ex -> ex.response().write(ByteBuffer.allocate(0), true));
                RawClient client = server.connect()) {
            assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            long start = System.nanoTime();
            assertTrue(client.isClosedByServer(), "closed with no bytes");
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(200).toNanos());
        }
    }

    @Test
    @DisplayName("a response to a client that stops reading is cut at the idle timeout, not held forever")
    void stalledWriteIsCut() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withIdleTimeout(Duration.ofMillis(500));
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        try (TestServer server = new TestServer(config, ex -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        for (int i = 0; i < 100_000; i++) {
                            ex.response().write(ByteBuffer.wrap(chunk), false);
                        }
                        outcome.complete(null);
                    } catch (java.io.IOException expected) {
                        outcome.complete(expected);
                    }
                });
                RawClient client = server.connect()) {
            client.socket().setReceiveBufferSize(4096);
            client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            Throwable failure = outcome.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(failure instanceof java.io.IOException, "the handler's write failed: " + failure);
        }
    }
}
