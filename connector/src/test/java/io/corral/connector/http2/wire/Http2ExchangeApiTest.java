package io.corral.connector.http2.wire;

import static io.corral.connector.http2.wire.H2Client.get;
import static io.corral.connector.http2.wire.H2Client.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The native handler API over HTTP/2, the parts a handler written for HTTP/1.1 relies on: the response's output
 * stream, HEAD and 204 without a body, 1xx and {@code Expect: 100-continue}, and the body's non-blocking
 * {@code demand}/{@code readAvailable}.
 */
class Http2ExchangeApiTest {

    @Test
    void anOutputStreamResponseInSeveralWritesHasNoContentLengthAndArrivesWhole() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            try (OutputStream out = exchange.response().asOutputStream()) {
                for (int i = 0; i < 3000; i++) {
                    out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            H2Client.Response response = client.response(1);
            assertNull(response.header("content-length"));
            assertEquals(3000, response.body().lines().count());
            assertTrue(response.body().endsWith("line 2999\n"));
        }
    }

    @Test
    void headAnd204CarryNoBody() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            if (exchange.request().target().equals("/204")) {
                exchange.response().status(204);
            }
            exchange.response().write(ByteBuffer.wrap("body".getBytes(StandardCharsets.US_ASCII)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, List.of(new HeaderField(":method", "HEAD"), new HeaderField(":scheme", "http"),
                    new HeaderField(":path", "/"), new HeaderField(":authority", "x")), true);
            H2Client.Response head = client.response(1);
            assertEquals(200, head.status());
            assertEquals("", head.body());
            client.request(3, get("/204"), true);
            H2Client.Response noContent = client.response(3);
            assertEquals(204, noContent.status());
            assertEquals("", noContent.body());
            assertNull(noContent.header("content-length"));
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheHandlerFirstReads() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            byte[] body = exchange.body().asInputStream().readAllBytes();
            exchange.response().write(ByteBuffer.wrap(body), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, with(Rfc9113StreamsTest.post("/"), "expect", "100-continue"), false);
            Http2Frame.Headers interim = (Http2Frame.Headers) client.nextMatching(f -> f instanceof Http2Frame.Headers);
            assertEquals(false, interim.endStream(), "the 100 comes before the body is sent");
            client.send(new Http2Frame.Data(1, "later".getBytes(StandardCharsets.US_ASCII), true));
            H2Client.Response response = client.response(1);
            assertEquals(200, response.status(), "the 100 was skipped as informational: " + response);
            assertEquals("later", response.body());
        }
    }

    @Test
    void anInformationalResponseBeforeTheFinalOne() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            exchange.response().sendInformational(103, new HttpHeaders().add("Link", "</a.css>; rel=preload"));
            exchange.response().end();
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/"), true);
            Http2Frame.Headers early = (Http2Frame.Headers) client.nextMatching(f -> f instanceof Http2Frame.Headers);
            assertEquals(false, early.endStream());
            assertEquals(200, client.response(1).status());
        }
    }

    @Test
    void demandAndReadAvailableDeliverTheBodyWithoutBlocking() throws Exception {
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            ByteArrayOutputStream collected = new ByteArrayOutputStream();
            CompletableFuture<byte[]> done = new CompletableFuture<>();
            Runnable[] onAvailable = new Runnable[1];
            onAvailable[0] = () -> {
                try {
                    while (true) {
                        ByteBuffer chunk = exchange.body().readAvailable();
                        if (chunk == null) {
                            done.complete(collected.toByteArray());
                            return;
                        }
                        if (!chunk.hasRemaining()) {
                            exchange.body().demand(onAvailable[0]);
                            return;
                        }
                        collected.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
                    }
                } catch (Exception e) {
                    done.completeExceptionally(e);
                }
            };
            exchange.body().demand(onAvailable[0]);
            exchange.response().write(ByteBuffer.wrap(done.get(10, TimeUnit.SECONDS)), true);
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, Rfc9113StreamsTest.post("/"), false);
            client.send(new Http2Frame.Data(1, "one,".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Data(1, "two,".getBytes(StandardCharsets.US_ASCII), false));
            client.send(new Http2Frame.Data(1, "three".getBytes(StandardCharsets.US_ASCII), true));
            assertEquals("one,two,three", client.response(1).body());
        }
    }

    @Test
    void aContentLengthTheHandlerSetIsHeldToAsOnHttp11() throws Exception {
        java.util.Map<String, String> failures = new java.util.concurrent.ConcurrentHashMap<>();
        try (H2TestServer server = new H2TestServer(Http2Config.DEFAULTS, exchange -> {
            String target = exchange.request().target();
            var response = exchange.response();
            try {
                switch (target) {
                    case "/short" -> {
                        response.headers().set("content-length", "10");
                        response.write(ByteBuffer.wrap("12345".getBytes(StandardCharsets.US_ASCII)), true);
                    }
                    case "/long" -> {
                        response.headers().set("content-length", "3");
                        response.write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)), false);
                        response.write(ByteBuffer.wrap("cd".getBytes(StandardCharsets.US_ASCII)), true);
                    }
                    case "/exact" -> {
                        response.headers().set("content-length", "4");
                        response.write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)), false);
                        response.write(ByteBuffer.wrap("cd".getBytes(StandardCharsets.US_ASCII)), true);
                    }
                    default -> {
                        response.status(204).headers().set("content-length", "0");
                        response.end();
                    }
                }
            } catch (java.io.IOException e) {
                failures.put(target, e.getMessage());
                throw e;
            }
        }); H2Client client = server.connect()) {
            client.handshake();
            client.request(1, get("/short"), true);
            H2Client.Response shortOne = client.response(1);
            assertEquals(500, shortOne.status(), "nothing was sent yet: the engine's 500");
            assertEquals("response body ended 5 bytes short of its content-length", failures.get("/short"));
            client.request(3, get("/long"), true);
            assertEquals(Http2ErrorCode.INTERNAL_ERROR.code(), client.reset(3).errorCode(),
                    "the head went out: the stream is reset, never ended as if whole");
            assertEquals("response body longer than its content-length of 3", failures.get("/long"));
            client.request(5, get("/exact"), true);
            H2Client.Response exact = client.response(5);
            assertEquals("abcd", exact.body());
            assertEquals("4", exact.header("content-length"));
            client.request(7, get("/204"), true);
            H2Client.Response noContent = client.response(7);
            assertEquals(204, noContent.status());
            assertNull(noContent.header("content-length"), "RFC 9110 §8.6: none on a 204");
        }
    }
}
