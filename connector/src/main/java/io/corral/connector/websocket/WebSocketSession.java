package io.corral.connector.websocket;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One open WebSocket connection as a handler sees it: Cowboy's {@code WsPid ! {data, Msg}} made a method
 * call. Sending is safe from any thread and ordered: each message goes out whole, in the order the send
 * calls took their turn. A send returns once its frames are written, blocking the caller while the client
 * is slow to read — that is the backpressure, and nothing is queued in memory — up to the configured
 * send timeout, after which it fails and the connection is closed. Large messages go out in frames of
 * at most 64 KiB, and a pong or close waits for one frame at most, never for the rest of a message.
 */
public interface WebSocketSession {

    /** Sends a text message. */
    void sendText(String text) throws IOException;

    /** Sends the buffer's remaining bytes as a binary message; the buffer's position does not move. */
    void sendBinary(ByteBuffer data) throws IOException;

    /**
     * Sends a ping with up to 125 bytes of application data (RFC 6455 §5.5.2), which the peer answers
     * with a pong carrying the same bytes; {@link WebSocketHandler#onPong} reports it.
     */
    void sendPing(ByteBuffer payload) throws IOException;

    /**
     * Starts the close handshake: sends a close frame and waits, on the connection's thread, for the peer's
     * close frame. Messages that arrive meanwhile are dropped and sends fail. Does nothing when a close
     * frame was already sent. Does not throw: a connection that cannot take the frame is closed anyway.
     *
     * @param code   a status code allowed on the wire: 1000–1003, 1007–1014 or 3000–4999
     * @param reason a short text, cut to the 123 bytes of UTF-8 a close frame can carry
     * @throws IllegalArgumentException for a code that may not be sent
     */
    void close(int code, String reason);

    /** Closes normally (1000). */
    default void close() {
        close(CloseStatus.NORMAL, "");
    }

    /** Whether no close frame has been sent or received and the connection is up. */
    boolean isOpen();

    SocketAddress remoteAddress();

    SocketAddress localAddress();

    /** The subprotocol agreed in the handshake, or null. */
    String subprotocol();

    /** The handler's own per-connection values; thread-safe. Made on first use. */
    Map<String, Object> attributes();
}
