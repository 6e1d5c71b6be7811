package io.corral.connector.websocket;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Corral's whole stack on 127.0.0.1, ephemeral port: a {@link Listener} running {@link Http1Protocol},
 * whose handler upgrades {@code /echo} to a WebSocket with a fresh handler per connection and answers
 * everything else with 404.
 */
final class EchoServer implements AutoCloseable {

    private final Listener listener;
    private final Http1Protocol protocol;

    EchoServer(WebSocketConfig config, Supplier<WebSocketHandler> handlers) throws Exception {
        protocol = new Http1Protocol(Http1Config.DEFAULTS, exchange -> {
            if (exchange.request().target().startsWith("/echo")) {
                WebSocketUpgrade.upgrade(exchange, handlers.get(), config);
            } else {
                exchange.response().status(404);
                exchange.response().write(ByteBuffer.wrap("no such endpoint\n".getBytes(StandardCharsets.UTF_8)), true);
            }
        });
        listener = new Listener(ListenerConfig.defaults()
                .withAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withName("websocket-test"), protocol);
        listener.start();
    }

    /** A server whose connections echo every message back. */
    static EchoServer echoing(WebSocketConfig config) throws Exception {
        return new EchoServer(config, RecordingHandler::echoing);
    }

    /** The listener, for tests that look at its connections. */
    Listener listener() {
        return listener;
    }

    /** The HTTP engine in front of the WebSocket, for tests that drain it. */
    Http1Protocol protocol() {
        return protocol;
    }

    int port() {
        return listener.localPort();
    }

    /** A raw frame client on {@code /echo}, its handshake done: a socket read times out after {@code timeout}. */
    TestClient connectRaw(java.time.Duration timeout) throws java.io.IOException {
        return connectRaw(timeout, 0);
    }

    /** As {@link #connectRaw(java.time.Duration)}, with a send buffer of {@code sendBuffer} bytes when positive. */
    TestClient connectRaw(java.time.Duration timeout, int sendBuffer) throws java.io.IOException {
        // From a channel, so that a test may also drive it without blocking (socket().getChannel()).
        java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open();
        if (sendBuffer > 0) {
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, sendBuffer);
        }
        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        java.net.Socket socket = channel.socket();
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new java.io.IOException("no handshake answer: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new java.io.IOException("handshake refused: " + head);
            }
            return new TestClient(socket);
        } catch (java.io.IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        listener.close();
    }
}
