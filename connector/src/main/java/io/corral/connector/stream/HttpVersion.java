package io.corral.connector.stream;

/** The HTTP versions this engine speaks (RFC 9112 §2.3); anything else is answered 505. */
public enum HttpVersion {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1"),
    HTTP_2("HTTP/2");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** As written on the wire, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }
}
