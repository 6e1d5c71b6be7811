package io.corral.jetty;

import static io.corral.connector.listener.Listener.State.BOUND;
import static io.corral.connector.listener.Listener.State.RUNNING;
import static io.corral.connector.listener.Listener.State.SUSPENDED;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Limits;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.http2.AlpnProtocol;
import io.corral.connector.http2.CleartextProtocol;
import io.corral.connector.http2.H2cUpgrade;
import io.corral.connector.listener.Admission;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.Protocol;
import io.corral.connector.listener.ListenerStats;
import io.corral.connector.proxy.ProxyHeaderException;
import io.corral.connector.stream.HttpHandler;
import io.corral.connector.proxy.ProxyProtocolConfig;
import io.corral.connector.proxy.ProxyProtocolMode;
import io.corral.connector.proxy.ProxyProtocolTransport;
import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.TlsTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import io.corral.connector.websocket.ControlFrameRate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnectionFactory;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.NegotiatingServerConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty {@code Connector} that puts Corral's core under Jetty's handlers: use it wherever you wrote
 * {@code new ServerConnector(server)}. Corral's {@link io.corral.connector.listener.Listener Listener} owns the socket and its acceptors, its
 * HTTP/1.1 engine parses requests and writes responses, every connection runs on a virtual thread of its
 * own and every request on a new one; requests reach {@code Server.handle()} through Jetty's public
 * {@code HttpChannel}/{@code HttpStream} contract, so servlets, filters, sessions and error pages run
 * unchanged. The {@link HttpConnectionFactory} it carries is where its {@link HttpConfiguration} lives
 * (Jetty components look it up there); Corral does the parsing itself. Starts, stops and shuts down
 * gracefully with the {@link Server}; its listener counters show in {@code server.dump()} and over JMX.
 */
@ManagedObject("Corral connector: Corral's listener and HTTP/1.1 engine under Jetty's handlers")
public class CorralConnector extends AbstractNetworkConnector {

    private static final Logger LOG = LoggerFactory.getLogger(CorralConnector.class);
    /**
     * The most frames a WebSocket session may have queued for sending: 256. Frames, not bytes, because the
     * queue that holds them is Jetty's own (the session's flusher), which Jetty bounds by count
     * ({@code maxOutgoingFrames}); the bridge below it takes one data frame at a time.
     */
    public static final int DEFAULT_WEBSOCKET_MAX_QUEUED_FRAMES = 256;

    private volatile int acceptors = ListenerConfig.DEFAULT_ACCEPTORS;
    private volatile int acceptQueueSize;
    private volatile int maxConnections = ListenerConfig.DEFAULT_MAX_CONNECTIONS;
    /** Set by {@link #setTransport}; null: TCP, or TLS when the connector carries an {@link SslConnectionFactory}. */
    private volatile Transport transport;
    /** The transport the listener runs on, chosen at open. */
    private volatile Transport openTransport;
    private volatile long tlsHandshakeTimeout = -1;
    private volatile Duration hibernateAfter = Http1Config.DEFAULTS.hibernateAfter();
    private volatile SocketOptions socketOptions = SocketOptions.DEFAULTS;
    /** Set: listen on this socket file instead of host and port (see {@link #setUnixDomainPath}). */
    private volatile Path unixDomainPath;
    private volatile boolean inheritChannel;
    private volatile int listenSockets = 1;
    // ServerConnector settings with no meaning here, remembered only to say so once at start (null = not set).
    private volatile Integer selectors;
    private volatile Integer acceptorPriorityDelta;
    private final HttpChannel.Factory channelFactory = new HttpChannel.DefaultFactory();
    private final LongAdder requests = new LongAdder();
    private final LongAdder upgrades = new LongAdder();
    /** Endpoints on HTTP/2 streams running an upgraded connection (WebSocket over RFC 8441). */
    private final Set<EndPoint> tunnels = ConcurrentHashMap.newKeySet();
    private volatile long webSocketDrainGrace = Http1Protocol.DEFAULT_UPGRADED_DRAIN_GRACE.toMillis();
    // Fully qualified: inside a Jetty component, "Listener" names LifeCycle.Listener.
    private volatile io.corral.connector.listener.Listener listener;
    private volatile Http1Protocol protocol;
    private volatile int localPort = -1;

    // The engine's limits and timeouts (see "Engine settings" below); read at start.
    private volatile long headerTimeout = -1;
    private volatile int maxHeaderCount = Http1Limits.DEFAULTS.maxHeaderCount();
    private volatile int maxRequestTargetLength = -1;
    private volatile long maxBodySize = Http1Limits.DEFAULTS.maxBodySize();
    private volatile int maxRequestsPerConnection = Http1Config.DEFAULTS.maxRequestsPerConnection();
    private volatile long maxUnreadBodyToDiscard = Http1Config.DEFAULTS.maxUnreadBodyToDiscard();
    private volatile long shutdownTimeout = ListenerConfig.DEFAULT_SHUTDOWN_TIMEOUT.toMillis();
    private volatile int webSocketMaxQueuedFrames = DEFAULT_WEBSOCKET_MAX_QUEUED_FRAMES;

    /** A connector with a default {@link HttpConfiguration}. */
    public CorralConnector(@Name("server") Server server) {
        this(server, new HttpConnectionFactory());
    }

    /** A connector honouring the given configuration (header sizes, customizers, compliance…). */
    public CorralConnector(@Name("server") Server server, @Name("config") HttpConfiguration configuration) {
        this(server, new HttpConnectionFactory(configuration));
    }

    /**
     * An HTTPS connector, as {@code ServerConnector(server, sslContextFactory)}: TLS configured by Jetty's
     * {@link SslContextFactory.Server} (keystore, protocols, cipher suites, client authentication), HTTP/1.1 with a
     * default {@link HttpConfiguration}, to which a {@link org.eclipse.jetty.server.SecureRequestCustomizer} is added.
     */
    public CorralConnector(@Name("server") Server server,
                           @Name("sslContextFactory") SslContextFactory.Server sslContextFactory) {
        this(server, AbstractConnectionFactory.getFactories(sslContextFactory, new HttpConnectionFactory()));
    }

    /**
     * As {@code ServerConnector(server, factories)}: one of the factories must be an
     * {@link HttpConnectionFactory}, whose {@link HttpConfiguration} the connector follows. With an
     * {@link SslConnectionFactory} in front of it (its next protocol HTTP/1.1), the connector serves HTTPS: Corral's
     * {@link TlsTransport} does the TLS, with engines made and customized by the factory's
     * {@link SslContextFactory.Server}, which starts and stops with the connector. As on ServerConnector, an
     * {@code SslConnectionFactory(ssl, "alpn")}, an {@code ALPNServerConnectionFactory("h2", "http/1.1")} and Jetty's
     * {@code HTTP2ServerConnectionFactory} beside the HTTP/1.1 one add h2 by ALPN: Corral's own HTTP/2, with that
     * factory's settings. With Jetty's
     * {@link ProxyConnectionFactory} first, each connection must begin with a PROXY protocol header (see
     * {@link #setProxyProtocol}).
     */
    @SuppressWarnings("this-escape") // the dump bean reads the listener only when dumped, long after construction
    public CorralConnector(@Name("server") Server server, @Name("factories") ConnectionFactory... factories) {
        // No Jetty acceptor threads: Corral's listener accepts. Buffers for Jetty's side come from a pool of the
        // connector's own that gives memory back after a burst (the Server's keeps what it lent for good).
        super(server, null, null, new TrimmedByteBufferPool(), 0, factories);
        addBean(new DumpLine(this::listenerDumpLine));
        addBean(new DumpLine(this::engineDumpLine));
        addBean(new DumpLine(this::proxyDumpLine));
    }

    /** The configuration of the {@link HttpConnectionFactory} this connector carries. */
    public HttpConfiguration getHttpConfiguration() {
        HttpConnectionFactory factory = getConnectionFactory(HttpConnectionFactory.class);
        if (factory == null) {
            throw new IllegalStateException("CorralConnector needs an HttpConnectionFactory: " + this);
        }
        return factory.getHttpConfiguration();
    }

    /**
     * Binds (unless {@link #open()} already has), then starts accepting: only now, once Jetty has started
     * the handlers, so a client that connected early waits in the backlog and gets its real answer.
     */
    @Override
    protected void doStart() throws Exception {
        getHttpConfiguration();
        sslConnectionFactory();
        proxyProtocolMode();
        super.doStart(); // calls open(); starts the SslContextFactory before any connection is accepted
        var bound = listener;
        if (bound != null && bound.state() == BOUND) {
            bound.start();
        }
    }

    /**
     * Binds the port without accepting yet, as {@code ServerConnector.open()} does: Jetty's {@code Server}
     * opens its connectors before it deploys its webapps, to fail early on a port in use, and starts them
     * after. Accepting begins in {@link #doStart()}. On a connector that is running but closed (see
     * {@link #close()}), listens on the same port again and accepts at once.
     */
    @Override
    public void open() throws IOException {
        var current = listener;
        if (current != null && (current.state() == RUNNING || current.state() == BOUND)) {
            return;
        }
        if (current != null && current.state() == SUSPENDED) {
            // Closed but not stopped (its connections live on): listen again on the same port.
            current.resume();
            localPort = current.localPort();
            super.open();
            return;
        }
        warnAboutSettingsWithoutEffect();
        HttpConfiguration httpConfiguration = getHttpConfiguration();
        Http1Config config = Http1ConfigMapping.from(httpConfiguration, this).withHibernateAfter(hibernateAfter);
        HttpHandler noSharedHandler = exchange -> {
            throw new IllegalStateException("connections are served with a handler of their own");
        };
        Http1Protocol http = new Http1Protocol(config, noSharedHandler);
        http.setUpgradedDrainGrace(Duration.ofMillis(webSocketDrainGrace));
        // Sessions of Jetty's WebSocket layer run on endpoints of this connector, not on the engine's own
        // WebSocket: one registration for all of them, told when a drain's grace is over.
        http.goingAway().register(this::webSocketsGoAway);
        openTransport = chooseTransport(); // before listenerConfig(), which reads it
        proxyTransport = proxyTransportOver(openTransport);
        Http2ConfigMapping.Mapped h2c = h2cMapping();
        // HTTP/1.1 and h2c share the port: the preface picks HTTP/2, anything else is HTTP/1.1 (which may ask for
        // h2c with Upgrade). Without an h2c factory the connection goes straight to HTTP/1.1, as before.
        CleartextProtocol cleartext = h2c == null ? null : new CleartextProtocol(http, h2c.config(), noSharedHandler);
        // HTTP/1.1 and h2 share a TLS port: ALPN picked one during the handshake (the transport's selector).
        Http2ConfigMapping.Mapped h2 = h2Mapping();
        AlpnProtocol alpn = h2 == null ? null : new AlpnProtocol(http, h2.config(), noSharedHandler);
        Protocol served = cleartext != null ? cleartext : alpn != null ? alpn : http;
        var bound = new io.corral.connector.listener.Listener(listenerConfig(), new Protocol() {
            @Override
            public Hibernation serve(TransportConnection connection) throws Exception {
                return CorralConnector.this.serve(http, cleartext, h2c, alpn, h2, httpConfiguration, connection);
            }

            @Override
            public void drain() {
                served.drain();
            }

            @Override
            public void start() {
                served.start();
            }

            @Override
            public void watchAdmission(Admission admission) {
                http.watchAdmission(admission);
            }
        });
        bound.setEvictIdleAtLimit(evictIdleAtLimit);
        bound.bind();
        protocol = http;
        listener = bound;
        localPort = bound.localPort();
        super.open();
    }

    /**
     * The mapped settings of the connector's {@code h2c} factory (Jetty's {@code HTTP2CServerConnectionFactory}, as
     * ServerConnector takes it), or null when it has none. h2c is cleartext: on a TLS connector it is not served.
     */
    private Http2ConfigMapping.Mapped h2cMapping() {
        ConnectionFactory factory = getConnectionFactory("h2c");
        if (factory == null) {
            return null;
        }
        if (openTransport instanceof TlsTransport) {
            LOG.warn("{}: h2c is HTTP/2 without TLS; on this TLS connector it is not served", this);
            return null;
        }
        return Http2ConfigMapping.from(factory, this);
    }

    /**
     * The mapped settings of the connector's {@code h2} factory (Jetty's {@code HTTP2ServerConnectionFactory}, as
     * ServerConnector takes it behind an {@code ALPNServerConnectionFactory}), or null when h2 is not served: no such
     * factory, or no TLS with ALPN offering it (h2 is HTTP/2 over TLS; ServerConnector ignores it elsewhere too).
     */
    private Http2ConfigMapping.Mapped h2Mapping() {
        ConnectionFactory factory = getConnectionFactory(TlsTransport.HTTP2);
        if (factory == null || !(openTransport instanceof TlsTransport tls)
                || !tls.applicationProtocols().contains(TlsTransport.HTTP2)) {
            return null;
        }
        return Http2ConfigMapping.from(factory, this);
    }

    /**
     * The connector's {@link SslConnectionFactory}, or null for plain HTTP. After TLS, Corral speaks HTTP/1.1 (the
     * factory's next protocol is the {@link HttpConnectionFactory}'s), or HTTP/2 and HTTP/1.1 chosen by ALPN (the next
     * protocol is an {@code ALPNServerConnectionFactory}'s, {@code "alpn"}: see {@link #applicationProtocols}).
     */
    private SslConnectionFactory sslConnectionFactory() {
        SslConnectionFactory ssl = getConnectionFactory(SslConnectionFactory.class);
        if (ssl == null) {
            return null;
        }
        ConnectionFactory next = getConnectionFactory(ssl.getNextProtocol());
        if (!(next instanceof HttpConnectionFactory) && !(next instanceof NegotiatingServerConnectionFactory)) {
            throw new IllegalStateException("CorralConnector speaks HTTP/1.1, or h2 and HTTP/1.1 by ALPN, after TLS: the "
                    + "SslConnectionFactory's next protocol must be the HttpConnectionFactory's or an "
                    + "ALPNServerConnectionFactory's, not " + ssl.getNextProtocol() + ": " + this);
        }
        if (transport != null) {
            throw new IllegalStateException("CorralConnector has both a transport of its own (" + transport
                    + ") and an SslConnectionFactory: " + this);
        }
        return ssl;
    }

    /**
     * TLS when the connector carries an {@link SslConnectionFactory}: each engine comes from its
     * {@link SslContextFactory.Server} ({@code newSSLEngine(peer)}, which applies Jetty's protocols, cipher suites
     * and client authentication), when a client connects — the factory is started by then.
     */
    private Transport chooseTransport() {
        SslConnectionFactory ssl = sslConnectionFactory();
        if (ssl == null) {
            return transport != null ? transport : new TcpTransport();
        }
        SslContextFactory.Server factory = ssl.getSslContextFactory();
        return new TlsTransport(factory::newSSLEngine, tlsHandshakeTimeoutDuration(), applicationProtocols(ssl));
    }

    /**
     * What ALPN may agree on, in the server's order of preference. Behind an {@code ALPNServerConnectionFactory}: the
     * protocols it lists ({@code jetty.alpn.protocols}) that Corral serves here — {@code h2} when the connector has an
     * {@code HTTP2ServerConnectionFactory}, {@code http/1.1} — in that order; when it lists none (its default, where
     * Jetty takes the connector's protocols in the order their factories were added), {@code h2} then
     * {@code http/1.1}, the order jetty-home's stock {@code http2} and {@code https} modules give ServerConnector
     * (corral-https adds its HTTP/1.1 factory before the {@code alpn} module can add its own). Without an ALPN factory:
     * {@code http/1.1} alone, as before.
     */
    private List<String> applicationProtocols(SslConnectionFactory ssl) {
        if (!(getConnectionFactory(ssl.getNextProtocol()) instanceof NegotiatingServerConnectionFactory alpn)) {
            return TlsTransport.DEFAULT_APPLICATION_PROTOCOLS;
        }
        List<String> listed = alpn.getNegotiatedProtocols();
        List<String> candidates = listed.isEmpty() ? TlsTransport.HTTP2_AND_HTTP11 : listed;
        List<String> served = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (String protocol : candidates) {
            if (protocol.equals(TlsTransport.HTTP2) && getConnectionFactory(TlsTransport.HTTP2) != null
                    || protocol.equalsIgnoreCase("http/1.1") && getConnectionFactory(HttpConnectionFactory.class) != null) {
                served.add(protocol.toLowerCase(Locale.ROOT));
            } else if (!listed.isEmpty()) {
                ignored.add(protocol);
            }
        }
        if (served.isEmpty()) {
            throw new IllegalStateException("CorralConnector: the ALPN factory lists no protocol Corral serves ("
                    + listed + "; it serves h2 with an HTTP2ServerConnectionFactory, and http/1.1): " + this);
        }
        if (!ignored.isEmpty()) {
            LOG.warn("{}: ALPN protocols {} are not served by Corral here (it serves h2 with an HTTP2ServerConnectionFactory,"
                    + " and http/1.1); ALPN offers {}", this, ignored, served);
        }
        String fallback = alpn.getDefaultProtocol();
        if (fallback != null && !fallback.equalsIgnoreCase("http/1.1")) {
            LOG.warn("{}: ALPN default protocol {} is not followed: a client that offers no ALPN gets HTTP/1.1 on Corral",
                    this, fallback);
        }
        return List.copyOf(served);
    }

    private Duration tlsHandshakeTimeoutDuration() {
        if (tlsHandshakeTimeout > 0) {
            return Duration.ofMillis(tlsHandshakeTimeout);
        }
        return getIdleTimeout() > 0 ? Duration.ofMillis(getIdleTimeout()) : TlsTransport.DEFAULT_HANDSHAKE_TIMEOUT;
    }

    /** One WARN naming every stock {@code jetty.http.*} setting that was given but means nothing to Corral. */
    private void warnAboutSettingsWithoutEffect() {
        List<String> ignored = new ArrayList<>();
        if (selectors != null) {
            ignored.add("selectors=" + selectors + " (Corral has no selectors: each connection blocks on a "
                    + "virtual thread of its own)");
        }
        if (acceptorPriorityDelta != null) {
            ignored.add("acceptorPriorityDelta=" + acceptorPriorityDelta + " (Corral's acceptors run at normal "
                    + "priority; they only accept, and hand each connection to a new virtual thread)");
        }
        if (socketOptions.reusePort() && !SocketOptions.reusePortSupported()) {
            ignored.add("reusePort=true (this platform has no SO_REUSEPORT)");
            socketOptions = socketOptions.withReusePort(false);
        }
        if (!ignored.isEmpty()) {
            LOG.warn("{}: ignoring settings that have no effect on Corral: {}", this, String.join("; ", ignored));
        }
    }

    private ListenerConfig listenerConfig() {
        String host = getHost();
        Path socketFile = unixDomainPath;
        SocketAddress address = socketFile != null ? UnixDomainSocketAddress.of(socketFile)
                : host == null ? new InetSocketAddress(getPort()) : new InetSocketAddress(host, getPort());
        String where = socketFile != null ? "unix:" + socketFile
                : inheritChannel ? "inherited" : (host == null ? "0.0.0.0" : host) + ":" + getPort();
        return ListenerConfig.defaults()
                .withAddress(address)
                .withAcceptors(acceptors)
                .withBacklog(acceptQueueSize > 0 ? acceptQueueSize : ListenerConfig.DEFAULT_BACKLOG)
                .withMaxConnections(maxConnections)
                .withTransport(proxyTransport != null ? proxyTransport : openTransport)
                .withSocketOptions(socketOptions)
                .withShutdownTimeout(Duration.ofMillis(shutdownTimeout))
                .withListenSockets(socketFile != null ? 1 : listenSockets)
                .withInheritChannel(inheritChannel)
                .withMaxConnectionsPerSource(maxConnectionsPerSource)
                .withName(getName() != null ? getName() : "corral-" + where);
    }

    /**
     * What runs on each accepted connection: its first burst on its own virtual thread, then — if it
     * hibernates between requests or as an idle WebSocket — further bursts on new ones. The endpoint closes
     * and Jetty hears of it once, when the connection really ends.
     */
    private Hibernation serve(Http1Protocol protocol, CleartextProtocol cleartext, Http2ConfigMapping.Mapped h2c,
            AlpnProtocol alpn, Http2ConfigMapping.Mapped h2, HttpConfiguration httpConfiguration,
            TransportConnection transport) throws Exception {
        CorralEndPoint endPoint = new CorralEndPoint(transport, getScheduler(), this::getIdleTimeout);
        CorralHttpConnection connection = new CorralHttpConnection(this, httpConfiguration, endPoint,
                channelFactory, protocol.config().maxUnreadBodyToDiscard());
        // As Jetty's connection factories do: connection listeners on the connector see every connection.
        for (EventListener eventListener : getEventListeners()) {
            connection.addEventListener(eventListener);
        }
        endPoint.setConnection(connection);
        onEndPointOpened(endPoint);
        return Hibernation.ensuring(() -> {
            endPoint.onOpen();
            connection.onOpen();
            if (alpn != null) {
                connection.streamIdleTimeout(h2.streamIdleTimeoutMs());
                connection.maxConcurrentStreams(h2.config().maxConcurrentStreams());
                return alpn.serve(transport, connection, connection);
            }
            if (cleartext == null) {
                return protocol.serve(transport, connection);
            }
            connection.streamIdleTimeout(h2c.streamIdleTimeoutMs());
            connection.maxConcurrentStreams(h2c.config().maxConcurrentStreams());
            return cleartext.serve(transport, H2cUpgrade.wrap(connection, h2c.config()), connection);
        }, () -> {
            endPoint.close();
            endPoint.getConnection().onClose(null);
            onEndPointClosed(endPoint);
        });
    }

    /**
     * Jetty's graceful shutdown: stop accepting, close keep-alive connections waiting for a request, and
     * let requests in flight finish, each response ending its connection. The future completes when the
     * last connection has gone (or {@code doStop} ends the rest once the server's stop timeout passes).
     */
    @Override
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<Void> done = super.shutdown();
        // The same drain as Listener.stop(grace): one path for every protocol.
        var current = listener;
        if (current != null) {
            current.drain();
        }
        return done;
    }

    // ---- live operations (issue 9): Ranch's suspend_listener / resume_listener and a drain, over JMX too ----

    /**
     * Stops accepting new connections; live ones carry on, keep-alive included. The port stays this connector's:
     * {@link #resume()} listens on it again. Clients connecting meanwhile are refused. Live; does nothing when
     * already suspended.
     *
     * @throws IllegalStateException when the connector is not started
     */
    @ManagedOperation(value = "stop accepting new connections; live ones carry on", impact = "ACTION")
    public void suspend() {
        runningListener("suspend").suspend();
    }

    /**
     * Listens on the same port again and accepts, after {@link #suspend()} or {@link #drain(long)}; after a drain,
     * connections are kept alive again. Live; does nothing when accepting.
     *
     * @throws IOException when the port was taken meanwhile (the connector stays suspended)
     */
    @ManagedOperation(value = "accept new connections again after suspend or drain", impact = "ACTION")
    public void resume() throws IOException {
        var current = runningListener("resume");
        current.resume();
        localPort = current.localPort();
    }

    /**
     * Drains this connector, for a rolling restart: stops accepting; closes keep-alive connections waiting for a
     * request at once; answers each request in flight with {@code Connection: close}; after
     * {@link #setWebSocketDrainGrace the WebSocket grace} closes WebSocket sessions (Corral's native ones and
     * Jetty's Jakarta/Jetty sessions alike) with 1001 "going away"; waits up to {@code timeoutMs} for every
     * connection to end and closes those still live. Blocks until then. The server keeps running and the
     * connector stays suspended: {@link #resume()} serves again, {@code Server.stop()} ends it.
     *
     * @return how many connections were still live after {@code timeoutMs} and were closed
     */
    @ManagedOperation(value = "drain: stop accepting, close keep-alive connections, WebSockets with 1001 after the "
            + "grace, wait up to timeoutMs for requests in flight, close the rest; returns how many were closed",
            impact = "ACTION")
    public int drain(@Name(value = "timeoutMs", description = "how long requests in flight may take to finish")
                     long timeoutMs) {
        atLeast(0, timeoutMs, "timeoutMs");
        var current = runningListener("drain");
        current.drain();
        if (current.awaitIdle(Duration.ofMillis(timeoutMs))) {
            LOG.info("{}: drained; every connection ended within {} ms", this, timeoutMs);
            return 0;
        }
        // Closed as a stop closes them, servlets still running interrupted; then the listener closes anything
        // that never became an endpoint (a TLS handshake under way) and waits for the connection threads.
        int closed = closeEndPoints();
        closed += current.drain(Duration.ofMillis(shutdownTimeout));
        LOG.info("{}: drained; closed {} connections still live after {} ms", this, closed, timeoutMs);
        return closed;
    }

    @ManagedAttribute("whether a drain (or graceful shutdown) is under way: responses say Connection: close")
    public boolean isDraining() {
        Http1Protocol http = protocol;
        return http != null && http.isDraining();
    }

    private io.corral.connector.listener.Listener runningListener(String operation) {
        var current = listener;
        if (current == null || !isStarted()) {
            throw new IllegalStateException("cannot " + operation + " " + this + ": not started");
        }
        return current;
    }

    /** Closes every WebSocket session of Jetty's layer on this connector with 1001: a drain's grace is over. */
    private void webSocketsGoAway() {
        for (EndPoint endPoint : upgradedEndPoints()) {
            Connection connection = endPoint.getConnection();
            if (connection != null && isJettyWebSocket(connection)) {
                io.corral.jetty.websocket.WebSocketFraming.goAway(connection);
            }
        }
    }

    /**
     * By class name, so that the WebSocket bridge (which links against Jetty's WebSocket classes) is only loaded
     * when they are on the class path.
     */
    static boolean isJettyWebSocket(Connection connection) {
        for (Class<?> type = connection.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("org.eclipse.jetty.websocket.core.WebSocketConnection")) {
                return true;
            }
        }
        return false;
    }

    /** Stops accepting; live connections carry on (graceful shutdown, then {@code doStop}, end them). */
    @Override
    public void close() {
        var current = listener;
        if (current != null && current.state() == RUNNING) {
            current.suspend();
        } else if (current != null && current.state() == BOUND) {
            current.stop(); // opened but never started (the server failed to start): nothing to carry on
        }
        if (current != null) {
            localPort = -2;
        }
        super.close();
    }

    @Override
    public boolean isOpen() {
        var current = listener;
        return current != null && (current.state() == RUNNING || current.state() == BOUND);
    }

    /** Base class {@code doStop()} leaves connections open: Corral closes them, failing any exchange left. */
    @Override
    protected void doStop() throws Exception {
        close();
        closeEndPoints();
        var current = listener;
        if (current != null) {
            current.stop();
        }
        super.doStop();
    }

    /** Closes every connection of this connector, failing any exchange left; returns how many there were. */
    private int closeEndPoints() {
        List<EndPoint> endPoints = List.copyOf(getConnectedEndPoints());
        for (EndPoint endPoint : endPoints) {
            Connection connection = endPoint.getConnection();
            if (connection != null) {
                connection.close();
            } else {
                endPoint.close();
            }
            // As Jetty's thread pool does to its threads at stop: a servlet blocked in a wait of its own
            // is interrupted rather than left running on a request thread nobody else would stop.
            if (connection instanceof CorralHttpConnection http) {
                http.interruptExchange();
            }
        }
        return endPoints.size();
    }

    /** Jetty's form, {@code CorralConnector@…{HTTP/1.1, (http/1.1)}{host:port}}, with {@code {unix:path}} on a socket file. */
    @Override
    public String toString() {
        String network = super.toString();
        Path socketFile = unixDomainPath;
        return socketFile == null ? network : network.substring(0, network.lastIndexOf('{')) + "{unix:" + socketFile + "}";
    }

    @Override
    protected void accept(int acceptorID) {
        throw new UnsupportedOperationException("Corral's listener accepts connections");
    }

    @Override
    public Object getTransport() {
        return listener;
    }

    @Override
    @ManagedAttribute("local port")
    public int getLocalPort() {
        return localPort;
    }

    @Override
    @ManagedAttribute("number of Corral acceptor threads")
    public int getAcceptors() {
        return acceptors;
    }

    /**
     * Acceptor threads blocking in {@code accept()}; read at start. Default 2. Zero or less means the
     * default, as "pick for me" does on {@code ServerConnector}, so a stock {@code jetty.http.acceptors=-1}
     * carries over.
     */
    public void setAcceptors(int acceptors) {
        this.acceptors = acceptors < 1 ? ListenerConfig.DEFAULT_ACCEPTORS : acceptors;
    }

    @ManagedAttribute("Accept Queue size")
    public int getAcceptQueueSize() {
        return acceptQueueSize;
    }

    /**
     * The kernel's accept backlog, read at start; 0 (the default) means Corral's default: as deep as the kernel
     * allows ({@code net.core.somaxconn}, at least 1024).
     */
    public void setAcceptQueueSize(int acceptQueueSize) {
        this.acceptQueueSize = Math.max(0, acceptQueueSize);
    }

    @ManagedAttribute("maximum live connections; at the limit acceptors wait and clients queue in the backlog")
    public int getMaxConnections() {
        return maxConnections;
    }

    /**
     * Changes the connection limit, also while running. Default sized at start from the file-descriptor limit and
     * the heap ({@link ListenerConfig#DEFAULT_MAX_CONNECTIONS}); {@link Integer#MAX_VALUE} = none.
     */
    public void setMaxConnections(int maxConnections) {
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must not be negative: " + maxConnections);
        }
        this.maxConnections = maxConnections;
        var current = listener;
        if (current != null) {
            current.setMaxConnections(maxConnections);
        }
    }

    @ManagedAttribute("milliseconds an idle connection keeps its thread before it hibernates; 0 = as soon as a read would wait")
    public long getHibernateAfter() {
        return hibernateAfter.toMillis();
    }

    /**
     * How long a connection with nothing to read — keep-alive between requests, a quiet WebSocket — waits on
     * its own thread before it hibernates: gives up its thread, stack and input buffer and waits on the
     * transport's selector until bytes arrive (Cowboy's {@code hibernate}). 0 hibernates as soon as a read would
     * wait. Read at start. Default 1000: a connection busy with requests or messages never pays for it.
     */
    public void setHibernateAfter(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("hibernateAfter must not be negative: " + millis);
        }
        this.hibernateAfter = Duration.ofMillis(millis);
    }

    Duration hibernateAfterDuration() {
        return hibernateAfter;
    }

    @ManagedAttribute("SO_REUSEADDR on the listening socket")
    public boolean getReuseAddress() {
        return socketOptions.reuseAddress();
    }

    /** SO_REUSEADDR on the listening socket (default true), as on {@code ServerConnector}; read at open. */
    public void setReuseAddress(boolean reuseAddress) {
        socketOptions = socketOptions.withReuseAddress(reuseAddress);
    }

    @ManagedAttribute("SO_REUSEPORT on the listening socket")
    public boolean isReusePort() {
        return socketOptions.reusePort();
    }

    /**
     * SO_REUSEPORT on the listening socket (default false), as on {@code ServerConnector}; read at open.
     * Where the platform has none, start logs a warning and binds without it.
     */
    public void setReusePort(boolean reusePort) {
        socketOptions = socketOptions.withReusePort(reusePort);
    }

    @ManagedAttribute("the Unix domain socket file listened on, or null for host and port")
    public Path getUnixDomainPath() {
        return unixDomainPath;
    }

    /**
     * Listens on this socket file instead of host and port, as Jetty's {@code UnixDomainServerConnector} does
     * (Ranch's {@code {local, Path}}); null (the default) listens on host and port. Read at open. The file is
     * removed whenever the connector stops listening; a stale file left by a process that died is replaced, with
     * one INFO line; a file a live process answers on, or one that is not a socket, fails the start and names
     * the path. Servlets see what they see on Jetty's connector: {@code getLocalAddr()} is the path, no ports.
     * TCP-only settings (TCP_NODELAY, reuse of address and port, several listen sockets) do not apply; TLS over
     * a socket file is not supported.
     */
    public void setUnixDomainPath(Path unixDomainPath) {
        this.unixDomainPath = unixDomainPath;
    }

    @ManagedAttribute("whether the connector listens on the channel the process inherited")
    public boolean isInheritChannel() {
        return inheritChannel;
    }

    /**
     * Listens on the listening socket the process inherited ({@link System#inheritedChannel()}: a systemd socket
     * unit with {@code StandardInput=socket}, inetd {@code wait}) instead of binding host and port, as
     * {@code ServerConnector.setInheritChannel} does (default false); read at open. With none inherited, a WARN
     * says so and the connector binds host and port.
     */
    public void setInheritChannel(boolean inheritChannel) {
        this.inheritChannel = inheritChannel;
    }

    @ManagedAttribute("listening sockets bound to the port with SO_REUSEPORT")
    public int getListenSockets() {
        return listenSockets;
    }

    /**
     * Listening sockets bound to the same port with SO_REUSEPORT, each with its own acceptors (Ranch's
     * {@code num_listen_sockets}; default 1): the kernel spreads new connections over them, so acceptors do not
     * contend on one accept queue under heavy connection churn. There are at least as many acceptors as sockets.
     * Read at open; ignored on a socket file.
     */
    public void setListenSockets(int listenSockets) {
        if (listenSockets < 1) {
            throw new IllegalArgumentException("listenSockets must be at least 1: " + listenSockets);
        }
        this.listenSockets = listenSockets;
    }

    @ManagedAttribute("TCP_NODELAY on accepted sockets")
    public boolean getAcceptedTcpNoDelay() {
        return socketOptions.tcpNoDelay();
    }

    /** TCP_NODELAY on accepted sockets (default true), as on {@code ServerConnector}; read at open. */
    public void setAcceptedTcpNoDelay(boolean tcpNoDelay) {
        socketOptions = socketOptions.withTcpNoDelay(tcpNoDelay);
    }

    @ManagedAttribute("SO_RCVBUF of accepted sockets (-1: the kernel's default)")
    public int getAcceptedReceiveBufferSize() {
        return socketOptions.receiveBufferSize();
    }

    /** SO_RCVBUF of accepted sockets in bytes; -1 (the default) keeps the kernel's. Read at open. */
    public void setAcceptedReceiveBufferSize(int receiveBufferSize) {
        socketOptions = socketOptions.withReceiveBufferSize(receiveBufferSize);
    }

    @ManagedAttribute("SO_SNDBUF of accepted sockets (-1: the kernel's default)")
    public int getAcceptedSendBufferSize() {
        return socketOptions.sendBufferSize();
    }

    /** SO_SNDBUF of accepted sockets in bytes; -1 (the default) keeps the kernel's. Read at open. */
    public void setAcceptedSendBufferSize(int sendBufferSize) {
        socketOptions = socketOptions.withSendBufferSize(sendBufferSize);
    }

    /**
     * Accepted so that a stock {@code jetty.http.selectors} carries over, but without effect: Corral has no
     * selectors. Start logs a warning naming it.
     */
    public void setSelectors(int selectors) {
        this.selectors = selectors;
    }

    /**
     * Accepted as on {@code ServerConnector}, but without effect on Corral's acceptors; start logs a
     * warning naming it.
     */
    @Override
    public void setAcceptorPriorityDelta(int acceptorPriorityDelta) {
        this.acceptorPriorityDelta = acceptorPriorityDelta;
        super.setAcceptorPriorityDelta(acceptorPriorityDelta);
    }

    /**
     * How accepted sockets become connections; read at start. By default TCP, or TLS when the connector carries an
     * {@link SslConnectionFactory} (a transport of one's own and an SslConnectionFactory do not go together).
     */
    public void setTransport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    @ManagedAttribute("ms a TLS handshake may take in all; -1 = the idle timeout")
    public long getTlsHandshakeTimeout() {
        return tlsHandshakeTimeout;
    }

    /**
     * How long a TLS handshake may take from accept to its end, in ms, however the client trickles its bytes; past
     * it the connection closes and counts as a failed handshake. -1 (the default) means the idle timeout, which
     * bounds a handshake on ServerConnector (10 s when the idle timeout is infinite). Read at start.
     */
    public void setTlsHandshakeTimeout(long tlsHandshakeTimeoutMs) {
        this.tlsHandshakeTimeout = tlsHandshakeTimeoutMs == -1 ? -1
                : atLeast(1, tlsHandshakeTimeoutMs, "tlsHandshakeTimeout");
    }

    @ManagedAttribute("TLS handshakes completed")
    public long getTlsHandshakes() {
        return openTransport instanceof TlsTransport tls ? tls.handshakes() : 0;
    }

    @ManagedAttribute("TLS handshakes that failed or timed out (each logged at DEBUG on io.corral.connector.transport.TlsTransport)")
    public long getTlsHandshakeFailures() {
        return openTransport instanceof TlsTransport tls ? tls.failedHandshakes() : 0;
    }

    @ManagedAttribute("the Corral listener's state")
    public String getListenerState() {
        var current = listener;
        return current == null ? "NEW" : current.state().name();
    }

    @ManagedAttribute("connections alive right now")
    public int getActiveConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.active();
    }

    @ManagedAttribute("most connections alive at once")
    public int getPeakConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.peak();
    }

    @ManagedAttribute("connections accepted since creation")
    public long getAcceptedConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.totalAccepted();
    }

    @ManagedAttribute("connections ended since creation")
    public long getClosedConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.totalClosed();
    }

    @ManagedAttribute("connections that ended with an exception (not those closed to admit new clients: evictedIdleConnections)")
    public long getFailedConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.failed();
    }

    @ManagedAttribute("acceptors waiting for the connection count to drop below the limit")
    public int getWaitingAcceptors() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.waitingAcceptors();
    }

    @ManagedAttribute("failed accept() calls")
    public long getAcceptErrors() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.acceptErrors();
    }

    /** A snapshot of the listener's counters, or null before the first start. */
    public ListenerStats stats() {
        var current = listener;
        return current == null ? null : current.stats();
    }

    @ManagedAttribute("the bound address, host:port or the socket file's path (also while suspended); null before start")
    public String getLocalAddress() {
        var current = listener;
        if (current == null) {
            return null;
        }
        SocketAddress address;
        try {
            address = current.localAddress();
        } catch (IllegalStateException neverBound) {
            return null;
        }
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort()
                : address.toString();
    }

    @ManagedAttribute("requests answered since start (every response, whatever its status)")
    public long getRequests() {
        return requests.sum();
    }

    @ManagedAttribute("connections that switched protocols (101) since start, WebSocket above all")
    public long getUpgrades() {
        return upgrades.sum();
    }

    @ManagedAttribute("WebSocket sessions open right now (Jetty's Jakarta/Jetty API sessions on this connector)")
    public int getWebSocketSessions() {
        int open = 0;
        for (EndPoint endPoint : upgradedEndPoints()) {
            Connection connection = endPoint.getConnection();
            if (connection != null && isJettyWebSocket(connection)) {
                open++;
            }
        }
        return open;
    }

    /**
     * Where upgraded connections run: the connected endpoints (HTTP/1.1's, whose socket was upgraded) and the
     * endpoints on HTTP/2 streams that became tunnels (RFC 8441), which are no connections of their own.
     */
    private List<EndPoint> upgradedEndPoints() {
        List<EndPoint> all = new ArrayList<>(getConnectedEndPoints());
        all.addAll(tunnels);
        return all;
    }

    /** An HTTP/2 stream's endpoint now runs an upgraded connection (a WebSocket session), until {@link #tunnelEnded}. */
    void tunnelStarted(EndPoint tunnel) {
        tunnels.add(tunnel);
    }

    void tunnelEnded(EndPoint tunnel) {
        tunnels.remove(tunnel);
    }

    void requestCompleted() {
        requests.increment();
    }

    void upgraded() {
        upgrades.increment();
    }

    @ManagedAttribute("requests the engine refused itself (malformed, too large, too slow…); each is logged at DEBUG only")
    public long getBadRequests() {
        Http1Protocol http = protocol;
        return http == null ? 0 : http.badRequests().total();
    }

    @ManagedAttribute("requests the engine refused itself, by status: 400=3 413=1")
    public String getBadRequestsByStatus() {
        Http1Protocol http = protocol;
        return http == null ? "none" : http.badRequests().toString();
    }

    @ManagedAttribute("I/O buffers connections have borrowed from the HTTP/1.1 pool now (0 when every connection is idle)")
    public int getBorrowedBuffers() {
        Http1Protocol http = protocol;
        return http == null ? 0 : http.borrowedBuffers();
    }

    @ManagedAttribute("I/O buffers (16 KiB) waiting in the HTTP/1.1 pool for reuse, at most 512")
    public int getPooledBuffers() {
        Http1Protocol http = protocol;
        return http == null ? 0 : http.pooledBuffers();
    }

    // ---- Engine settings: every limit and timeout of Corral's engine, as setters for embedding and for
    // ---- jetty-corral.xml (jetty.corral.* properties), and as JMX attributes. Read at start unless said.

    @ManagedAttribute("ms a request head may take from its first byte to its last (408 after); -1 = the idle timeout")
    public long getHeaderTimeout() {
        return headerTimeout;
    }

    /**
     * How long a request head may take from its first byte to its last, in ms; past it the client gets 408
     * and the connection closes (slowloris). Unlike the idle timeout, bytes trickling in do not extend it.
     * -1 (the default) means the idle timeout, as on ServerConnector, where the idle timeout bounds a head
     * (30 s when the idle timeout is infinite: a head always has a deadline). Live: every head whose first
     * byte arrives from now on gets the new value.
     */
    public void setHeaderTimeout(long headerTimeoutMs) {
        this.headerTimeout = headerTimeoutMs == -1 ? -1 : atLeast(1, headerTimeoutMs, "headerTimeout");
        applyTimeoutsLive();
    }

    /**
     * The connector's idle timeout, as on {@code ServerConnector}; also live: connections accepted from now on get
     * it, and live HTTP connections from their next wait for a request (a read already waiting, or a connection
     * hibernating, keeps the deadline it began with; a WebSocket session keeps the one it opened with). A header
     * timeout left at -1 follows it.
     */
    @Override
    public void setIdleTimeout(long idleTimeout) {
        super.setIdleTimeout(idleTimeout);
        applyTimeoutsLive();
    }

    /** Hands changed timeouts to the running engine, mapped exactly as at start. */
    private void applyTimeoutsLive() {
        Http1Protocol http = protocol;
        if (http == null) {
            return;
        }
        Http1Config mapped = Http1ConfigMapping.from(getHttpConfiguration(), this);
        http.setIdleTimeout(mapped.idleTimeout());
        http.setHeaderTimeout(mapped.headerTimeout());
        LOG.info("{}: idle timeout now {} ms, header timeout {} ms", this, mapped.idleTimeout().toMillis(),
                mapped.headerTimeout().toMillis());
    }

    @ManagedAttribute("ms WebSocket sessions carry on after a drain begins before they are closed with 1001")
    public long getWebSocketDrainGrace() {
        return webSocketDrainGrace;
    }

    /**
     * How long WebSocket sessions carry on after a drain (or a graceful shutdown) begins before they are closed with
     * 1001 "going away", in ms: time for messages in flight to arrive before clients are told to reconnect
     * elsewhere. Default 1000; 0 closes them at once. Live: the next drain uses it.
     */
    public void setWebSocketDrainGrace(long graceMs) {
        this.webSocketDrainGrace = atLeast(0, graceMs, "webSocketDrainGrace");
        Http1Protocol http = protocol;
        if (http != null) {
            http.setUpgradedDrainGrace(Duration.ofMillis(graceMs));
        }
    }

    @ManagedAttribute("most header fields in a request head or in trailers (431 beyond)")
    public int getMaxHeaderCount() {
        return maxHeaderCount;
    }

    /** Most header fields in a request head or in its trailers; more gets 431. Default 100. */
    public void setMaxHeaderCount(int maxHeaderCount) {
        this.maxHeaderCount = (int) atLeast(1, maxHeaderCount, "maxHeaderCount");
    }

    @ManagedAttribute("longest request-target in bytes (414 beyond); -1 = the HttpConfiguration's requestHeaderSize")
    public int getMaxRequestTargetLength() {
        return maxRequestTargetLength;
    }

    /**
     * Longest request-target accepted, in bytes; longer gets 414. -1 (the default) means the
     * {@link HttpConfiguration#getRequestHeaderSize() requestHeaderSize}, which bounds the request line on
     * ServerConnector.
     */
    public void setMaxRequestTargetLength(int maxRequestTargetLength) {
        this.maxRequestTargetLength = maxRequestTargetLength == -1 ? -1
                : (int) atLeast(1, maxRequestTargetLength, "maxRequestTargetLength");
    }

    @ManagedAttribute("largest request body in bytes (413 beyond, before reading it when announced); -1 = none")
    public long getMaxBodySize() {
        return maxBodySize;
    }

    /**
     * Largest request body accepted, in bytes; larger gets 413 and the connection closes. An announced
     * {@code Content-Length} over it is refused before any body byte is read, and before any
     * {@code 100 Continue}. -1 (the default, as on ServerConnector) means no limit; Jetty's
     * {@code SizeLimitHandler} is the equivalent on ServerConnector.
     */
    public void setMaxBodySize(long maxBodySize) {
        this.maxBodySize = atLeast(-1, maxBodySize, "maxBodySize");
    }

    @ManagedAttribute("requests a connection may carry before it closes; 0 = unlimited")
    public int getMaxRequestsPerConnection() {
        return maxRequestsPerConnection;
    }

    /** After this many requests a connection closes ({@code Connection: close} on the last); 0 (default) = unlimited. */
    public void setMaxRequestsPerConnection(int maxRequestsPerConnection) {
        this.maxRequestsPerConnection = (int) atLeast(0, maxRequestsPerConnection, "maxRequestsPerConnection");
    }

    @ManagedAttribute("bytes of request body left unread that are read and dropped to keep the connection")
    public long getMaxUnreadBodyToDiscard() {
        return maxUnreadBodyToDiscard;
    }

    /**
     * When a servlet leaves part of a request body unread, up to this many bytes are read and dropped to
     * keep the connection alive; a larger rest closes it. Default 65536.
     */
    public void setMaxUnreadBodyToDiscard(long maxUnreadBodyToDiscard) {
        this.maxUnreadBodyToDiscard = atLeast(0, maxUnreadBodyToDiscard, "maxUnreadBodyToDiscard");
    }

    @ManagedAttribute("ms a stop waits for connection threads after closing their sockets")
    public long getShutdownTimeout() {
        return shutdownTimeout;
    }

    /**
     * How long, in ms, a stop waits for connection threads to end after closing their sockets, before it
     * logs the stragglers and returns. Default 5000. (The grace period for requests in flight is the
     * server's {@code stopTimeout}.)
     */
    public void setShutdownTimeout(long shutdownTimeoutMs) {
        this.shutdownTimeout = atLeast(0, shutdownTimeoutMs, "shutdownTimeout");
    }

    @ManagedAttribute("the most frames a WebSocket session may have queued for sending")
    public int getWebSocketMaxQueuedFrames() {
        return webSocketMaxQueuedFrames;
    }

    /**
     * The most frames a Jakarta/Jetty WebSocket session may have queued for sending (asynchronous sends to a
     * client that reads slowly): bounds what one slow reader can pin. A send past it fails at once with
     * Jetty's {@code WritePendingException}; the session stays open. Default 256. Applies to sessions that
     * did not set Jetty's own {@code maxOutgoingFrames}; read when a session opens.
     */
    public void setWebSocketMaxQueuedFrames(int webSocketMaxQueuedFrames) {
        this.webSocketMaxQueuedFrames = (int) atLeast(1, webSocketMaxQueuedFrames, "webSocketMaxQueuedFrames");
    }

    private volatile int webSocketMaxControlFramesPerSecond = ControlFrameRate.DEFAULT_MAX_PER_SECOND;

    @ManagedAttribute("pings and pongs a WebSocket client may send a second before its session closes with 1008")
    public int getWebSocketMaxControlFramesPerSecond() {
        return webSocketMaxControlFramesPerSecond;
    }

    /**
     * How many pings and pongs a WebSocket client may send in each one-second window; one more closes its session
     * with 1008 (policy violation), so a client cannot make the server answer a flood of pings. Default 100; 0 for no
     * limit (as on ServerConnector). Read when a session opens.
     */
    public void setWebSocketMaxControlFramesPerSecond(int maxPerSecond) {
        this.webSocketMaxControlFramesPerSecond = (int) atLeast(0, maxPerSecond, "webSocketMaxControlFramesPerSecond");
    }

    /** The engine configuration this connector runs with, or null before the first start. */
    Http1Config engineConfig() {
        Http1Protocol http = protocol;
        return http == null ? null : http.config();
    }

    private static long atLeast(long minimum, long value, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ": " + value);
        }
        return value;
    }

    // ---- admission under floods (issue 18) ----

    private volatile boolean evictIdleAtLimit = true;

    @ManagedAttribute("whether, at maxConnections, the connection idle longest closes to admit a new client")
    public boolean isEvictIdleAtLimit() {
        return evictIdleAtLimit;
    }

    /**
     * Whether a connector at {@link #setMaxConnections maxConnections} admits a new client by closing the
     * connection that has waited longest for a request to begin (a keep-alive connection between requests, or one
     * whose request head is still arriving) instead of leaving the client in the accept backlog. A request in
     * progress and a WebSocket are never closed for it. Default true; changes live.
     */
    public void setEvictIdleAtLimit(boolean evictIdleAtLimit) {
        this.evictIdleAtLimit = evictIdleAtLimit;
        var current = listener;
        if (current != null) {
            current.setEvictIdleAtLimit(evictIdleAtLimit);
        }
    }

    @ManagedAttribute("idle connections closed to admit new clients at maxConnections")
    public long getEvictedIdleConnections() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.evictedIdle();
    }

    private volatile long minRequestDataRateNearFull = Http1Config.DEFAULT_MIN_REQUEST_DATA_RATE_NEAR_FULL;

    @ManagedAttribute("B/s a request body must keep up with while the connector is near maxConnections (0 = never)")
    public long getMinRequestDataRateNearFull() {
        return minRequestDataRateNearFull;
    }

    /**
     * The minimum request-body rate, in bytes per second from the body's first byte, that applies while
     * {@code HttpConfiguration.minRequestDataRate} is 0 (Jetty's default) and the connector is near its connection
     * limit (9/10 of {@link #setMaxConnections maxConnections}): a body trickled to hold a slot then ends with 408 at
     * its next byte and its slot goes to a new client. Default 1024; 0 = never (ServerConnector's behaviour). Read at
     * start.
     */
    public void setMinRequestDataRateNearFull(long bytesPerSecond) {
        this.minRequestDataRateNearFull = atLeast(0, bytesPerSecond, "minRequestDataRateNearFull");
    }

    private volatile int maxConnectionsPerSource = ListenerConfig.NO_SOURCE_CAP;

    @ManagedAttribute("live connections one client address may hold (0 = no cap)")
    public int getMaxConnectionsPerSource() {
        return maxConnectionsPerSource;
    }

    /**
     * Caps the connections one client address may hold at once; the newest connection over the cap is closed as
     * soon as its address is known (with the PROXY protocol, the original client's address), counted
     * ({@link #getConnectionsOverSourceCap()}) and logged once a minute at most. Default 0: no cap, as on
     * ServerConnector. Read at start.
     */
    public void setMaxConnectionsPerSource(int maxConnectionsPerSource) {
        this.maxConnectionsPerSource = (int) atLeast(0, maxConnectionsPerSource, "maxConnectionsPerSource");
    }

    @ManagedAttribute("connections closed because their client address held maxConnectionsPerSource already")
    public long getConnectionsOverSourceCap() {
        ListenerStats stats = stats();
        return stats == null ? 0 : stats.overSourceCap();
    }

    /** The listener's counters as a line of {@code server.dump()}: state, connections, limit, waiting acceptors. */
    private String listenerDumpLine() {
        var current = listener;
        if (current == null) {
            return "CorralListener{not started}";
        }
        ListenerStats stats = current.stats();
        return "CorralListener{" + stats.name() + " " + stats.state()
                + ", active=" + stats.active() + ", peak=" + stats.peak()
                + ", accepted=" + stats.totalAccepted() + ", closed=" + stats.totalClosed()
                + ", failed=" + stats.failed() + ", max=" + stats.maxConnections()
                + ", waitingAcceptors=" + stats.waitingAcceptors() + ", acceptErrors=" + stats.acceptErrors()
                + ", evictedIdle=" + stats.evictedIdle() + ", overSourceCap=" + stats.overSourceCap() + "}";
    }

    /**
     * The engine as a line of {@code server.dump()}: the requests it refused itself by status (each is logged at
     * DEBUG only, so this is where an operator sees them), and whether it is draining.
     */
    private String engineDumpLine() {
        Http1Protocol current = protocol;
        if (current == null) {
            return "CorralHttp1{not started}";
        }
        return "CorralHttp1{badRequests=" + current.badRequests().total() + " (" + current.badRequests() + ")"
                + ", draining=" + current.isDraining() + "}";
    }

    // ---- PROXY protocol (issue 9): HAProxy's header in front of each connection, ranch_proxy_header ----

    /** null: follow the connector's factories (a {@link ProxyConnectionFactory} means required), else explicit. */
    private volatile ProxyProtocolMode proxyProtocol;
    private volatile long proxyHeaderTimeout = ProxyProtocolConfig.DEFAULT_HEADER_TIMEOUT.toMillis();
    private volatile boolean proxyTrustSsl;
    /** The transport reading headers in front of {@link #openTransport}, chosen at open; null when off. */
    private volatile ProxyProtocolTransport proxyTransport;

    /**
     * Whether connections begin with a PROXY protocol header (v1 or v2): {@code off}, {@code required} or
     * {@code optional}; read at open. When never set, it is {@code required} if the connector carries Jetty's
     * {@link ProxyConnectionFactory} (configured as for ServerConnector:
     * {@code new CorralConnector(server, new ProxyConnectionFactory(), http)}), {@code off} otherwise.
     */
    @ManagedAttribute("PROXY protocol header in front of each connection: OFF, REQUIRED or OPTIONAL")
    public String getProxyProtocol() {
        return proxyProtocolMode().name();
    }

    /**
     * {@code off}, {@code required} (every connection must begin with a header; the mode for a port only the proxy
     * can reach) or {@code optional} (a header is read when there is one). Optional is unsafe on a port clients can
     * reach directly: any of them can send a header and claim any address. Read at open.
     */
    public void setProxyProtocol(String mode) {
        this.proxyProtocol = ProxyProtocolMode.parse(mode);
    }

    public void setProxyProtocolMode(ProxyProtocolMode mode) {
        this.proxyProtocol = Objects.requireNonNull(mode, "mode");
    }

    /** The mode this connector runs with: the one set, or what its factories say. */
    ProxyProtocolMode proxyProtocolMode() {
        ProxyProtocolMode mode = proxyProtocol;
        if (mode != null) {
            return mode;
        }
        return proxyConnectionFactory() != null ? ProxyProtocolMode.REQUIRED : ProxyProtocolMode.OFF;
    }

    /**
     * The connector's {@link ProxyConnectionFactory}, or null. As on ServerConnector it comes first: the header
     * precedes everything, TLS included.
     */
    private ProxyConnectionFactory proxyConnectionFactory() {
        ProxyConnectionFactory proxy = getConnectionFactory(ProxyConnectionFactory.class);
        if (proxy != null && getConnectionFactories().iterator().next() != proxy) {
            throw new IllegalStateException("the ProxyConnectionFactory must come first (the PROXY header precedes "
                    + "TLS and HTTP): " + this);
        }
        return proxy;
    }

    @ManagedAttribute("ms the whole PROXY protocol header may take to arrive from accept")
    public long getProxyHeaderTimeout() {
        return proxyHeaderTimeout;
    }

    /**
     * How long, in ms, the whole PROXY protocol header may take to arrive after accept, however it trickles in; past
     * it the connection closes. A proxy writes the header with its connect, so this bounds only a broken or hostile
     * peer. Default 5000; read at open.
     */
    public void setProxyHeaderTimeout(long proxyHeaderTimeoutMs) {
        this.proxyHeaderTimeout = atLeast(1, proxyHeaderTimeoutMs, "proxyHeaderTimeout");
    }

    @ManagedAttribute("whether a PROXY v2 header's PP2_CLIENT_SSL makes a request secure (https, isSecure())")
    public boolean isProxyTrustSsl() {
        return proxyTrustSsl;
    }

    /**
     * Whether a version 2 header saying the client spoke TLS to the proxy ({@code PP2_CLIENT_SSL}) makes the request
     * secure: {@code https} scheme, {@code isSecure()} true, the cipher suite in the servlet's
     * {@code jakarta.servlet.request.cipher_suite}. Only the operator knows that the proxy terminates TLS and that
     * nothing else can reach the port, so it is off by default. Read at open.
     */
    public void setProxyTrustSsl(boolean proxyTrustSsl) {
        this.proxyTrustSsl = proxyTrustSsl;
    }

    @ManagedAttribute("connections admitted with a PROXY protocol header")
    public long getProxyHeaders() {
        ProxyProtocolTransport proxy = proxyTransport;
        return proxy == null ? 0 : proxy.headers();
    }

    @ManagedAttribute("connections admitted without a PROXY protocol header (optional mode)")
    public long getProxyConnectionsWithoutHeader() {
        ProxyProtocolTransport proxy = proxyTransport;
        return proxy == null ? 0 : proxy.connectionsWithoutHeader();
    }

    @ManagedAttribute("connections closed for their PROXY protocol header (missing, malformed, too large, too slow, closed)")
    public long getProxyHeaderFailures() {
        ProxyProtocolTransport proxy = proxyTransport;
        return proxy == null ? 0 : proxy.failures().total();
    }

    @ManagedAttribute("connections closed for their PROXY protocol header, by kind: missing=2 malformed=1")
    public String getProxyHeaderFailuresByKind() {
        ProxyProtocolTransport proxy = proxyTransport;
        return proxy == null ? "none" : proxy.failures().toString();
    }

    /** Connections closed for their PROXY protocol header of one kind. */
    public long getProxyHeaderFailures(ProxyHeaderException.Failure kind) {
        ProxyProtocolTransport proxy = proxyTransport;
        return proxy == null ? 0 : proxy.failures().count(kind);
    }

    /** The transport that reads PROXY headers in front of {@code inner}, or null when the mode is off. */
    private ProxyProtocolTransport proxyTransportOver(Transport inner) {
        ProxyProtocolMode mode = proxyProtocolMode();
        if (mode == ProxyProtocolMode.OFF) {
            return null;
        }
        ProxyConnectionFactory factory = proxyConnectionFactory();
        ProxyProtocolConfig config = ProxyProtocolConfig.required()
                .withMode(mode)
                .withHeaderTimeout(Duration.ofMillis(proxyHeaderTimeout))
                .withTrustSsl(proxyTrustSsl);
        if (factory != null) {
            // Jetty's limit of a version 2 header past its fixed part carries over.
            config = config.withMaxV2Length(Math.clamp(factory.getMaxProxyHeader(), 0, 0xFFFF));
        }
        return new ProxyProtocolTransport(inner, config);
    }

    /** The PROXY protocol as a line of {@code server.dump()}: mode, headers read, refusals by kind. */
    private String proxyDumpLine() {
        ProxyProtocolTransport proxy = proxyTransport;
        if (proxy == null) {
            return "CorralProxyProtocol{" + proxyProtocolMode().name().toLowerCase() + "}";
        }
        return "CorralProxyProtocol{" + proxy.config().mode().name().toLowerCase() + ", headers=" + proxy.headers()
                + ", withoutHeader=" + proxy.connectionsWithoutHeader() + ", failures=" + proxy.failures().total()
                + " (" + proxy.failures() + ")}";
    }
}
