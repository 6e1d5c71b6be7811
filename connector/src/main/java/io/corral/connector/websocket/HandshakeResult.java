package io.corral.connector.websocket;

/**
 * What {@link WebSocketHandshake#evaluate} decided about an upgrade request: accept it with a 101, refuse
 * it with a 400, or ask for version 13 with a 426.
 */
public sealed interface HandshakeResult {

    /**
     * @param acceptKey   the {@code Sec-WebSocket-Accept} value; null over HTTP/2 (RFC 8441 §5.1 uses none)
     * @param subprotocol the agreed subprotocol, or null
     * @param deflate     the permessage-deflate agreement, or null
     */
    record Accepted(String acceptKey, String subprotocol, DeflateParameters deflate) implements HandshakeResult {}

    /** A request that is not a valid WebSocket handshake: 400, with a short reason that echoes no input. */
    record Rejected(String reason) implements HandshakeResult {}

    /** The client speaks another protocol version: 426 with {@code Sec-WebSocket-Version: 13} (§4.2.2). */
    record UnsupportedVersion() implements HandshakeResult {}
}
