package io.corral.connector.websocket;

import java.util.List;

/**
 * The server's side of permessage-deflate negotiation (RFC 7692 §5, §7.1): walks the client's offers in
 * its order of preference and accepts the first one this server can honour, or none. An offer is declined
 * — and the next one tried — when it is malformed, names a parameter the extension does not define,
 * repeats a parameter, gives a parameter an invalid value (window bits must be a plain decimal 8–15
 * without leading zeros), or asks for {@code server_max_window_bits} below 15: the JDK's Deflater only
 * compresses with a 32 KiB window, and sending with a larger window than agreed would break the client.
 * {@code client_max_window_bits}, with or without a value, is fine: the decompressor takes any window.
 */
public final class DeflateNegotiation {

    private DeflateNegotiation() {}

    /**
     * @param headerValues    every {@code Sec-WebSocket-Extensions} value of the request, in order
     * @param contextTakeover whether this server keeps compression contexts between messages; when
     *                        false it asks for no context takeover in both directions (RFC 7692 §7.1.1
     *                        lets a server add either parameter), so no zlib window outlives a message
     * @return the agreed parameters, or null when no offer is acceptable
     */
    public static DeflateParameters negotiate(List<String> headerValues, boolean contextTakeover) {
        if (headerValues.isEmpty()) {
            return null;
        }
        for (ExtensionOffer offer : ExtensionOffer.parse(headerValues)) {
            if (offer.wellFormed() && offer.name().equalsIgnoreCase(DeflateParameters.NAME)) {
                DeflateParameters accepted = accept(offer, contextTakeover);
                if (accepted != null) {
                    return accepted;
                }
            }
        }
        return null;
    }

    private static DeflateParameters accept(ExtensionOffer offer, boolean contextTakeover) {
        boolean serverNoContextTakeover = false, clientNoContextTakeover = false;
        boolean serverMaxWindowBits = false, clientMaxWindowBits = false;
        for (ExtensionOffer.Parameter parameter : offer.parameters()) {
            String value = parameter.value();
            switch (parameter.name().toLowerCase(java.util.Locale.ROOT)) {
                case "server_no_context_takeover" -> {
                    if (serverNoContextTakeover || value != null) {
                        return null;
                    }
                    serverNoContextTakeover = true;
                }
                case "client_no_context_takeover" -> {
                    if (clientNoContextTakeover || value != null) {
                        return null;
                    }
                    clientNoContextTakeover = true;
                }
                case "server_max_window_bits" -> {
                    if (serverMaxWindowBits || windowBits(value) != 15) {
                        return null;
                    }
                    serverMaxWindowBits = true;
                }
                case "client_max_window_bits" -> {
                    if (clientMaxWindowBits || (value != null && windowBits(value) < 0)) {
                        return null;
                    }
                    clientMaxWindowBits = true;
                }
                default -> {
                    return null;
                }
            }
        }
        return new DeflateParameters(serverNoContextTakeover || !contextTakeover,
                clientNoContextTakeover || !contextTakeover, serverMaxWindowBits);
    }

    /** The value of a window-bits parameter (RFC 7692 §7.1.2: 1*DIGIT, no leading zero, 8–15), or -1. */
    static int windowBits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return -1;
        }
        int bits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            bits = bits * 10 + (c - '0');
        }
        return bits >= 8 && bits <= 15 ? bits : -1;
    }
}
