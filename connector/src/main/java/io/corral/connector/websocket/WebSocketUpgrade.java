package io.corral.connector.websocket;

import io.corral.connector.stream.GoingAway;
import io.corral.connector.stream.HttpExchange;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a native HTTP exchange into a WebSocket connection: what an {@link io.corral.connector.stream.HttpHandler}
 * calls when a request asks for an upgrade. Invalid handshakes are answered here (400, or 426 naming
 * version 13); a valid one gets its 101 with {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Accept}
 * and the agreed subprotocol and extension, and once the HTTP engine has written it, the connection's own
 * thread runs a {@link WebSocketConnection} with any bytes the client pipelined behind the handshake.
 *
 * <p>Over HTTP/2 (RFC 8441) the same call answers an extended CONNECT: a 200 with only the agreed subprotocol and
 * extension (§5.1), and the same {@link WebSocketConnection} then runs on the stream, which the HTTP/2 engine
 * presents as a byte connection; a bad frame there closes that stream's WebSocket, never the HTTP/2 connection.
 */
public final class WebSocketUpgrade {

    private WebSocketUpgrade() {}

    /** Upgrades with the default subprotocol choice (the first the client offers among the configured ones). */
    public static boolean upgrade(HttpExchange exchange, WebSocketHandler handler, WebSocketConfig config) throws IOException {
        return upgrade(exchange, handler, config, SubprotocolSelector.firstSupported(config.subprotocols()));
    }

    /**
     * @return true when the 101 is on its way and the connection will become a WebSocket; false when the
     *         handshake was refused and its error response written
     */
    public static boolean upgrade(HttpExchange exchange, WebSocketHandler handler, WebSocketConfig config,
                                  SubprotocolSelector selector) throws IOException {
        HttpResponse response = exchange.response();
        switch (WebSocketHandshake.evaluate(exchange.request(), config, selector)) {
            case HandshakeResult.Rejected rejected -> {
                refuse(response, 400, rejected.reason());
                return false;
            }
            case HandshakeResult.UnsupportedVersion unsupported -> {
                response.headers().set("Sec-WebSocket-Version", WebSocketHandshake.VERSION);
                // RFC 9110 §15.5.22: a 426 names the protocol to upgrade to.
                response.headers().set("Upgrade", "websocket");
                refuse(response, 426, "WebSocket version 13 required");
                return false;
            }
            case HandshakeResult.Accepted accepted -> {
                HttpHeaders headers;
                if (accepted.acceptKey() == null) {
                    headers = response.status(200).headers(); // RFC 8441 §5: the extended CONNECT's 2xx
                } else {
                    headers = response.status(101).headers();
                    headers.set("Upgrade", "websocket");
                    headers.set("Connection", "Upgrade");
                    headers.set("Sec-WebSocket-Accept", accepted.acceptKey());
                }
                if (accepted.subprotocol() != null) {
                    headers.set("Sec-WebSocket-Protocol", accepted.subprotocol());
                }
                if (accepted.deflate() != null) {
                    headers.set("Sec-WebSocket-Extensions", accepted.deflate().toHeaderValue());
                }
                // The engine-wide notice, not the exchange: the lambda lives as long as the WebSocket.
                GoingAway goingAway = exchange.goingAway();
                exchange.upgrade((connection, leftover) -> {
                    WebSocketConnection webSocket = new WebSocketConnection(connection, handler, config,
                            accepted.deflate(), accepted.subprotocol());
                    webSocket.goAwayWhenDraining(goingAway);
                    return webSocket.run(leftover);
                });
                response.end();
                return true;
            }
        }
    }

    private static void refuse(HttpResponse response, int status, String reason) throws IOException {
        response.status(status);
        response.headers().set("Content-Type", "text/plain; charset=utf-8");
        response.write(ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8)), true);
    }
}
