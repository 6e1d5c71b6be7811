package io.corral.sample.ws;

import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /ws/echo}: sends every whole message back as one message of the same type, text as text and
 * binary as binary. The benchmark's WebSocket echo scenario and the integration tests talk to it.
 */
@ServerEndpoint("/ws/echo")
public final class EchoEndpoint {

    /** A non-void return value is sent back on the same session by the container, as one text message. */
    @OnMessage
    public String onText(String message) {
        return message;
    }

    /** Likewise for binary: the container sends the returned buffer back as one binary message. */
    @OnMessage
    public ByteBuffer onBinary(ByteBuffer message) {
        return message;
    }
}
