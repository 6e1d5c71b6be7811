package io.corral.jetty.websocket;

import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.websocket.DeflateNegotiation;
import io.corral.connector.websocket.DeflateParameters;
import io.corral.connector.websocket.ExtensionOffer;
import io.corral.connector.websocket.HandshakeResult;
import io.corral.connector.websocket.WebSocketConfig;
import io.corral.connector.websocket.WebSocketHandshake;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes a WebSocket opening handshake that goes to Jetty as strict as Corral's own engine where RFC 6455
 * and RFC 7692 say MUST, even where Jetty's handshaker is lax: a request that asks for
 * {@code Upgrade: websocket} with a malformed {@code Sec-WebSocket-Key} is refused with 400, one with
 * another {@code Sec-WebSocket-Version} with 426 naming 13, and permessage-deflate offers that are
 * malformed, repeat a parameter, or ask for what the JDK's Deflater cannot honour (a
 * {@code server_max_window_bits} below 15) are removed before Jetty negotiates, so they are declined rather
 * than silently accepted. A valid handshake goes on through Jetty's handler tree like any request, so
 * security constraints and filters still apply. Links only Corral's engine: no Jetty WebSocket class.
 */
public final class UpgradeRequestGuard {

    /** An answer to send instead of handing the request to Jetty. */
    public record Refusal(int status, String reason, HttpHeaders headers) {}

    private static final WebSocketConfig STRICTNESS = WebSocketConfig.DEFAULTS;
    private static final String EXTENSIONS = "Sec-WebSocket-Extensions";

    private UpgradeRequestGuard() {}

    /**
     * Checks a request; for a WebSocket handshake, also drops the extension offers that must be declined
     * from its headers.
     *
     * @return null to hand the request to Jetty, or the refusal to send
     */
    public static Refusal check(RequestHead request) {
        // HTTP/1.1's Upgrade, or HTTP/2's extended CONNECT for websocket (RFC 8441 §5), which the engine reads alike.
        boolean overHttp2 = request.isExtendedConnect() && "websocket".equalsIgnoreCase(request.protocol());
        if (!overHttp2 && !request.headers().containsToken("Upgrade", "websocket")) {
            return null;
        }
        HandshakeResult result = WebSocketHandshake.evaluate(request, STRICTNESS);
        return switch (result) {
            case HandshakeResult.Rejected rejected -> new Refusal(400, rejected.reason(), new HttpHeaders());
            case HandshakeResult.UnsupportedVersion unsupported -> new Refusal(426,
                    "WebSocket version 13 required", new HttpHeaders().add("Sec-WebSocket-Version", WebSocketHandshake.VERSION));
            case HandshakeResult.Accepted accepted -> {
                declineUnacceptableOffers(request.headers());
                yield null;
            }
        };
    }

    private static void declineUnacceptableOffers(HttpHeaders headers) {
        List<String> values = headers.getAll(EXTENSIONS);
        if (values.isEmpty()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (ExtensionOffer offer : ExtensionOffer.parse(values)) {
            if (!offer.wellFormed()) {
                continue;
            }
            String text = render(offer);
            if (!offer.name().equalsIgnoreCase(DeflateParameters.NAME)
                    || DeflateNegotiation.negotiate(List.of(text), true) != null) {
                kept.add(text);
            }
        }
        headers.remove(EXTENSIONS);
        if (!kept.isEmpty()) {
            headers.add(EXTENSIONS, String.join(", ", kept));
        }
    }

    private static String render(ExtensionOffer offer) {
        StringBuilder text = new StringBuilder(offer.name());
        for (ExtensionOffer.Parameter parameter : offer.parameters()) {
            text.append("; ").append(parameter.name());
            if (parameter.value() != null) {
                text.append('=');
                if (parameter.quoted()) {
                    text.append('"').append(parameter.value()).append('"');
                } else {
                    text.append(parameter.value());
                }
            }
        }
        return text.toString();
    }
}
