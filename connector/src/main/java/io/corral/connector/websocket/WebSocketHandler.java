package io.corral.connector.websocket;

import java.nio.ByteBuffer;

/**
 * The native WebSocket endpoint: Cowboy's {@code websocket_handle}/{@code websocket_info} in Java. Every
 * callback runs on the connection's own virtual thread, one at a time and in the order messages arrived,
 * so a handler may block — it then stalls only its own connection (no frame is read meanwhile, and the
 * client feels that as backpressure). Sending is not tied to callbacks: {@link WebSocketSession} may be
 * used from any thread at any time. All methods do nothing by default.
 *
 * <p>{@link #onClose} is called exactly once, last. {@link #onError} comes before it when the connection
 * ends through a failure rather than a close handshake: the peer broke the protocol, an I/O error, a
 * send timeout, or an exception thrown by this handler (which closes the connection with 1011).
 */
public interface WebSocketHandler {

    /** The handshake is done and messages may be sent. */
    default void onOpen(WebSocketSession session) throws Exception {}

    /** A whole text message, however many frames it came in; valid UTF-8 by then. */
    default void onText(WebSocketSession session, String message) throws Exception {}

    /** A whole binary message. The buffer is the handler's to keep. */
    default void onBinary(WebSocketSession session, ByteBuffer message) throws Exception {}

    /** A pong arrived, answering {@link WebSocketSession#sendPing} or unsolicited. Pings are answered for you. */
    default void onPong(WebSocketSession session, ByteBuffer payload) throws Exception {}

    /**
     * The connection is closed. The code and reason are the peer's when it started the close handshake
     * (1005 when its frame had no code), the server's own when it started it (a handler's
     * {@link WebSocketSession#close}, 1001 for the idle timeout, 1002/1007/1009 for a protocol error, 1011 for
     * a handler failure), 1008 after a send timeout, and 1006 when the connection ended without a close
     * handshake or a ping went unanswered.
     */
    default void onClose(WebSocketSession session, int code, String reason) {}

    /** The connection is ending because of this failure; {@link #onClose} follows. */
    default void onError(WebSocketSession session, Throwable cause) {}
}
