package io.corral.connector.websocket;

import java.util.List;

/**
 * Picks the subprotocol of a handshake (RFC 6455 §4.2.2 {@code Sec-WebSocket-Protocol}) from those the
 * client offers. The hook for endpoints whose choice depends on more than a fixed list.
 */
@FunctionalInterface
public interface SubprotocolSelector {

    /**
     * @param offered the client's subprotocols in its order of preference; never empty
     * @return one of {@code offered}, or null to agree on none (the handshake still succeeds)
     */
    String select(List<String> offered);

    /** The first subprotocol in the client's order that is in {@code supported} (exact match). */
    static SubprotocolSelector firstSupported(List<String> supported) {
        List<String> copy = List.copyOf(supported);
        return offered -> {
            for (String protocol : offered) {
                if (copy.contains(protocol)) {
                    return protocol;
                }
            }
            return null;
        };
    }
}
