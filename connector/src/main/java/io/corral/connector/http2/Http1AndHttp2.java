package io.corral.connector.http2;

import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Admission;
import io.corral.connector.listener.Protocol;
import io.corral.connector.stream.HttpHandler;

/**
 * HTTP/1.1 and HTTP/2 on one port: what {@link AlpnProtocol} (TLS, chosen by ALPN) and {@link CleartextProtocol}
 * (plain, chosen by the preface) share once a connection's protocol is chosen — one lifecycle for both parts: a
 * drain and a restart reach each, and HTTP/1.1's admission floor applies on the port. The subclasses only choose.
 */
abstract sealed class Http1AndHttp2 implements Protocol permits AlpnProtocol, CleartextProtocol {

    final Protocol http1;
    final Http2Protocol http2;

    Http1AndHttp2(Protocol http1, Http2Config config, HttpHandler handler) {
        this.http1 = http1;
        this.http2 = new Http2Protocol(config, handler);
    }

    /** The HTTP/1.1 part as an {@code Http1Protocol}: serving with a handler per connection needs one. */
    final Http1Protocol http1Protocol() {
        if (!(http1 instanceof Http1Protocol http1Protocol)) {
            throw new IllegalStateException("a handler per connection needs an Http1Protocol, not " + http1);
        }
        return http1Protocol;
    }

    @Override
    public final void drain() {
        if (http1 instanceof Http1Protocol http1Protocol) {
            // One grace for the port's WebSockets, over HTTP/1.1 or tunnelled in HTTP/2 streams: HTTP/1.1's setting.
            http2.setUpgradedDrainGrace(http1Protocol.upgradedDrainGrace());
        }
        http1.drain();
        http2.drain();
    }

    @Override
    public final void start() {
        http1.start();
        http2.start();
    }

    /** HTTP/1.1's near-full body floor applies on this port too. */
    @Override
    public final void watchAdmission(Admission admission) {
        http1.watchAdmission(admission);
    }
}
