package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.PROTOCOL_ERROR;

import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.HostField;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import io.corral.connector.stream.RequestTargetForm;
import java.util.List;
import java.util.Set;

/**
 * Turns a decoded HTTP/2 request field section into the engine's {@link RequestHead}, so that a native handler
 * sees the same request whichever protocol carried it; and refuses a malformed one (RFC 9113 §8.1.1: a stream
 * error of type PROTOCOL_ERROR) by the rules of §8.2 and §8.3:
 * <ul>
 * <li>pseudo-header fields first, only the four request ones, each once; {@code :method}, {@code :scheme} and a
 *     non-empty {@code :path} present (a plain CONNECT is answered by the connection before it gets here);</li>
 * <li>{@code :protocol} (RFC 8441 §4) only when extended CONNECT is offered, and only on a CONNECT, which then
 *     needs {@code :scheme}, {@code :path} and {@code :authority} too;</li>
 * <li>field names in lowercase without controls or separators' forbidden octets, values without NUL, CR, LF or
 *     surrounding whitespace;</li>
 * <li>no connection-specific field ({@code connection}, {@code keep-alive}, {@code proxy-connection},
 *     {@code transfer-encoding}, {@code upgrade}), {@code te} only as {@code trailers};</li>
 * <li>{@code :authority} and {@code host} valid authorities by the rule HTTP/1.1 holds {@code Host} to
 *     ({@link HostField}: no userinfo, §8.3.1), and, when both are present, naming the same authority (§8.3.1
 *     SHOULD); handlers find a {@code host} field whenever the client sent either (one made from
 *     {@code :authority} is spelled {@link Http2Protocol#HOST_FROM_AUTHORITY}).</li>
 * </ul>
 * Several {@code cookie} fields are joined with "; " as §8.2.3 asks before handing them to HTTP/1.1 semantics.
 */
final class Http2RequestHead {

    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private Http2RequestHead() {
    }

    /** The request's method, or null: read before validation, to route CONNECT. */
    static String method(List<HeaderField> fields) {
        for (HeaderField field : fields) {
            if (field.name().equals(":method")) {
                return field.value();
            }
        }
        return null;
    }

    /** Whether the request carries {@code :protocol}: an extended CONNECT (RFC 8441 §4) rather than a plain one. */
    static boolean hasProtocol(List<HeaderField> fields) {
        for (HeaderField field : fields) {
            if (field.name().equals(":protocol")) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param connectProtocol whether we sent SETTINGS_ENABLE_CONNECT_PROTOCOL: RFC 8441 §3 lets a client send
     *                        {@code :protocol} only then
     */
    static RequestHead of(int streamId, List<HeaderField> fields, boolean endStream, boolean connectProtocol)
            throws Http2Exception {
        String method = null, scheme = null, path = null, authority = null, protocol = null;
        boolean regularSeen = false;
        HttpHeaders headers = new HttpHeaders();
        StringBuilder cookies = null;
        String host = null;
        long contentLength = -1;
        boolean expectContinue = false;
        for (HeaderField field : fields) {
            String name = field.name();
            String value = field.value();
            checkValue(streamId, value);
            if (name.startsWith(":")) {
                if (regularSeen) {
                    throw malformed(streamId, "pseudo-header after a regular field");
                }
                switch (name) {
                    case ":method" -> method = once(streamId, method, value);
                    case ":scheme" -> scheme = once(streamId, scheme, value);
                    case ":path" -> path = once(streamId, path, value);
                    case ":authority" -> authority = once(streamId, authority, value);
                    case ":protocol" -> {
                        if (!connectProtocol) {
                            throw malformed(streamId, ":protocol without extended CONNECT offered");
                        }
                        protocol = once(streamId, protocol, value);
                    }
                    default -> throw malformed(streamId, "unknown or response pseudo-header");
                }
                continue;
            }
            regularSeen = true;
            checkName(streamId, name);
            if (CONNECTION_SPECIFIC.contains(name)) {
                throw malformed(streamId, "connection-specific field");
            }
            switch (name) {
                case "te" -> {
                    if (!value.equals("trailers")) {
                        throw malformed(streamId, "te other than trailers");
                    }
                }
                case "cookie" -> {
                    cookies = cookies == null ? new StringBuilder(value) : cookies.append("; ").append(value);
                    continue;
                }
                case "host" -> host = once(streamId, host, value);
                case "content-length" -> contentLength = contentLength(streamId, contentLength, value);
                case "expect" -> expectContinue |= value.equalsIgnoreCase("100-continue");
                default -> {
                }
            }
            headers.add(name, value);
        }
        if (protocol != null && (!"CONNECT".equals(method) || authority == null || protocol.isEmpty())) {
            // RFC 8441 §4: ":protocol ... MUST NOT be included on a non-CONNECT request"; with it, :scheme and
            // :path are required (checked next) and :authority names the origin as for any request.
            throw malformed(streamId, ":protocol on other than CONNECT, or without :authority");
        }
        if (method == null || scheme == null || path == null || path.isEmpty()) {
            throw malformed(streamId, "missing pseudo-header");
        }
        if (path.equals("*") ? !method.equals("OPTIONS") : path.charAt(0) != '/') {
            throw malformed(streamId, ":path neither origin form nor * for OPTIONS");
        }
        if ((authority != null && !HostField.isValid(authority)) || (host != null && !HostField.isValid(host))) {
            throw malformed(streamId, ":authority or host not a valid authority");
        }
        if (authority != null && host != null && !authority.equalsIgnoreCase(host)) {
            throw malformed(streamId, "host and :authority differ");
        }
        if (host == null && authority != null) {
            headers.add(Http2Protocol.HOST_FROM_AUTHORITY, authority);
        }
        if (cookies != null) {
            headers.add("cookie", cookies.toString());
        }
        if (endStream && contentLength > 0) {
            throw malformed(streamId, "content-length with no body");
        }
        BodyFraming framing = endStream ? BodyFraming.NONE
                : contentLength >= 0 ? new BodyFraming.Length(contentLength) : BodyFraming.CHUNKED;
        return new RequestHead(method, path, path.equals("*") ? RequestTargetForm.ASTERISK : RequestTargetForm.ORIGIN,
                HttpVersion.HTTP_2, headers, framing, true, expectContinue && !endStream, protocol);
    }

    /**
     * A request's trailer section (§8.1): regular fields only ("Trailers MUST NOT include pseudo-header fields"),
     * each held to the rules of §8.2 as the head's fields are, since a malformed field is as malformed at the end.
     */
    static HttpHeaders trailers(int streamId, List<HeaderField> fields) throws Http2Exception {
        HttpHeaders trailers = new HttpHeaders();
        for (HeaderField field : fields) {
            String name = field.name();
            if (name.startsWith(":")) {
                throw malformed(streamId, "pseudo-header in trailers");
            }
            checkName(streamId, name);
            checkValue(streamId, field.value());
            if (CONNECTION_SPECIFIC.contains(name) || (name.equals("te") && !field.value().equals("trailers"))) {
                throw malformed(streamId, "connection-specific field in trailers");
            }
            trailers.add(name, field.value());
        }
        return trailers;
    }

    private static String once(int streamId, String previous, String value) throws Http2Exception {
        if (previous != null) {
            throw malformed(streamId, "repeated pseudo-header or host");
        }
        return value;
    }

    /** §8.2.1: no octet in 0x00-0x20, 0x41-0x5A (uppercase) or 0x7F-0xFF; RFC 9110 tchar for the rest. */
    private static void checkName(int streamId, String name) throws Http2Exception {
        if (name.isEmpty()) {
            throw malformed(streamId, "empty field name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || (c >= 'A' && c <= 'Z') || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
                throw malformed(streamId, "field name not lowercase token");
            }
        }
    }

    /** §8.2.1: no NUL, LF or CR; no leading or trailing space or tab. */
    private static void checkValue(int streamId, String value) throws Http2Exception {
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x0E && (c == 0 || c == '\n' || c == '\r')) { // one comparison for the usual printable char
                throw malformed(streamId, "field value with NUL, CR or LF");
            }
        }
        if (!value.isEmpty() && (isWhitespace(value.charAt(0)) || isWhitespace(value.charAt(value.length() - 1)))) {
            throw malformed(streamId, "field value with surrounding whitespace");
        }
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static long contentLength(int streamId, long previous, String value) throws Http2Exception {
        long length;
        try {
            length = value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9') ? -1
                    : Long.parseLong(value);
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || (previous >= 0 && previous != length)) {
            throw malformed(streamId, "bad content-length");
        }
        return length;
    }

    private static Http2Exception malformed(int streamId, String why) {
        return Http2Exception.streamError(streamId, PROTOCOL_ERROR, why);
    }
}
