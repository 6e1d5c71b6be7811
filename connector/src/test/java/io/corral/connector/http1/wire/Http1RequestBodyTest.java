package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Streaming request bodies (RFC 9112 §6.2, §7.1), blocking and by demand. */
class Http1RequestBodyTest {

    @Test
    @DisplayName("§7.1: chunked body with extensions and trailers is decoded; trailers reach the handler")
    void chunkedWithTrailers() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    String body = new String(ex.body().asInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    String reply = body + "|" + ex.body().trailers().get("X-Sum");
                    ex.response().write(ByteBuffer.wrap(reply.getBytes(StandardCharsets.UTF_8)), true);
                });
                RawClient client = server.connect()) {
            client.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nWiki\r\n5;a=\"q\"\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\n");
            assertEquals("Wikipedia|9", client.read().text());
        }
    }

    @Test
    @DisplayName("a body arriving slowly in pieces is streamed to the handler as it comes")
    void bodyStreamsAsItArrives() throws Exception {
        CompletableFuture<String> firstPiece = new CompletableFuture<>();
        try (TestServer server = new TestServer(ex -> {
                    byte[] buffer = new byte[100];
                    int n = ex.body().read(buffer, 0, buffer.length);
                    firstPiece.complete(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    ByteArrayOutputStream rest = new ByteArrayOutputStream();
                    ex.body().asInputStream().transferTo(rest);
                    ex.response().write(ByteBuffer.wrap(rest.toByteArray()), true);
                });
                RawClient client = server.connect()) {
            client.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nfirst");
            assertEquals("first", firstPiece.get(5, TimeUnit.SECONDS), "delivered before the rest was sent");
            client.send("-rest");
            assertEquals("-rest", client.read().text());
        }
    }

    @Test
    @DisplayName("demand(): the callback runs on another thread once bytes are there; readAvailable gets them")
    void demandThenReadAvailable() throws Exception {
        try (TestServer server = new TestServer(ex -> {
                    ByteArrayOutputStream collected = new ByteArrayOutputStream();
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    Runnable[] onAvailable = new Runnable[1];
                    Thread handlerThread = Thread.currentThread();
                    onAvailable[0] = () -> {
                        try {
                            if (Thread.currentThread() == handlerThread) {
                                throw new AssertionError("callback ran inside demand()");
                            }
                            while (true) {
                                ByteBuffer piece = ex.body().readAvailable();
                                if (piece == null) {
                                    done.complete(null);
                                    return;
                                }
                                if (!piece.hasRemaining()) {
                                    ex.body().demand(onAvailable[0]);
                                    return;
                                }
                                byte[] bytes = new byte[piece.remaining()];
                                piece.get(bytes);
                                collected.writeBytes(bytes);
                            }
                        } catch (Throwable t) {
                            done.completeExceptionally(t);
                        }
                    };
                    ex.body().demand(onAvailable[0]);
                    done.get(10, TimeUnit.SECONDS);
                    ex.response().write(ByteBuffer.wrap(collected.toByteArray()), true);
                });
                RawClient client = server.connect()) {
            client.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
            client.send("2\r\nde\r\n0\r\n\r\n");
            assertEquals("abcde", client.read().text());
        }
    }
}
