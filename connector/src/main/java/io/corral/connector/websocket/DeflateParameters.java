package io.corral.connector.websocket;

/**
 * The permessage-deflate parameters a handshake agreed on (RFC 7692 §7.1), as the server answers them in
 * {@code Sec-WebSocket-Extensions}. The server's compressor always uses a 32 KiB window (the only one the
 * JDK's {@code Deflater} offers) and its decompressor accepts any window, so the window sizes need no
 * field beyond whether {@code server_max_window_bits=15} is echoed.
 *
 * @param serverNoContextTakeover   the server resets its compressor after every message
 * @param clientNoContextTakeover   the client resets its compressor after every message, so the server
 *                                  may drop its decompressor's window in between
 * @param echoServerMaxWindowBits   the offer asked for {@code server_max_window_bits=15}, which the
 *                                  response confirms
 */
public record DeflateParameters(
        boolean serverNoContextTakeover,
        boolean clientNoContextTakeover,
        boolean echoServerMaxWindowBits) {

    /** The extension token. */
    public static final String NAME = "permessage-deflate";

    /** The value for the 101 response's {@code Sec-WebSocket-Extensions} header. */
    public String toHeaderValue() {
        StringBuilder value = new StringBuilder(NAME);
        if (serverNoContextTakeover) {
            value.append("; server_no_context_takeover");
        }
        if (clientNoContextTakeover) {
            value.append("; client_no_context_takeover");
        }
        if (echoServerMaxWindowBits) {
            value.append("; server_max_window_bits=15");
        }
        return value.toString();
    }
}
