package io.corral.connector.proxy;

import io.corral.connector.transport.ForwardingConnection;
import io.corral.connector.transport.TransportConnection;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A connection that arrived through a proxy, as its protocol sees it: the addresses are the ones the PROXY header
 * named (the client's, and the one it connected to), everything else is the connection under it. A header without
 * addresses (a proxy's health check, {@code UNKNOWN}) leaves the real ones. The client's TLS to the proxy
 * ({@code PP2_CLIENT_SSL}) makes the connection {@linkplain #isSecure() secure} only when the operator trusts the
 * proxy to say so.
 */
public final class ProxiedConnection extends ForwardingConnection {

    private final ProxyHeader header;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final boolean secure;

    /**
     * @param connection the connection the header arrived on
     * @param header     its header
     * @param trustSsl   whether the header's {@code PP2_CLIENT_SSL} makes the connection secure
     */
    public ProxiedConnection(TransportConnection connection, ProxyHeader header, boolean trustSsl) {
        super(connection);
        this.header = header;
        this.remote = header.source() instanceof InetSocketAddress source ? source : connection.remoteAddress();
        this.local = header.destination() instanceof InetSocketAddress destination ? destination
                : connection.localAddress();
        this.secure = connection.isSecure() || (trustSsl && header.clientSsl());
    }

    /** The header the connection began with. */
    public ProxyHeader header() {
        return header;
    }

    /** The connection the header arrived on: its addresses are the proxy's. */
    public TransportConnection unwrap() {
        return connection;
    }

    /** The client's address from the header (also a Unix domain one), or the real one when the header has none. */
    public SocketAddress remoteSocketAddress() {
        return header.hasAddresses() ? header.source() : connection.remoteAddress();
    }

    /** The address the client connected to, from the header (also a Unix domain one), or the real one. */
    public SocketAddress localSocketAddress() {
        return header.hasAddresses() ? header.destination() : connection.localAddress();
    }

    /** The client's address when the header names an IP one; otherwise the real remote address. */
    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** The address the client connected to when the header names an IP one; otherwise the real local address. */
    @Override
    public SocketAddress localAddress() {
        return local;
    }

    /** TLS here, or TLS between client and proxy when the operator trusts the header to say so. */
    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String toString() {
        return "proxied " + remote + " via " + connection;
    }
}
