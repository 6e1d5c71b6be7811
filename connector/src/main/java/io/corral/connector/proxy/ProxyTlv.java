package io.corral.connector.proxy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One type-length-value vector of a PROXY protocol version 2 header (section 2.2): facts about the client's
 * connection that the proxy knows and the server cannot see, such as the ALPN protocol or the host name the client
 * asked for. The constants are the types the specification defines; others (custom ones from 0xE0 to 0xEF,
 * experimental, future) are kept as they came.
 *
 * @param type  the type, 0 to 255
 * @param value the value as sent; callers must not change it
 */
public record ProxyTlv(int type, byte[] value) {

    /** The application protocol the client negotiated with the proxy (ALPN), e.g. {@code h2}. */
    public static final int PP2_TYPE_ALPN = 0x01;
    /** The host name the client asked for (TLS SNI, or a {@code Host}), UTF-8. */
    public static final int PP2_TYPE_AUTHORITY = 0x02;
    /** A CRC32c of the whole header; checked on arrival. */
    public static final int PP2_TYPE_CRC32C = 0x03;
    /** Padding, ignored. */
    public static final int PP2_TYPE_NOOP = 0x04;
    /** An opaque identifier of the connection, at most 128 bytes (HAProxy's {@code unique-id}). */
    public static final int PP2_TYPE_UNIQUE_ID = 0x05;
    /** What the proxy knows of the client's TLS: see {@link ProxySsl}. */
    public static final int PP2_TYPE_SSL = 0x20;
    /** The network namespace the proxy accepted the connection in, US-ASCII. */
    public static final int PP2_TYPE_NETNS = 0x30;

    /** The value read as text in {@code UTF-8} (US-ASCII for the types the specification says so of). */
    public String text() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ProxyTlv[0x" + Integer.toHexString(type) + "=" + HexFormat.of().formatHex(value) + "]";
    }
}
