package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http1.Http1Config;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** RFC 9112 §9: connection management — persistence, pipelining, closing. */
class Rfc9112ConnectionManagementTest {

    private static ByteBuffer text(String body) {
        return ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("§9.3: HTTP/1.1 connections persist unless Connection: close")
    void http11PersistsByDefault() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text("n" + ex.requestNumber()), true));
                RawClient client = server.connect()) {
            for (int i = 1; i <= 3; i++) {
                RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
                assertEquals(200, response.status());
                assertEquals("n" + i, response.text());
                assertNull(response.header("Connection"));
            }
        }
    }

    @Test
    @DisplayName("§9.6: Connection: close from the client ends the connection after the response")
    void clientCloseEndsConnection() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text("bye"), true));
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").read();
            assertEquals("close", response.header("Connection"));
            assertEquals("bye", response.text());
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("§9.3: HTTP/1.0 persists only with Connection: keep-alive, and is told so")
    void http10KeepAlive() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text("x"), true))) {
            try (RawClient client = server.connect()) {
                RawClient.Response response = client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertEquals("keep-alive", response.header("Connection"));
                assertEquals(200, client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status());
            }
            try (RawClient client = server.connect()) {
                RawClient.Response response = client.send("GET / HTTP/1.0\r\n\r\n").read();
                assertEquals("close", response.header("Connection"));
                assertTrue(client.isClosedByServer());
            }
        }
    }

    @Test
    @DisplayName("§9.3.2: pipelined requests are answered in order, each whole")
    void pipelinedResponsesInOrder() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    byte[] body = ex.body().asInputStream().readAllBytes();
                    ex.response().write(ByteBuffer.wrap((ex.request().target() + ":" + body.length)
                            .getBytes(StandardCharsets.UTF_8)), true);
                });
                RawClient client = server.connect()) {
            client.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                    + "POST /chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /last HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("/first:0", client.read().text());
            assertEquals("/body:5", client.read().text());
            assertEquals("/chunked:3", client.read().text());
            assertEquals("/last:0", client.read().text());
        }
    }

    @Test
    @DisplayName("§9.3: a body the handler did not read is discarded and the connection goes on")
    void unreadBodyDiscarded() throws Exception {
        try (TestServer server = new TestServer(ex -> ex.response().write(text(ex.request().target()), true));
                RawClient client = server.connect()) {
            client.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789"
                    + "GET /b HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals("/a", client.read().text());
            assertEquals("/b", client.read().text());
        }
    }

    @Test
    @DisplayName("§9.3: an unread body over the discard budget closes the connection instead")
    void unreadBodyOverBudgetCloses() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withMaxUnreadBodyToDiscard(4);
        try (TestServer server = new TestServer(config, ex -> ex.response().write(text("ok"), true));
                RawClient client = server.connect()) {
            client.send("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789");
            assertEquals("ok", client.read().text());
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("configuration: persistent connections off → every response closes")
    void persistenceDisabled() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withPersistentConnections(false);
        try (TestServer server = new TestServer(config, ex -> ex.response().write(text("ok"), true));
                RawClient client = server.connect()) {
            assertEquals("close", client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().header("Connection"));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("configuration: maxRequestsPerConnection closes after the last allowed request, not before")
    void maxRequestsPerConnection() throws Exception {
        Http1Config config = Http1Config.DEFAULTS.withMaxRequestsPerConnection(2);
        try (TestServer server = new TestServer(config, ex -> ex.response().write(text("ok"), true));
                RawClient client = server.connect()) {
            assertNull(client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().header("Connection"));
            assertEquals("close", client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read().header("Connection"));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    @DisplayName("§9.6: a handler's Connection: close is honoured and written by the engine once")
    void handlerConnectionClose() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ex.response().headers().add("Connection", "close");
                    ex.response().write(text("x"), true);
                });
                RawClient client = server.connect()) {
            RawClient.Response response = client.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n").read();
            assertEquals("close", response.header("Connection"));
            assertTrue(client.isClosedByServer());
            assertFalse(response.headers().containsKey("keep-alive"));
        }
    }
}
