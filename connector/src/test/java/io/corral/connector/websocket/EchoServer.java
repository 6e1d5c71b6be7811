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

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    @Override
    public void close() {
        listener.close();
    }
}
