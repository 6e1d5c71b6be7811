package io.corral.connector.websocket;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The server's reading of an opening handshake (RFC 6455 §4.2.1) and the values of its answer (§4.2.2).
 * A request must be a GET over HTTP/1.1 with a Host, an {@code Upgrade} header listing {@code websocket}
 * and a {@code Connection} header listing {@code upgrade} (tokens, any case) and exactly one
 * {@code Sec-WebSocket-Key} that is base64 for 16 bytes; otherwise it is refused with 400. A
 * {@code Sec-WebSocket-Version} other than 13 (or none) gets 426 naming 13. Subprotocol and
 * permessage-deflate are then negotiated. Pure: no I/O, so the Jetty bridge and tests can use it alike.
 *
 * <p>Over HTTP/2 the handshake is an extended CONNECT (RFC 8441 §5): {@code :protocol} {@code websocket} on a
 * CONNECT (the HTTP/2 engine has already checked {@code :scheme}, {@code :path} and {@code :authority}), with
 * {@code sec-websocket-version} 13 checked and subprotocol and permessage-deflate negotiated as above, but no
 * {@code Sec-WebSocket-Key} and so no accept value (§5.1: "the Sec-WebSocket-Key and Sec-WebSocket-Accept header
 * fields are not used"). Any other HTTP/2 request is refused with 400.
 */
public final class WebSocketHandshake {

    /** The GUID RFC 6455 §1.3 appends to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** The only protocol version this server speaks. */
    public static final String VERSION = "13";

    private WebSocketHandshake() {}

    /** Decides with the default subprotocol choice: the first the client offers among {@code config.subprotocols()}. */
    public static HandshakeResult evaluate(RequestHead request, WebSocketConfig config) {
        return evaluate(request, config, SubprotocolSelector.firstSupported(config.subprotocols()));
    }

    public static HandshakeResult evaluate(RequestHead request, WebSocketConfig config, SubprotocolSelector selector) {
        HttpHeaders headers = request.headers();
        if (request.version() == HttpVersion.HTTP_2) {
            return evaluateExtendedConnect(request, config, selector);
        }
        if (!"GET".equals(request.method())) {
            return new HandshakeResult.Rejected("WebSocket handshake must be a GET");
        }
        if (request.version() != HttpVersion.HTTP_1_1) {
            return new HandshakeResult.Rejected("WebSocket handshake must use HTTP/1.1");
        }
        if (headers.get("Host") == null) {
            return new HandshakeResult.Rejected("WebSocket handshake without Host");
        }
        if (!headers.containsToken("Upgrade", "websocket")) {
            return new HandshakeResult.Rejected("Upgrade header must list websocket");
        }
        if (!headers.containsToken("Connection", "upgrade")) {
            return new HandshakeResult.Rejected("Connection header must list upgrade");
        }
        if (!hasVersion13(headers)) {
            return new HandshakeResult.UnsupportedVersion();
        }
        List<String> keys = headers.getAll("Sec-WebSocket-Key");
        if (keys.size() != 1 || !isValidKey(keys.get(0).strip())) {
            return new HandshakeResult.Rejected("Sec-WebSocket-Key must be base64 for 16 bytes");
        }
        String subprotocol = selectSubprotocol(headers.getAll("Sec-WebSocket-Protocol"), selector);
        return new HandshakeResult.Accepted(acceptKey(keys.get(0).strip()), subprotocol,
                negotiateDeflate(headers, config));
    }

    /** RFC 8441 §5: the key, the accept value, {@code Upgrade} and {@code Connection} have no part here. */
    private static HandshakeResult evaluateExtendedConnect(RequestHead request, WebSocketConfig config,
            SubprotocolSelector selector) {
        HttpHeaders headers = request.headers();
        if (!"CONNECT".equals(request.method()) || !"websocket".equalsIgnoreCase(request.protocol())) {
            return new HandshakeResult.Rejected("WebSocket over HTTP/2 must be an extended CONNECT for websocket");
        }
        if (!hasVersion13(headers)) {
            return new HandshakeResult.UnsupportedVersion();
        }
        return new HandshakeResult.Accepted(null, selectSubprotocol(headers.getAll("Sec-WebSocket-Protocol"), selector),
                negotiateDeflate(headers, config));
    }

    private static boolean hasVersion13(HttpHeaders headers) {
        List<String> versions = headers.getAll("Sec-WebSocket-Version");
        return versions.size() == 1 && VERSION.equals(versions.get(0).strip());
    }

    private static DeflateParameters negotiateDeflate(HttpHeaders headers, WebSocketConfig config) {
        return config.permessageDeflate()
                ? DeflateNegotiation.negotiate(headers.getAll("Sec-WebSocket-Extensions"), config.compressionContextTakeover())
                : null;
    }

    /**
     * Whether a key is base64 for exactly 16 bytes: 22 alphabet characters and {@code ==}, as a client
     * produces from its 16 random bytes (§4.1).
     */
    static boolean isValidKey(String key) {
        if (key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            boolean base64 = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!base64) {
                return false;
            }
        }
        return true;
    }

    /** {@code Sec-WebSocket-Accept}: base64 of the SHA-1 of the key and the GUID (§4.2.2 item 5.4). */
    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(key.getBytes(StandardCharsets.US_ASCII));
            sha1.update(GUID.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static String selectSubprotocol(List<String> headerValues, SubprotocolSelector selector) {
        if (headerValues.isEmpty()) {
            return null;
        }
        List<String> offered = new ArrayList<>(4);
        for (String value : headerValues) {
            int start = 0;
            while (start <= value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String protocol = value.substring(start, end).strip();
                if (!protocol.isEmpty()) {
                    offered.add(protocol);
                }
                start = end + 1;
            }
        }
        if (offered.isEmpty()) {
            return null;
        }
        String selected = selector.select(List.copyOf(offered));
        if (selected != null && !offered.contains(selected)) {
            throw new IllegalStateException("subprotocol selector chose " + selected + ", which the client did not offer");
        }
        return selected;
    }
}
