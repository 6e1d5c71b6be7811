package io.corral.connector.stream;

/** How a request's body is delimited on the wire (RFC 9112 §6.3). */
public sealed interface BodyFraming {

    /** No body: neither Content-Length nor Transfer-Encoding. */
    record None() implements BodyFraming {}

    /** Exactly {@code length} bytes follow the head. */
    record Length(long length) implements BodyFraming {}

    /** Chunked transfer coding, possibly followed by trailers. */
    record Chunked() implements BodyFraming {}

    BodyFraming NONE = new None();
    BodyFraming CHUNKED = new Chunked();
}
