package io.corral.jetty;

import static io.corral.connector.listener.Listener.State.RUNNING;
import static io.corral.connector.listener.Listener.State.SUSPENDED;

import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Hibernation;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.listener.ListenerStats;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EventListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.Name;

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

    private volatile int acceptors = ListenerConfig.DEFAULT_ACCEPTORS;
    private volatile int acceptQueueSize;
    private volatile int maxConnections = ListenerConfig.DEFAULT_MAX_CONNECTIONS;
    private volatile Transport transport = new TcpTransport();
    private volatile Duration hibernateAfter = Duration.ZERO;
    private final HttpChannel.Factory channelFactory = new HttpChannel.DefaultFactory();
    // Fully qualified: inside a Jetty component, "Listener" names LifeCycle.Listener.
    private volatile io.corral.connector.listener.Listener listener;
    private volatile Http1Protocol protocol;
    private volatile int localPort = -1;

    /** A connector with a default {@link HttpConfiguration}. */
    public CorralConnector(@Name("server") Server server) {
        this(server, new HttpConnectionFactory());
    }

    /** A connector honouring the given configuration (header sizes, customizers, compliance…). */
    public CorralConnector(@Name("server") Server server, @Name("config") HttpConfiguration configuration) {
        this(server, new HttpConnectionFactory(configuration));
    }

    /**
     * As {@code ServerConnector(server, factories)}: one of the factories must be an
     * {@link HttpConnectionFactory}, whose {@link HttpConfiguration} the connector follows.
     */
    @SuppressWarnings("this-escape") // the dump bean reads the listener only when dumped, long after construction
    public CorralConnector(@Name("server") Server server, @Name("factories") ConnectionFactory... factories) {
        // No Jetty acceptor threads: Corral's listener accepts.
        super(server, null, null, null, 0, factories);
        addBean(new ListenerDump(() -> listener));
    }

    /** The configuration of the {@link HttpConnectionFactory} this connector carries. */
    public HttpConfiguration getHttpConfiguration() {
        HttpConnectionFactory factory = getConnectionFactory(HttpConnectionFactory.class);
        if (factory == null) {
            throw new IllegalStateException("CorralConnector needs an HttpConnectionFactory: " + this);
        }
        return factory.getHttpConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        getHttpConfiguration();
        if (getConnectionFactory(SslConnectionFactory.class) != null) {
            throw new IllegalStateException("CorralConnector does its own TLS through its transport, not through an "
                    + "SslConnectionFactory: " + this);
        }
        super.doStart();
    }

    /** Binds and starts accepting; may be called before {@code start()} to bind early, as on ServerConnector. */
    @Override
    public void open() throws IOException {
        var current = listener;
        if (current != null && current.state() == RUNNING) {
            return;
        }
        if (current != null && current.state() == SUSPENDED) {
            // Closed but not stopped (its connections live on): listen again on the same port.
            current.resume();
            localPort = current.localPort();
            super.open();
            return;
        }
        HttpConfiguration httpConfiguration = getHttpConfiguration();
        Http1Config config = Http1ConfigMapping.from(httpConfiguration, getIdleTimeout())
                .withHibernateAfter(hibernateAfter);
        Http1Protocol http = new Http1Protocol(config, exchange -> {
            throw new IllegalStateException("connections are served with a handler of their own");
        });
        var started = new io.corral.connector.listener.Listener(listenerConfig(),
                connection -> serve(http, httpConfiguration, connection));
        started.setEvictIdleAtLimit(evictIdleAtLimit);
        started.start();
        protocol = http;
        listener = started;
        localPort = started.localPort();
        super.open();
    }

    private ListenerConfig listenerConfig() {
        String host = getHost();
        InetSocketAddress address = host == null ? new InetSocketAddress(getPort()) : new InetSocketAddress(host, getPort());
        return ListenerConfig.defaults()
                .withAddress(address)
                .withAcceptors(acceptors)
                .withBacklog(acceptQueueSize > 0 ? acceptQueueSize : ListenerConfig.DEFAULT_BACKLOG)
                .withMaxConnections(maxConnections)
                .withTransport(transport)
                .withName(getName() != null ? getName() : "corral-" + (host == null ? "0.0.0.0" : host) + ":" + getPort());
    }

    /**
     * What runs on each accepted connection: its first burst on its own virtual thread, then — if it
     * hibernates between requests or as an idle WebSocket — further bursts on new ones. The endpoint closes
     * and Jetty hears of it once, when the connection really ends.
     */
    private Hibernation serve(Http1Protocol protocol, HttpConfiguration httpConfiguration, TransportConnection transport)
            throws Exception {
        CorralEndPoint endPoint = new CorralEndPoint(transport, getScheduler(), getIdleTimeout());
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
            return protocol.serve(transport, connection);
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
        Http1Protocol http = protocol;
        if (http != null) {
            http.drain();
        }
        return done;
    }

    /** Stops accepting; live connections carry on (graceful shutdown, then {@code doStop}, end them). */
    @Override
    public void close() {
        var current = listener;
        if (current != null && current.state() == RUNNING) {
            current.suspend();
        }
        if (current != null) {
            localPort = -2;
        }
        super.close();
    }

    @Override
    public boolean isOpen() {
        var current = listener;
        return current != null && current.state() == RUNNING;
    }

    /** Base class {@code doStop()} leaves connections open: Corral closes them, failing any exchange left. */
    @Override
    protected void doStop() throws Exception {
        close();
        for (EndPoint endPoint : List.copyOf(getConnectedEndPoints())) {
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
        var current = listener;
        if (current != null) {
            current.stop();
        }
        super.doStop();
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

    /** The kernel's accept backlog, read at start; 0 (the default) means Corral's default of 1024. */
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
     * wait. Read at start. Default 0.
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

    /** How accepted sockets become connections (TCP by default); read at start. */
    public void setTransport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
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

    @ManagedAttribute("connections that ended with an exception")
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
}
