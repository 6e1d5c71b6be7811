package io.corral.connector.listener;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.UnixDomainSocketFile;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a {@link Listener} needs to know before it starts: where to listen, how many acceptors, how
 * many connections, over which transport. Immutable; start from {@link #defaults()} and change what you
 * need with the {@code with…} methods. Only {@code maxConnections} can change while the listener runs
 * ({@link Listener#setMaxConnections}); the rest is read at {@link Listener#start()}.
 *
 * <table>
 *   <caption>Options and their defaults</caption>
 *   <tr><th>option</th><th>default</th><th>what it does</th></tr>
 *   <tr><td>{@code address}</td><td>all interfaces, port 8080</td><td>where to listen; port 0 asks the
 *       kernel for an ephemeral port (read it back with {@link Listener#localPort()}); a
 *       {@link UnixDomainSocketAddress} listens on a socket file (see {@link UnixDomainSocketFile}: removed on
 *       stop, a stale one replaced)</td></tr>
 *   <tr><td>{@code acceptors}</td><td>2</td><td>threads blocking in {@code accept()}; more only help when
 *       accepting itself is the bottleneck (very high connection churn)</td></tr>
 *   <tr><td>{@code backlog}</td><td>the kernel's ceiling, {@code net.core.somaxconn} (4096 on current Linux;
 *       1024 where it cannot be read: {@link #DEFAULT_BACKLOG})</td><td>the kernel's accept queue: where clients wait
 *       while the listener is at its connection limit or a flood outruns the acceptors; what does not fit is dropped
 *       by the kernel (the kernel caps a larger value at its ceiling)</td></tr>
 *   <tr><td>{@code maxConnections}</td><td>from the descriptor limit and heap ({@link #DEFAULT_MAX_CONNECTIONS})
 *       </td><td>live connections at most; at the limit the connection idle longest gives way to a new client, or
 *       when none may, acceptors stop accepting until one closes. 0 admits nothing new; {@link Integer#MAX_VALUE} means no limit.
 *       Changeable while running</td></tr>
 *   <tr><td>{@code transport}</td><td>{@link TcpTransport}</td><td>plain TCP or TLS</td></tr>
 *   <tr><td>{@code socketOptions}</td><td>{@link SocketOptions#DEFAULTS}</td><td>address/port reuse of the
 *       listening socket; TCP_NODELAY and buffer sizes of accepted sockets</td></tr>
 *   <tr><td>{@code listenSockets}</td><td>1</td><td>listening sockets bound to the same address with
 *       SO_REUSEPORT (Ranch's {@code num_listen_sockets}): the kernel spreads new connections over them, so
 *       acceptors do not contend on one socket's queue. Acceptor {@code i} accepts on socket {@code i mod n}, and
 *       there are at least as many acceptors as sockets. TCP only; more than 1 needs SO_REUSEPORT</td></tr>
 *   <tr><td>{@code inheritChannel}</td><td>false</td><td>listen on the socket this process inherited
 *       ({@link System#inheritedChannel()}: systemd socket activation with {@code StandardInput=socket}, inetd's
 *       {@code wait}) instead of binding {@code address}, as {@code ServerConnector.setInheritChannel} does; when
 *       there is none, a WARN says so and the listener binds {@code address}</td></tr>
 *   <tr><td>{@code name}</td><td>{@code "corral"}</td><td>prefix of log lines and acceptor thread names</td></tr>
 *   <tr><td>{@code shutdownTimeout}</td><td>5 s</td><td>how long {@link Listener#stop()} waits, after closing
 *       every connection, for their threads to end before it logs the stragglers and returns</td></tr>
 *   <tr><td>{@code maxConnectionsPerSource}</td><td>0 (no cap)</td><td>live connections one client address
 *       may hold; the newest over the cap is closed at once, counted and logged once a minute at most</td></tr>
 * </table>
 *
 * @param address where to listen
 * @param acceptors number of acceptor threads, at least 1
 * @param backlog length of the kernel's accept queue, at least 1
 * @param maxConnections limit of live connections, at least 0
 * @param transport how accepted sockets become connections
 * @param socketOptions the options of the listening socket and of every accepted socket
 * @param name the listener's name in logs and thread names, not blank
 * @param shutdownTimeout how long a stop waits for connection threads to end, not negative
 * @param listenSockets listening sockets sharing the address through SO_REUSEPORT, at least 1
 * @param inheritChannel whether to listen on the channel the process inherited rather than bind {@code address}
 * @param maxConnectionsPerSource live connections one client address may hold at most, 0 for no cap
 */
public record ListenerConfig(
        SocketAddress address,
        int acceptors,
        int backlog,
        int maxConnections,
        Transport transport,
        SocketOptions socketOptions,
        String name,
        Duration shutdownTimeout,
        int listenSockets,
        boolean inheritChannel,
        int maxConnectionsPerSource) {

    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_ACCEPTORS = 2;
    /** As deep as the kernel allows; see {@link AcceptBacklog} for why. */
    public static final int DEFAULT_BACKLOG = AcceptBacklog.defaultBacklog();
    /**
     * Sized once per process from its file-descriptor limit and maximum heap ({@link ConnectionBudget}): nine
     * tenths of the descriptors past 256, at most one per 64 KiB of heap, at least 1024. 17,769 here with 20,000
     * descriptors and a 6 GiB heap.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = ConnectionBudget.defaultLimit();
    public static final String DEFAULT_NAME = "corral";
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** {@code maxConnectionsPerSource} when there is no per-source cap: the default. */
    public static final int NO_SOURCE_CAP = 0;

    public ListenerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(socketOptions, "socketOptions");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        if (acceptors < 1) {
            throw new IllegalArgumentException("acceptors must be at least 1: " + acceptors);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1: " + backlog);
        }
        requireValidMaxConnections(maxConnections);
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (shutdownTimeout.isNegative()) {
            throw new IllegalArgumentException("shutdownTimeout must not be negative: " + shutdownTimeout);
        }
        if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
            throw new IllegalArgumentException("address must be an InetSocketAddress or a UnixDomainSocketAddress: "
                    + address);
        }
        if (listenSockets < 1) {
            throw new IllegalArgumentException("listenSockets must be at least 1: " + listenSockets);
        }
        if (listenSockets > 1 && address instanceof UnixDomainSocketAddress) {
            throw new IllegalArgumentException("a socket file takes one listening socket, not " + listenSockets);
        }
        if (maxConnectionsPerSource < 0) {
            throw new IllegalArgumentException("maxConnectionsPerSource must not be negative: "
                    + maxConnectionsPerSource);
        }
    }

    /** Without a per-source cap: every option but {@code maxConnectionsPerSource}, which is 0 (off). */
    public ListenerConfig(SocketAddress address, int acceptors, int backlog, int maxConnections,
                          Transport transport, SocketOptions socketOptions, String name, Duration shutdownTimeout,
                          int listenSockets, boolean inheritChannel) {
        this(address, acceptors, backlog, maxConnections, transport, socketOptions, name, shutdownTimeout,
                listenSockets, inheritChannel, NO_SOURCE_CAP);
    }

    /** The address as TCP's, for the TCP-only {@code with…} methods. */
    private InetSocketAddress inetAddress() {
        if (address instanceof InetSocketAddress inet) {
            return inet;
        }
        throw new IllegalStateException("listening on a socket file, not a host and port: " + address);
    }

    /** All interfaces, port 8080, and every other option at the default listed above. */
    public static ListenerConfig defaults() {
        return new ListenerConfig(new InetSocketAddress(DEFAULT_PORT), DEFAULT_ACCEPTORS, DEFAULT_BACKLOG,
                DEFAULT_MAX_CONNECTIONS, new TcpTransport(), SocketOptions.DEFAULTS, DEFAULT_NAME,
                DEFAULT_SHUTDOWN_TIMEOUT, 1, false, NO_SOURCE_CAP);
    }

    static void requireValidMaxConnections(int maxConnections) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must not be negative: " + maxConnections);
        }
    }

    /** An {@link InetSocketAddress} for TCP, a {@link UnixDomainSocketAddress} for a socket file. */
    public ListenerConfig withAddress(SocketAddress address) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    /** Keeps the port; the host is resolved now, so a typo fails here rather than at start. */
    public ListenerConfig withHost(String host) {
        return withAddress(new InetSocketAddress(host, inetAddress().getPort()));
    }

    /** Keeps the host; 0 asks the kernel for an ephemeral port at start. */
    public ListenerConfig withPort(int port) {
        InetSocketAddress inet = inetAddress();
        return withAddress(inet.isUnresolved()
                ? InetSocketAddress.createUnresolved(inet.getHostString(), port)
                : new InetSocketAddress(inet.getAddress(), port));
    }

    public ListenerConfig withAcceptors(int acceptors) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withBacklog(int backlog) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withMaxConnections(int maxConnections) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withTransport(Transport transport) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withSocketOptions(SocketOptions socketOptions) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withName(String name) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withShutdownTimeout(Duration shutdownTimeout) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withListenSockets(int listenSockets) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    public ListenerConfig withInheritChannel(boolean inheritChannel) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }

    /**
     * Caps the live connections one client address may hold; a connection over the cap is closed as soon as its
     * address is known (after the transport has wrapped it, so the PROXY protocol's original address when that
     * is on). 0, the default, means no cap.
     */
    public ListenerConfig withMaxConnectionsPerSource(int maxConnectionsPerSource) {
        return new ListenerConfig(address, acceptors, backlog, maxConnections, transport, socketOptions, name,
                shutdownTimeout, listenSockets, inheritChannel, maxConnectionsPerSource);
    }
}
