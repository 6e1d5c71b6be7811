package io.corral.connector.websocket;

import java.nio.ByteBuffer;

/**
 * What the {@link MessageReader} hands the connection loop: a whole data message, however many frames it
 * came in, or one control frame, already checked against RFC 6455.
 */
sealed interface InboundMessage {

    record Text(String text) implements InboundMessage {}

    record Binary(ByteBuffer data) implements InboundMessage {}

    record Ping(byte[] payload) implements InboundMessage {}

    record Pong(byte[] payload) implements InboundMessage {}

    /** @param code the status code, or 1005 when the frame carried none */
    record Close(int code, String reason) implements InboundMessage {}
}
