package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9110 §10.1.1: Expect: 100-continue — the 100 is sent only when the handler reads the body. */
class Rfc9110ExpectContinueTest {

    private static final String EXPECTING = "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";

    @Test
    @DisplayName("§10.1.1: a handler that reads the body triggers 100 Continue, then the final response")
    void continueSentWhenBodyRead() throws Exception {
        CountDownLatch handlerStarted = new CountDownLatch(1);
        CountDownLatch mayRead = new CountDownLatch(1);
        try (TestServer server = new TestServer(ex -> {
                    handlerStarted.countDown();
                    mayRead.await(5, TimeUnit.SECONDS);
                    byte[] body = ex.body().asInputStream().readAllBytes();
                    ex.response().write(ByteBuffer.wrap(body), true);
                });
                RawClient client = server.connect()) {
            client.send(EXPECTING);
            assertTrue(handlerStarted.await(5, TimeUnit.SECONDS));
            client.setTimeout(300);
            assertTrue(!client.isClosedByServer(), "no 100 before the handler reads");
            client.setTimeout(10_000);
            mayRead.countDown();
            RawClient.Response interim = client.read();
            assertEquals(100, interim.status());
            client.send("hello");
            assertEquals("hello", client.read().text());
        }
    }

    @Test
    @DisplayName("§10.1.1: a handler that answers without reading sends no 100, and the connection closes")
    void noContinueWhenBodyIgnored() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().status(413);
                    ex.response().write(ByteBuffer.wrap("no".getBytes(StandardCharsets.UTF_8)), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send(EXPECTING).read();
            assertEquals(413, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("§10.1.1: HTTP/1.0 requests never get a 100")
    void http10GetsNoContinue() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(
                        ByteBuffer.wrap(ex.body().asInputStream().readAllBytes()), true));
                RawClient client = server.connect()) {
            RawClient.Response response = client.send(
                    "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok").read();
            assertEquals(200, response.status());
            assertEquals("ok", response.text());
        }
    }

    @Test
    @DisplayName("§10.1.1 + RFC 9110 §15.5.14: an announced body over the limit gets 413 instead of the 100, unread")
    void oversizeAnnouncedBodyGets413WithoutContinue() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Http1Config config = Http1Config.DEFAULTS.withLimits(Http1Config.DEFAULTS.limits().withMaxBodySize(4));
        try (TestServer server = new TestServer(config, ex -> {
                    handled.incrementAndGet();
                    ex.response().write(ByteBuffer.wrap(ex.body().asInputStream().readAllBytes()), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send(EXPECTING).read();
            assertEquals(413, response.status(), "the first response is the 413, not a 100");
            assertEquals("close", response.header("Connection"));
            assertTrue(client.isClosedByServer());
            assertEquals(0, handled.get(), "the handler never ran");
        }
    }
}
