package io.corral.connector.http2.wire;

import io.corral.connector.http1.HttpHandler;
import io.corral.connector.http2.Http2Config;
import io.corral.connector.http2.Http2Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import java.io.IOException;

/** A listener on 127.0.0.1, ephemeral port, serving HTTP/2 by prior knowledge with one native handler. */
final class H2TestServer implements AutoCloseable {

    private final Listener listener;

    H2TestServer(Http2Config config, HttpHandler handler) throws IOException {
        listener = new Listener(ListenerConfig.defaults().withHost("127.0.0.1").withPort(0),
                new Http2Protocol(config, handler));
        listener.start();
    }

    Listener listener() {
        return listener;
    }

    int port() {
        return listener.localPort();
    }

    H2Client connect() throws IOException {
        return new H2Client(listener.localPort());
    }

    @Override
    public void close() {
        listener.stop();
    }
}
