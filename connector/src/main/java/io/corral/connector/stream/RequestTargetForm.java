package io.corral.connector.stream;

/** The four forms of request-target (RFC 9112 §3.2). */
public enum RequestTargetForm {
    /** {@code /path?query}: the usual form. */
    ORIGIN,
    /** {@code http://host/path}: what proxies receive; servers must accept it too. */
    ABSOLUTE,
    /** {@code host:port}: only with CONNECT. */
    AUTHORITY,
    /** {@code *}: only with OPTIONS. */
    ASTERISK
}
