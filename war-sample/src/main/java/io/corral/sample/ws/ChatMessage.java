package io.corral.sample.ws;

import java.util.Objects;

/**
 * One line of chat: who said it and what. Travels as the JSON object {@code {"from":"…","text":"…"}}
 * through {@link ChatMessageEncoder} and {@link ChatMessageDecoder}.
 *
 * @param from the sender's display name
 * @param text what was said
 */
public record ChatMessage(String from, String text) {

    /** The sender name given to messages that arrive without a {@code "from"} member. */
    public static final String ANONYMOUS = "anonymous";

    public ChatMessage {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(text, "text");
    }
}
