package io.corral.connector.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS over {@link SocketChannel}s with the JDK's {@link SSLEngine}: Ranch's {@code ranch_ssl}. Listens as
 * {@link TcpTransport} does; {@link #wrap} runs the handshake on the connection's own virtual thread, bounded by
 * the handshake timeout, so a slow or hostile client delays only itself. ALPN picks, in the server's order of
 * preference, the first of the {@linkplain #applicationProtocols() application protocols} the client offers (by default
 * only {@code http/1.1}; {@link #HTTP2_AND_HTTP11} for a server that also speaks HTTP/2). A client offering no ALPN
 * goes on without it (HTTP/1.1 for the protocols on top). One offering none of them: with a single application
 * protocol, nothing is being negotiated and the connection goes on without ALPN, as with a server that has none (and
 * as a {@code ServerConnector} without Jetty's {@code alpn} module); with several, the handshake fails with a
 * {@code no_application_protocol} alert, as RFC 7301 §3.2 requires ("SHALL") and Jetty's ALPN does. {@code h2} is only
 * ever chosen for a session that meets RFC 9113 §9.2 ({@link Http2TlsRequirements}: TLS 1.2 or later, no blocklisted
 * cipher suite); otherwise the client's next acceptable choice is. What was agreed is the connection's
 * {@link TransportConnection#applicationProtocol()}, by which the protocol on top picks HTTP/2 or HTTP/1.1.
 *
 * <p>A failed handshake — a plain HTTP client on the TLS port, an untrusted certificate, a timeout — ends that
 * connection only: it is counted ({@link #failedHandshakes()}) and logged at DEBUG on this class's logger, never
 * louder, because any client can cause it at will. Thread-safe: one instance serves any number of listeners.
 *
 * <p>Idle connections hibernate on a {@link Hibernator} as TCP ones do, without their record buffers (see
 * {@link TlsConnection}).
 */
public final class TlsTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(TlsTransport.class);
    /** HTTP/2 over TLS's ALPN identifier (RFC 9113 §3.2). */
    public static final String HTTP2 = "h2";
    /** Long enough for a real client on a slow link, short enough that a silent one does not hold its slot for long. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** What ALPN agrees on by default: HTTP/1.1 only, for a server whose protocol speaks nothing else. */
    public static final List<String> DEFAULT_APPLICATION_PROTOCOLS = List.of("http/1.1");
    /** HTTP/2 where the client offers it and the session allows it, else HTTP/1.1: Jetty's {@code alpn} module's order. */
    public static final List<String> HTTP2_AND_HTTP11 = List.of(HTTP2, "http/1.1");

    private final Function<InetSocketAddress, SSLEngine> engines;
    private final Duration handshakeTimeout;
    private final List<String> applicationProtocols;
    private final Hibernator hibernator;
    private final LongAdder handshakes = new LongAdder();
    private final LongAdder failedHandshakes = new LongAdder();

    /** Engines from {@code context}, the default handshake timeout and ALPN {@code http/1.1}. */
    public TlsTransport(SSLContext context) {
        this(peer -> context.createSSLEngine(peer.getHostString(), peer.getPort()), DEFAULT_HANDSHAKE_TIMEOUT,
                DEFAULT_APPLICATION_PROTOCOLS);
    }

    /**
     * @param engines              makes the engine for a client (its address lets an engine resume sessions); the
     *                             factory applies protocols, cipher suites and client authentication; the transport
     *                             puts the engine in server mode and sets its ALPN selector
     * @param handshakeTimeout     how long a handshake may take in all, however the client trickles its bytes
     * @param applicationProtocols what ALPN may agree on, in the server's order of preference
     */
    public TlsTransport(Function<InetSocketAddress, SSLEngine> engines, Duration handshakeTimeout,
                        List<String> applicationProtocols) {
        this(engines, handshakeTimeout, applicationProtocols, Hibernator.SHARED);
    }

    /** As above, idle connections hibernating on {@code hibernator} rather than the process-wide one. */
    public TlsTransport(Function<InetSocketAddress, SSLEngine> engines, Duration handshakeTimeout,
                        List<String> applicationProtocols, Hibernator hibernator) {
        this.hibernator = Objects.requireNonNull(hibernator, "hibernator");
        this.engines = Objects.requireNonNull(engines, "engines");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
        this.handshakeTimeout = handshakeTimeout;
        this.applicationProtocols = List.copyOf(applicationProtocols);
        for (String protocol : this.applicationProtocols) {
            // RFC 7301 §3.1: 1 to 255 octets; the empty name is what the JDK's selector returns for "none".
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw new IllegalArgumentException("not an ALPN protocol name: '" + protocol + "'");
            }
        }
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options) throws IOException {
        if (address instanceof UnixDomainSocketAddress) {
            // TlsConnection reads through the TCP socket adaptor, which Unix domain channels have not.
            throw new IOException("TLS over a Unix domain socket is not supported: " + address);
        }
        return TcpTransport.bind(address, backlog, options);
    }

    /**
     * Makes the engine and runs the handshake, on the connection's thread.
     *
     * @throws IOException when the handshake fails or times out; the channel is closed by then
     */
    @Override
    public TransportConnection wrap(SocketChannel accepted) throws IOException {
        return wrap(accepted, ByteBuffer.allocate(0));
    }

    /**
     * As {@link #wrap(SocketChannel)}, the handshake starting from {@code readAhead}: the first bytes of the
     * client's hello, when a PROXY protocol reader in front took them.
     */
    @Override
    public TransportConnection wrap(SocketChannel accepted, ByteBuffer readAhead) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) accepted.getRemoteAddress();
        TlsConnection connection;
        try {
            SSLEngine engine = engines.apply(peer);
            engine.setUseClientMode(false);
            engine.setHandshakeApplicationProtocolSelector(this::select);
            connection = new TlsConnection(accepted, engine, hibernator, readAhead);
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
        try {
            connection.handshake(handshakeTimeout);
        } catch (IOException e) {
            failedHandshakes.increment();
            // Any client can fail a handshake at will: DEBUG only, and nothing built unless asked.
            if (LOG.isDebugEnabled()) {
                LOG.debug("TLS handshake with {} failed: {}", peer, e.toString());
            }
            connection.close();
            throw e;
        }
        handshakes.increment();
        return connection;
    }

    /**
     * The server's first choice among what the client offers; when none fits, "" (no ALPN) for a server with a single
     * application protocol, else null, on which the engine fails the handshake with {@code no_application_protocol}
     * (RFC 7301 §3.2). The engine calls this only when the client offered ALPN, while
     * it writes its ServerHello (or, in TLS 1.3, its EncryptedExtensions), when the handshake session already knows
     * the version and cipher suite it agreed on, which decide whether {@code h2} may be chosen.
     */
    private String select(SSLEngine engine, List<String> offered) {
        for (String protocol : applicationProtocols) {
            if (!offered.contains(protocol)) {
                continue;
            }
            if (protocol.equals(HTTP2) && !Http2TlsRequirements.permit(engine.getHandshakeSession())) {
                if (LOG.isDebugEnabled()) {
                    SSLSession session = engine.getHandshakeSession();
                    LOG.debug("h2 not agreed with {}: RFC 9113 §9.2 refuses {} with {}", engine.getPeerHost(),
                            session == null ? "?" : session.getProtocol(), session == null ? "?" : session.getCipherSuite());
                }
                continue;
            }
            return protocol;
        }
        return applicationProtocols.size() == 1 ? "" : null;
    }

    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    public List<String> applicationProtocols() {
        return applicationProtocols;
    }

    /** Handshakes completed since this transport was made. */
    public long handshakes() {
        return handshakes.sum();
    }

    /** Handshakes that failed or timed out since this transport was made. */
    public long failedHandshakes() {
        return failedHandshakes.sum();
    }

    @Override
    public String toString() {
        return "tls(alpn=" + applicationProtocols + ", handshakeTimeout=" + handshakeTimeout.toMillis() + "ms)";
    }
}
