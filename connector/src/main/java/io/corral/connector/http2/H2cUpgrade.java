package io.corral.connector.http2;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/2 by {@code Upgrade: h2c} from HTTP/1.1 (RFC 7540 §3.2, deprecated by RFC 9113 §3.1 but still sent by some
 * clients): wraps the native handler of an {@code Http1Protocol} so that a request asking for h2c, with exactly one
 * valid {@code HTTP2-Settings} and no body, gets a 101 and continues as HTTP/2, its own response coming on stream 1;
 * every other request, including one whose upgrade cannot be honoured, is served as HTTP/1.1 by the same handler, as
 * RFC 9110 §7.8 lets a server ignore {@code Upgrade}. A request with a body is not upgraded (it would have to be
 * read whole first). Nor is one on a TLS connection: there {@code h2} is agreed by ALPN ({@link AlpnProtocol}).
 */
public final class H2cUpgrade {

    private H2cUpgrade() {
    }

    /** The handler, with h2c upgrades taken over by HTTP/2 under {@code config}. */
    public static HttpHandler wrap(HttpHandler handler, Http2Config config) {
        ByteArrayPool inputBuffers = upgradedInputBuffers(config);
        return new HttpHandler() {
            @Override
            public void handle(HttpExchange exchange) throws Exception {
                // h2c is HTTP/2 over cleartext TCP (RFC 7540 §3.2); over TLS, HTTP/2 is agreed by ALPN or not at all.
                List<Http2Frame.Setting> settings = exchange.isSecure() ? null : upgradeSettings(exchange.request());
                if (settings == null) {
                    handler.handle(exchange);
                    return;
                }
                RequestHead request = asHttp2(exchange.request());
                exchange.response().status(101).headers().set("Connection", "Upgrade").set("Upgrade", "h2c");
                long connectionId = exchange.connectionId();
                GoingAway goingAway = exchange.goingAway();
                exchange.upgrade((connection, leftover) -> {
                    Http2Connection http2 = new Http2Connection(connection, config, handler, connectionId,
                            inputBuffers, goingAway);
                    // The HTTP/1.1 protocol's drain reaches it here (an Http2Protocol's list never has it): GOAWAY
                    // as soon as the drain begins, while it hibernates too.
                    GoingAway.Registration drain = goingAway.onDrain(http2::drain);
                    return Hibernation.ensuring(() -> http2.serveUpgraded(request, settings,
                            leftover == null ? ByteBuffer.allocate(0) : leftover), drain::close);
                });
                exchange.response().end();
            }

            /** The wrapped handler may keep per-connection state it drops while the connection is idle. */
            @Override
            public void connectionHibernating() {
                handler.connectionHibernating();
            }
        };
    }

    /**
     * Input buffers for upgraded connections, one pool per buffer size for the whole process: an embedder may wrap a
     * handler per connection (the Jetty adapter does), and a pool of its own would keep each one's buffer while it
     * hibernates.
     */
    private static ByteArrayPool upgradedInputBuffers(Http2Config config) {
        return UPGRADED_INPUT_BUFFERS.computeIfAbsent(Http2Frame.HEADER_LENGTH + config.maxFrameSize(),
                size -> Http2Protocol.inputBuffers(config));
    }

    private static final Map<Integer, ByteArrayPool> UPGRADED_INPUT_BUFFERS = new ConcurrentHashMap<>();

    /** The client's settings when this request may be upgraded, else null. */
    static List<Http2Frame.Setting> upgradeSettings(RequestHead request) {
        HttpHeaders headers = request.headers();
        if (request.version() != HttpVersion.HTTP_1_1 || request.hasBody()
                || !hasToken(headers.getAll("Upgrade"), "h2c")
                || !hasToken(headers.getAll("Connection"), "upgrade")
                || !hasToken(headers.getAll("Connection"), "http2-settings")) {
            return null;
        }
        // RFC 7540 §3.2.1: "A server MUST NOT upgrade the connection to HTTP/2 if this header field is not present or
        // if more than one is present."
        List<String> values = headers.getAll("HTTP2-Settings");
        if (values.size() != 1) {
            return null;
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(values.getFirst().replace("=", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
        ByteBuffer frame = ByteBuffer.allocate(Http2Frame.HEADER_LENGTH + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) Http2Frame.SETTINGS).put((byte) 0).putInt(0).put(payload).flip();
        try {
            Http2Frame parsed = Http2FrameParser.forServer(Http2Frame.LARGEST_MAX_FRAME_SIZE).parse(frame);
            return parsed instanceof Http2Frame.Settings settings ? settings.settings() : null;
        } catch (Http2Exception e) {
            return null;
        }
    }

    /**
     * The upgrading request as stream 1 sees it: HTTP/2, without the fields that only served the upgrade, names in
     * lowercase.
     */
    private static RequestHead asHttp2(RequestHead request) {
        HttpHeaders headers = new HttpHeaders();
        for (HttpHeaders.Field field : request.headers()) {
            String name = field.name().toLowerCase(Locale.ROOT);
            if (!name.equals("connection") && !name.equals("upgrade") && !name.equals("http2-settings")
                    && !name.equals("keep-alive")) {
                // In lowercase, as HTTP/2 carries every name (RFC 9113 §8.2.1): the host the client sent is then
                // never taken for one made from :authority (Http2Protocol.HOST_FROM_AUTHORITY).
                headers.add(name, field.value());
            }
        }
        return new RequestHead(request.method(), request.target(), request.targetForm(), HttpVersion.HTTP_2, headers,
                BodyFraming.NONE, true, false);
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
