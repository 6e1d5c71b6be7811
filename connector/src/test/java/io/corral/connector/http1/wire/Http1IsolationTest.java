package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Cowboy's promise: a slow or stuck request never delays another connection. */
class Http1IsolationTest {

    @Test
    @DisplayName("a handler blocked on one connection does not delay requests on others")
    void slowHandlerDoesNotDelayOthers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        try (TestServer server = new TestServer(ex -> {
                    if (ex.request().target().equals("/stuck")) {
                        blocked.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    }
                    ex.response().write(ByteBuffer.wrap(ex.request().target().getBytes(StandardCharsets.UTF_8)), true);
                });
                RawClient stuck = server.connect()) {
            stuck.send("GET /stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertTrue(blocked.await(5, TimeUnit.SECONDS));
            for (int i = 0; i < 50; i++) {
                try (RawClient other = server.connect()) {
                    assertEquals("/other", other.send("GET /other HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
                }
            }
            release.countDown();
            assertEquals("/stuck", stuck.read().text());
        }
    }

    @Test
    @DisplayName("each request runs on a new virtual thread, never reused")
    void newVirtualThreadPerRequest() throws Exception {
        java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (TestServer server = new TestServer(ex -> {
                    assertTrue(Thread.currentThread().isVirtual());
                    threads.add(Thread.currentThread());
                    ex.response().end();
                });
                RawClient client = server.connect()) {
            for (int i = 0; i < 20; i++) {
                assertEquals(200, client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
            }
        }
        assertEquals(20, threads.size());
    }
}
