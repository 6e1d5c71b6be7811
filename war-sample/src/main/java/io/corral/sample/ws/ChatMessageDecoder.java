package io.corral.sample.ws;

import jakarta.websocket.DecodeException;
import jakarta.websocket.Decoder;

/**
 * Reads a JSON text message into a {@link ChatMessage}. Malformed JSON becomes a {@link DecodeException},
 * which the container hands to the endpoint's {@code @OnError} instead of closing the session.
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

    /** Every text message is offered to {@link #decode}, so a bad one is reported rather than ignored. */
    @Override
    public boolean willDecode(String json) {
        return json != null;
    }
}
