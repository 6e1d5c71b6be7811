package io.corral.connector.websocket;

/**
 * Which end of a connection a parser or writer works for. RFC 6455 §5.1: a client masks every frame it
 * sends and a server never does, and each side fails the connection when the other breaks that rule.
 */
public enum Role {
    /** Reads masked frames, writes unmasked ones. */
    SERVER,
    /** Reads unmasked frames, writes masked ones: Corral's own test clients. */
    CLIENT;

    /** Whether frames this side receives must be masked. */
    boolean expectsMaskedFrames() {
        return this == SERVER;
    }

    /** Whether frames this side sends are masked. */
    boolean masksFrames() {
        return this == CLIENT;
    }
}
