package io.corral.sample.ws;

import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.nio.ByteBuffer;

/**
 * {@code /ws/echo}: sends every whole message back as one message of the same type, text as text and
 * binary as binary. The benchmark's WebSocket echo scenario and the integration tests talk to it.
 */
@ServerEndpoint("/ws/echo")
public final class EchoEndpoint {

    private static final System.Logger LOG = System.getLogger(EchoEndpoint.class.getName());

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

    /**
     * Load generators often drop connections without a close handshake; there is nothing to clean up, and
     * without this method the container would log a warning with a stack trace for each one.
     */
    @OnError
    public void onError(Session session, Throwable failure) {
        LOG.log(System.Logger.Level.DEBUG, "echo session {0} failed: {1}", session.getId(), failure);
    }
}
