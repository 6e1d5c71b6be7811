package io.corral.connector.proxy;

import java.net.SocketAddress;
import java.util.List;

/**
 * A PROXY protocol header as received: who the client really is ({@link #source()}), which address it connected to
 * ({@link #destination()}), and, in version 2, the type-length-value vectors the proxy added. A header that carries
 * no addresses — a version 2 {@link Command#LOCAL} (the proxy's own health check), a version 1 {@code UNKNOWN}, or
 * the {@link Family#UNSPEC} family — is valid, and the connection keeps its real addresses ({@link #hasAddresses()}).
 *
 * @param version     1 (text) or 2 (binary)
 * @param command     {@link Command#PROXY} for a relayed connection, {@link Command#LOCAL} for the proxy's own
 * @param family      the address family of {@code source} and {@code destination}
 * @param source      the client's address: an {@link java.net.InetSocketAddress}, a
 *                    {@link java.net.UnixDomainSocketAddress}, or null when the header carries none
 * @param destination the address the client connected to, of the same kind as {@code source}, or null
 * @param tlvs        the version 2 vectors in the order sent, {@code PP2_TYPE_NOOP} left out; empty for version 1
 */
public record ProxyHeader(int version, Command command, Family family, SocketAddress source,
                          SocketAddress destination, List<ProxyTlv> tlvs) {

    /** Version 2's command (version 1 has only {@link #PROXY}). */
    public enum Command {
        /** The proxy made this connection itself (a health check): use the real addresses. */
        LOCAL,
        /** The proxy relays a client's connection: the header's addresses are the client's. */
        PROXY
    }

    /** The address family. */
    public enum Family {
        /** Unknown or unsupported (version 1 {@code UNKNOWN}): the header carries no address. */
        UNSPEC,
        /** TCP over IPv4 ({@code TCP4}). */
        INET,
        /** TCP over IPv6 ({@code TCP6}). */
        INET6,
        /** A Unix domain stream socket: the client connected to the proxy through a socket file. */
        UNIX
    }

    public ProxyHeader {
        tlvs = List.copyOf(tlvs);
        if ((source == null) != (destination == null)) {
            throw new IllegalArgumentException("source and destination go together: " + source + ", " + destination);
        }
    }

    /** Whether the header names the client's addresses (otherwise the connection keeps its own). */
    public boolean hasAddresses() {
        return source != null;
    }

    /** The first vector of {@code type}, or null. */
    public ProxyTlv tlv(int type) {
        for (ProxyTlv tlv : tlvs) {
            if (tlv.type() == type) {
                return tlv;
            }
        }
        return null;
    }

    /** The application protocol the client negotiated with the proxy ({@code PP2_TYPE_ALPN}), or null. */
    public String alpn() {
        ProxyTlv tlv = tlv(ProxyTlv.PP2_TYPE_ALPN);
        return tlv == null ? null : tlv.text();
    }

    /** The host name the client asked the proxy for ({@code PP2_TYPE_AUTHORITY}, e.g. TLS SNI), or null. */
    public String authority() {
        ProxyTlv tlv = tlv(ProxyTlv.PP2_TYPE_AUTHORITY);
        return tlv == null ? null : tlv.text();
    }

    /** The proxy's identifier of the connection ({@code PP2_TYPE_UNIQUE_ID}), or null. */
    public byte[] uniqueId() {
        ProxyTlv tlv = tlv(ProxyTlv.PP2_TYPE_UNIQUE_ID);
        return tlv == null ? null : tlv.value().clone();
    }

    /** What the proxy says of the client's TLS ({@code PP2_TYPE_SSL}), or null when it said nothing. */
    public ProxySsl ssl() {
        ProxyTlv tlv = tlv(ProxyTlv.PP2_TYPE_SSL);
        return tlv == null ? null : ProxyHeaderParser.sslOf(tlv);
    }

    /** Whether the proxy says the client spoke TLS to it ({@code PP2_CLIENT_SSL}). */
    public boolean clientSsl() {
        ProxySsl ssl = ssl();
        return ssl != null && ssl.clientSsl();
    }

    @Override
    public String toString() {
        return "PROXY v" + version + " " + command + " " + family
                + (hasAddresses() ? " " + source + " -> " + destination : "")
                + (tlvs.isEmpty() ? "" : " " + tlvs);
    }
}
