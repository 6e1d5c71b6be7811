package io.corral.connector.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * End to end with a third-party client: the JDK's {@code java.net.http} WebSocket against Corral's
 * listener, HTTP/1.1 engine and WebSocket engine, over real loopback sockets.
 */
class JdkClientEchoTest {

    private static EchoServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.echoing(WebSocketConfig.DEFAULTS.withMaxMessageSize(1 << 20).withMaxFrameSize(1 << 20).withSubprotocols(List.of("echo.v1")));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    /** Gathers whole messages (the JDK hands them over in parts) and the close. */
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            messages.add(new Pong(bytes));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object message = messages.poll(10, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message within 10 s");
            }
            return message;
        }
    }

    record Pong(byte[] payload) {}

    private static WebSocket connect(Collector collector) throws Exception {
        return http.newWebSocketBuilder().buildAsync(server.uri("/echo"), collector).get(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("text and binary messages of many sizes echo back whole")
    void echo() throws Exception {
        Collector collector = new Collector();
        WebSocket ws = connect(collector);
        Random random = new Random(1);
        for (int length : new int[] {0, 1, 32, 125, 126, 511, 512, 65535, 65536, 200_000}) {
            StringBuilder text = new StringBuilder();
            while (text.length() < length) {
                text.append(random.nextInt(10) == 0 ? 'ü' : (char) ('a' + random.nextInt(26)));
            }
            ws.sendText(text, true).get(10, TimeUnit.SECONDS);
            assertEquals(text.toString(), collector.next(), "text of " + length);
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
            assertArrayEquals(bytes, (byte[]) collector.next(), "binary of " + length);
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, collector.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("a message the client sends in parts arrives as one message")
    void partialMessages() throws Exception {
        Collector collector = new Collector();
        WebSocket ws = connect(collector);
        ws.sendText("Hel", false).get(10, TimeUnit.SECONDS);
        ws.sendText("lo, ", false).get(10, TimeUnit.SECONDS);
        ws.sendText("world", true).get(10, TimeUnit.SECONDS);
        assertEquals("Hello, world", collector.next());
        ws.abort();
    }

    @Test
    @DisplayName("the client's ping gets a pong with the same payload")
    void ping() throws Exception {
        Collector collector = new Collector();
        WebSocket ws = connect(collector);
        ws.sendPing(ByteBuffer.wrap(new byte[] {4, 2})).get(10, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {4, 2}, assertInstanceOf(Pong.class, collector.next()).payload());
        ws.abort();
    }

    @Test
    @DisplayName("the subprotocol the client offers and the server speaks is agreed")
    void subprotocol() throws Exception {
        WebSocket ws = http.newWebSocketBuilder().subprotocols("other", "echo.v1")
                .buildAsync(server.uri("/echo"), new Collector()).get(10, TimeUnit.SECONDS);
        assertEquals("echo.v1", ws.getSubprotocol());
        ws.abort();
    }

    @Test
    @DisplayName("a path without a WebSocket endpoint fails the client's handshake with the server's 404")
    void notAnEndpoint() {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> http.newWebSocketBuilder().buildAsync(server.uri("/nothing"), new Collector()).get(10, TimeUnit.SECONDS));
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(404, handshake.getResponse().statusCode());
    }

    @Test
    @DisplayName("twenty clients at once, each echoing fifty messages in order")
    void concurrentClients() throws Exception {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int c = 0; c < 20; c++) {
            int client = c;
            clients.add(CompletableFuture.runAsync(() -> {
                try {
                    Collector collector = new Collector();
                    WebSocket ws = connect(collector);
                    for (int m = 0; m < 50; m++) {
                        String message = "client " + client + " message " + m;
                        ws.sendText(message, true).get(10, TimeUnit.SECONDS);
                        assertEquals(message, collector.next());
                    }
                    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
                    assertEquals(WebSocket.NORMAL_CLOSURE, collector.closed.get(10, TimeUnit.SECONDS));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, r -> Thread.ofVirtual().start(r)));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertTrue(clients.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
    }
}
