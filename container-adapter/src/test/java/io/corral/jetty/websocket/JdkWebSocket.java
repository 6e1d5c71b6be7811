package io.corral.jetty.websocket;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http.WebSocket}, a real third-party client, as the tests use it: whole
 * messages (fragments gathered) and the close arrive as {@link Event}s in order, each awaited with a
 * deadline. It is the same client for both connectors, so any difference a test sees is the server's.
 */
final class JdkWebSocket implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    /** What the server sent, as the client's listener saw it. */
    sealed interface Event {}

    record Text(String text) implements Event {}

    record Binary(byte[] bytes) implements Event {}

    record Closed(int code, String reason) implements Event {}

    record Failed(Throwable error) implements Event {}

    private final WebSocket socket;
    private final BlockingQueue<Event> events;

    private JdkWebSocket(WebSocket socket, BlockingQueue<Event> events) {
        this.socket = socket;
        this.events = events;
    }

    static JdkWebSocket connect(URI uri) throws Exception {
        return connect(uri, Map.of(), List.of());
    }

    static JdkWebSocket connect(URI uri, Map<String, String> headers, List<String> subprotocols) throws Exception {
        return connect(CLIENT, uri, headers, subprotocols);
    }

    /** Through a client of the test's own (one trusting the test certificate, for {@code wss:}). */
    static JdkWebSocket connect(HttpClient client, URI uri, Map<String, String> headers, List<String> subprotocols)
            throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        WebSocket socket = builder.buildAsync(uri, new Collector(events)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        return new JdkWebSocket(socket, events);
    }

    WebSocket socket() {
        return socket;
    }

    Event next() throws InterruptedException {
        Event event = events.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("nothing from the server within " + TIMEOUT.toMillis() + " ms");
        }
        return event;
    }

    String nextText() throws InterruptedException {
        return switch (next()) {
            case Text text -> text.text();
            case Event other -> throw new AssertionError("expected a text message, got " + other);
        };
    }

    byte[] nextBinary() throws InterruptedException {
        return switch (next()) {
            case Binary binary -> binary.bytes();
            case Event other -> throw new AssertionError("expected a binary message, got " + other);
        };
    }

    Closed nextClose() throws InterruptedException {
        return switch (next()) {
            case Closed closed -> closed;
            case Event other -> throw new AssertionError("expected the close, got " + other);
        };
    }

    void sendText(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendClose(int code, String reason) throws Exception {
        socket.sendClose(code, reason).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        socket.abort();
    }

    /** Gathers fragments into whole messages and asks for one more each time. */
    private static final class Collector implements WebSocket.Listener {
        private final BlockingQueue<Event> events;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Collector(BlockingQueue<Event> events) {
            this.events = events;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(new Text(text.toString()));
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
                events.add(new Binary(binary.toByteArray()));
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            events.add(new Closed(statusCode, reason));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            events.add(new Failed(error));
        }
    }
}
