package io.corral.connector.transport;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The socket options a listener sets: address and port reuse on the listening socket, Nagle and buffer
 * sizes on every accepted one (a Unix domain socket takes only the buffer sizes). The same knobs as {@code ServerConnector}'s {@code reuseAddress},
 * {@code reusePort}, {@code acceptedTcpNoDelay}, {@code acceptedReceiveBufferSize} and
 * {@code acceptedSendBufferSize}, with the same defaults.
 *
 * @param reuseAddress SO_REUSEADDR on the listening socket, so a restarted listener binds its port again
 *     while old connections linger in TIME_WAIT (default true)
 * @param reusePort SO_REUSEPORT on the listening socket, so several processes may listen on one port and
 *     the kernel spreads connections between them (default false; see {@link #reusePortSupported()})
 * @param tcpNoDelay TCP_NODELAY on accepted sockets (default true: protocols write whole messages, and
 *     Nagle's delay would only add latency)
 * @param receiveBufferSize SO_RCVBUF of accepted sockets in bytes; 0 or less keeps the kernel's default
 * @param sendBufferSize SO_SNDBUF of accepted sockets in bytes; 0 or less keeps the kernel's default
 */
public record SocketOptions(boolean reuseAddress, boolean reusePort, boolean tcpNoDelay, int receiveBufferSize,
                            int sendBufferSize) {

    /** Address reuse, TCP_NODELAY, the kernel's buffer sizes: what Corral always did, and Jetty's defaults. */
    public static final SocketOptions DEFAULTS = new SocketOptions(true, false, true, -1, -1);

    private static final boolean REUSE_PORT_SUPPORTED = supportsReusePort();

    /** Whether this JDK and OS can set SO_REUSEPORT (Linux, macOS and the BSDs can; Windows cannot). */
    public static boolean reusePortSupported() {
        return REUSE_PORT_SUPPORTED;
    }

    /**
     * Sets the listening options; must come before {@code bind}, which is when the kernel reads them.
     *
     * @throws IOException when SO_REUSEPORT is asked for where the platform has none
     */
    public void applyToListening(ServerSocketChannel listening) throws IOException {
        if (!listening.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR)) {
            return; // a Unix domain socket: no ports to reuse
        }
        listening.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
        if (reusePort) {
            if (!REUSE_PORT_SUPPORTED) {
                throw new IOException("SO_REUSEPORT is not supported on this platform");
            }
            listening.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
    }

    /** Sets the options of an accepted socket, before the transport wraps it (a TLS handshake included). */
    public void applyToAccepted(SocketChannel accepted) throws IOException {
        // A Unix domain socket has buffer sizes but no Nagle; the set is the JDK's constant per family.
        if (accepted.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, tcpNoDelay);
        }
        if (receiveBufferSize > 0) {
            accepted.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
        }
        if (sendBufferSize > 0) {
            accepted.setOption(StandardSocketOptions.SO_SNDBUF, sendBufferSize);
        }
    }

    public SocketOptions withReuseAddress(boolean reuseAddress) {
        return new SocketOptions(reuseAddress, reusePort, tcpNoDelay, receiveBufferSize, sendBufferSize);
    }

    public SocketOptions withReusePort(boolean reusePort) {
        return new SocketOptions(reuseAddress, reusePort, tcpNoDelay, receiveBufferSize, sendBufferSize);
    }

    public SocketOptions withTcpNoDelay(boolean tcpNoDelay) {
        return new SocketOptions(reuseAddress, reusePort, tcpNoDelay, receiveBufferSize, sendBufferSize);
    }

    public SocketOptions withReceiveBufferSize(int receiveBufferSize) {
        return new SocketOptions(reuseAddress, reusePort, tcpNoDelay, receiveBufferSize, sendBufferSize);
    }

    public SocketOptions withSendBufferSize(int sendBufferSize) {
        return new SocketOptions(reuseAddress, reusePort, tcpNoDelay, receiveBufferSize, sendBufferSize);
    }

    private static boolean supportsReusePort() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }
}
