package io.corral.connector.http1.wire;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.stream.HttpHandler;
import java.io.IOException;

/** A listener on 127.0.0.1, ephemeral port, running the HTTP/1.1 engine with one handler. */
final class TestServer implements AutoCloseable {

    private final Listener listener;

    TestServer(Http1Config config, HttpHandler handler) throws IOException {
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new Http1Protocol(config, handler));
        listener.start();
    }

    TestServer(HttpHandler handler) throws IOException {
        this(Http1Config.DEFAULTS, handler);
    }

    int port() {
        return listener.localPort();
    }

    Listener listener() {
        return listener;
    }

    RawClient connect() throws IOException {
        return new RawClient(port());
    }

    @Override
    public void close() {
        listener.stop();
    }
}
