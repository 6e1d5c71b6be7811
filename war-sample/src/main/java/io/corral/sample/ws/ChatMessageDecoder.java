package io.corral.sample.ws;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;

/**
 * Reads a JSON text message into a {@link ChatMessage}. Malformed JSON becomes a {@link DecodeException};
 * Jetty's Jakarta layer answers that by closing the session with status 1003 (cannot accept).
 */
public final class ChatMessageDecoder implements Decoder.Text<ChatMessage> {

    @Override
    public ChatMessage decode(String json) throws DecodeException {
        try {
            return ChatMessageJson.read(json);
        } catch (IllegalArgumentException malformed) {
            throw new DecodeException(json, malformed.getMessage(), malformed);
        }
    }

    /**
     * Every text message is offered to {@link #decode}: a bad one then closes the session visibly, where
     * {@code false} here would make the container drop it with only a server-side log line.
     */
    @Override
    public boolean willDecode(String json) {
        return json != null;
    }
}
