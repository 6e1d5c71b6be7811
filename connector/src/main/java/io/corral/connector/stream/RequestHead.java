package io.corral.connector.stream;

/**
 * A parsed request line and header section, before any body byte.
 *
 * @param method         the method token, case preserved (methods are case-sensitive)
 * @param target         the raw request-target, undecoded, as it came on the wire
 * @param keepAlive      whether the connection may carry another request after this one, from the
 *                       version and the {@code Connection} header (RFC 9112 §9.3)
 * @param expectContinue whether the client sent {@code Expect: 100-continue} and waits for a 100
 *                       before sending the body (RFC 9110 §10.1.1)
 * @param protocol       the protocol an extended CONNECT asks to tunnel (RFC 8441 §4, HTTP/2's {@code :protocol},
 *                       e.g. {@code websocket}), or null on every other request
 */
public record RequestHead(
        String method,
        String target,
        RequestTargetForm targetForm,
        HttpVersion version,
        HttpHeaders headers,
        BodyFraming framing,
        boolean keepAlive,
        boolean expectContinue,
        String protocol) {

    /** Any request but an extended CONNECT: no {@code :protocol}. */
    public RequestHead(String method, String target, RequestTargetForm targetForm, HttpVersion version,
            HttpHeaders headers, BodyFraming framing, boolean keepAlive, boolean expectContinue) {
        this(method, target, targetForm, version, headers, framing, keepAlive, expectContinue, null);
    }

    /** Whether this is an extended CONNECT (RFC 8441): a CONNECT that names the protocol to run on its stream. */
    public boolean isExtendedConnect() {
        return protocol != null;
    }

    public boolean isHead() {
        return "HEAD".equals(method);
    }

    public boolean hasBody() {
        return !(framing instanceof BodyFraming.None);
    }
}
