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
 */
public record RequestHead(
        String method,
        String target,
        RequestTargetForm targetForm,
        HttpVersion version,
        HttpHeaders headers,
        BodyFraming framing,
        boolean keepAlive,
        boolean expectContinue) {

    public boolean isHead() {
        return "HEAD".equals(method);
    }

    public boolean hasBody() {
        return !(framing instanceof BodyFraming.None);
    }
}
