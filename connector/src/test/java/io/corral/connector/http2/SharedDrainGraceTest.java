package io.corral.connector.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.stream.HttpHandler;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 and HTTP/2 on one port drain their WebSockets with one grace, HTTP/1.1's ({@code setUpgradedDrainGrace}):
 * a WebSocket tunnelled in an HTTP/2 stream (RFC 8441) is told to go away when one upgraded over HTTP/1.1 is
 * ({@code Rfc8441WebSocketTest} shows the grace at work on the wire).
 */
class SharedDrainGraceTest {

    private static final HttpHandler OK = exchange -> exchange.response().write(ByteBuffer.allocate(0), true);

    @Test
    void cleartextPortsDrainHttp2TunnelsWithHttp11sGrace() {
        Http1Protocol http1 = new Http1Protocol(Http1Config.DEFAULTS, OK);
        CleartextProtocol port = new CleartextProtocol(http1, Http2Config.DEFAULTS, OK);
        drainsWith(http1, port);
    }

    @Test
    void alpnPortsDrainHttp2TunnelsWithHttp11sGrace() {
        Http1Protocol http1 = new Http1Protocol(Http1Config.DEFAULTS, OK);
        AlpnProtocol port = new AlpnProtocol(http1, Http2Config.DEFAULTS, OK);
        drainsWith(http1, port);
    }

    private static void drainsWith(Http1Protocol http1, Http1AndHttp2 port) {
        http1.setUpgradedDrainGrace(Duration.ofSeconds(7));
        assertEquals(Http1Protocol.DEFAULT_UPGRADED_DRAIN_GRACE, port.http2.upgradedDrainGrace(), "before a drain");
        try {
            port.drain();
            assertEquals(Duration.ofSeconds(7), port.http2.upgradedDrainGrace(), "the port's grace, HTTP/1.1's");
        } finally {
            port.start(); // withdraws the drain's pending go-away
        }
    }
}
