/**
 * The PROXY protocol (HAProxy's {@code proxy-protocol.txt}, versions 1 and 2) in front of a connection: Ranch's
 * {@code ranch_proxy_header}. A load balancer that accepted the client's connection sends, before the client's
 * first byte, a header naming the client's address and port (and, in version 2, facts such as the TLS it
 * terminated); the server then reports those instead of the load balancer's.
 *
 * <p>{@link io.corral.connector.proxy.ProxyProtocolTransport} is a {@link io.corral.connector.transport.Transport}
 * in front of another (TCP or TLS): it reads the header on the accepted channel before the inner transport wraps
 * it — before the TLS handshake, as HAProxy sends it — and hands back a
 * {@link io.corral.connector.proxy.ProxiedConnection} that reports the original addresses.
 * {@link io.corral.connector.proxy.ProxyHeaderParser} is the parser alone, bytes in, a
 * {@link io.corral.connector.proxy.ProxyHeader} out.
 */
package io.corral.connector.proxy;
