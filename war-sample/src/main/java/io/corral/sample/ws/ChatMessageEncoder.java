package io.corral.sample.ws;

import jakarta.websocket.Encoder;

/** Turns a {@link ChatMessage} into the JSON text message the chat page and clients expect. */
public final class ChatMessageEncoder implements Encoder.Text<ChatMessage> {

    @Override
    public String encode(ChatMessage message) {
        return ChatMessageJson.write(message);
    }
}
