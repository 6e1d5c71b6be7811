package io.corral.connector.listener;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TransportConnection;
import io.corral.connector.transport.UnixDomainSocketFile;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening address with its acceptors and its live connections: Ranch's {@code ranch_listener_sup}.
 * {@link #start()} binds and starts the acceptors; each accepted connection gets its own virtual thread
 * running the {@link Protocol}. {@link #bind()} may come first, to take the port before the application
 * behind it is ready: clients connecting in between wait in the kernel's backlog until {@code start()}.
 * While running, the connection limit can change ({@link #setMaxConnections}), accepting can pause
 * without touching live connections ({@link #suspend()}, {@link #resume()}), and
 * {@link #stats()} and {@link #connections()} show what is going on. {@link #stop()} closes everything and
 * returns only once every connection thread has ended (or the shutdown timeout has passed);
 * {@link #stop(Duration)} first lets live connections finish on their own. A stopped listener can start
 * again. All methods are thread-safe; lifecycle changes happen one at a time.
 *
 * <p>The address may be a socket file ({@link UnixDomainSocketAddress}), removed whenever the listener stops
 * listening; a listener may hold several listening sockets on one port ({@link ListenerConfig#listenSockets()},
 * Ranch's {@code num_listen_sockets}), or listen on the socket its process inherited
 * ({@link ListenerConfig#inheritChannel()}).
 *
 * <p>With SO_REUSEPORT ({@link SocketOptions#reusePort()}) a new instance can bind the same port while this one
 * runs, and this one then stops or drains: a restart on one box. Linux resets the clients still queued in a
 * listening socket when it closes, unless {@code net.ipv4.tcp_migrate_req} moves them to a sibling socket; so here
 * the acceptors poll, and stopping first <em>hands over</em>: the acceptors take what is queued and end at the
 * first poll that finds the queue empty, and only then does the socket close (bounded by {@link #HAND_OVER_LIMIT}).
 */
public final class Listener implements AutoCloseable {

    /** Where a listener is in its life. */
    public enum State {
        /** Created, never started. */
        NEW,
        /** Bound by {@link #bind()}, not accepting yet: clients wait in the backlog until {@link #start()}. */
        BOUND,
        /** Accepting connections. */
        RUNNING,
        /** Not listening (the socket is closed); live connections carry on. */
        SUSPENDED,
        /** Inside {@link #stop(Duration)}: no longer accepting, draining and closing connections. */
        STOPPING,
        /** Not listening and no connection left (bar any that ignored the stop, which are logged). */
        STOPPED
    }

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    /** How long a polling acceptor waits in one accept while running: an idle acceptor wakes 4 times a second. */
    static final int ACCEPT_POLL_MILLIS = 250;
    /** How long an accept waits while handing over: a queue empty for this long is taken as empty. */
    static final int HAND_OVER_POLL_MILLIS = 1;
    /** The longest a hand-over waits for empty queues before it closes the sockets anyway. */
    static final Duration HAND_OVER_LIMIT = Duration.ofSeconds(2);

    private final ListenerConfig config;
    private final Protocol protocol;
    private final ConnectionSupervisor supervisor;
    private final SourceCap sourceCap;
    // Unnamed virtual threads: naming every connection's thread costs about 3% of throughput (DESIGN §5).
    // No inherited thread locals: whatever the thread that started the listener carried is not the client's.
    private final ThreadFactory connectionThreads = Thread.ofVirtual().inheritInheritableThreadLocals(false).factory();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private volatile State state = State.NEW;
    // Kept through suspend, so resume binds the very port clients know, even one the kernel picked.
    private volatile SocketAddress boundAddress;
    private List<ServerSocketChannel> servers = List.of(); // guarded by lifecycle
    private List<Thread> acceptors = List.of(); // guarded by lifecycle
    /** Whether the running acceptors poll, so that they can hand over (see {@link #handOver}); guarded by lifecycle. */
    private boolean acceptorsPoll;
    /** Read by polling acceptors: take what is queued, then end. */
    private volatile boolean handingOver;

    public Listener(ListenerConfig config, Protocol protocol) {
        this.config = Objects.requireNonNull(config, "config");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.supervisor = new ConnectionSupervisor(config.name(), config.maxConnections());
        this.sourceCap = new SourceCap(config.name(), config.maxConnectionsPerSource());
        protocol.watchAdmission(supervisor::nearFull);
    }

    /**
     * Binds the configured address without accepting: the port is taken and {@link #localPort()} tells it,
     * while clients that connect wait in the kernel's backlog until {@link #start()}. This is the split
     * Jetty's connectors make between {@code open()} and {@code start()}: a server reserves its port, deploys
     * its applications, and only then accepts, so an early client gets a real answer, late, rather than a
     * 404 from a server still deploying. Does nothing when already bound.
     *
     * @throws IOException when the address cannot be bound; the message names the address
     * @throws IllegalStateException when the listener is already running or suspended
     */
    public void bind() throws IOException {
        lifecycle.lock();
        try {
            if (state == State.BOUND) {
                return;
            }
            requireStartable();
            supervisor.reopen();
            listen(config.address());
            state = State.BOUND;
            LOG.debug("{}: bound {}, not accepting yet", config.name(), hostAndPort(boundAddress));
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Starts accepting, binding the configured address first unless {@link #bind()} already has. Works on a
     * new, bound or stopped listener.
     *
     * @throws IOException when the address cannot be bound; the message names the address
     * @throws IllegalStateException when the listener is already running or suspended
     */
    public void start() throws IOException {
        lifecycle.lock();
        try {
            if (state != State.BOUND) {
                requireStartable();
                supervisor.reopen();
                listen(config.address());
            }
            protocol.start();
            try {
                startAcceptors();
            } catch (RuntimeException | Error e) {
                state = State.STOPPED; // startAcceptors closed the socket: nothing is bound any more
                throw e;
            }
            state = State.RUNNING;
            LOG.info("{}: listening on {} ({}, {} acceptors, backlog {}, max {} connections)", config.name(),
                    hostAndPort(boundAddress) + listenSocketsNote(), config.transport().name(), acceptorCount(),
                    config.backlog(),
                    supervisor.maxConnections());
        } finally {
            lifecycle.unlock();
        }
    }

    private void requireStartable() {
        if (state != State.NEW && state != State.STOPPED) {
            throw new IllegalStateException(config.name() + " is already started (" + state + ")");
        }
    }

    /**
     * Stops accepting, like Ranch: closes the listening socket (clients still in its backlog are reset),
     * while live connections carry on. Does nothing when already suspended.
     *
     * @throws IllegalStateException when the listener is not running
     */
    public void suspend() {
        lifecycle.lock();
        try {
            switch (state) {
                case SUSPENDED -> { }
                case RUNNING -> {
                    stopAccepting();
                    state = State.SUSPENDED;
                    LOG.info("{}: suspended; no longer listening on {}, {} live connections carry on",
                            config.name(), hostAndPort(boundAddress), supervisor.active());
                }
                default -> throw new IllegalStateException(config.name() + " cannot suspend: " + state);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Binds the same address and port again and starts accepting; after a {@link #drain()}, the protocol serves
     * normally again ({@link Protocol#start()}). Does nothing when already running.
     *
     * @throws IOException when the port has been taken meanwhile; the listener stays suspended
     * @throws IllegalStateException when the listener is neither suspended nor running
     */
    public void resume() throws IOException {
        lifecycle.lock();
        try {
            switch (state) {
                case RUNNING -> { }
                case SUSPENDED -> {
                    listen(boundAddress);
                    protocol.start(); // ends a drain: connections accepted from now on are served normally
                    startAcceptors();
                    state = State.RUNNING;
                    LOG.info("{}: resumed; listening on {}", config.name(), hostAndPort(boundAddress));
                }
                default -> throw new IllegalStateException(config.name() + " cannot resume: " + state);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * Begins a graceful shutdown without waiting for it: stops accepting (as {@link #suspend()}) and tells
     * the protocol to {@link Protocol#drain() drain}, so that idle connections close and busy ones end
     * after their work. {@link #stop(Duration)} does the same, then waits. Does nothing unless running or
     * suspended; the next {@link #start()} after a stop serves normally again.
     */
    public void drain() {
        lifecycle.lock();
        try {
            if (state == State.RUNNING) {
                suspend();
            }
            if (state == State.SUSPENDED) {
                drainProtocol();
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /**
     * A graceful drain that leaves the listener ready to {@link #resume()}: {@link #drain()}, then waits up to
     * {@code timeout} for live connections to end on their own, then closes those still live. The listener stays
     * {@link State#SUSPENDED}: an operator drains an instance, restarts or updates what is behind it, and resumes
     * (or stops). Blocks for up to {@code timeout} plus the shutdown timeout.
     *
     * @return how many connections were still live after {@code timeout} and were closed
     * @throws IllegalStateException when the listener is neither running nor suspended
     */
    public int drain(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        lifecycle.lock();
        try {
            if (state != State.RUNNING && state != State.SUSPENDED) {
                throw new IllegalStateException(config.name() + " cannot drain: " + state);
            }
            drain();
        } finally {
            lifecycle.unlock();
        }
        // Not holding the lifecycle lock while waiting: a stop may overtake a long drain.
        boolean drained = awaitDrained(timeout);
        int closed = drained ? 0 : closeLiveConnections();
        LOG.info("{}: drained; {}", config.name(), drained
                ? "every connection ended within " + timeout
                : "closed " + closed + " connections still live after " + timeout);
        return closed;
    }

    /**
     * Waits until no connection is live, up to {@code timeout}; for a caller that drains in steps of its own.
     *
     * @return true when none is live, false when the timeout passed first (or the wait was interrupted)
     */
    public boolean awaitIdle(Duration timeout) {
        return awaitDrained(timeout);
    }

    /**
     * Stops at once: closes the listening socket and every live connection, then waits up to the shutdown
     * timeout for every connection thread to end. Does nothing when not started or already stopped; a
     * listener that is only bound closes its socket (clients in the backlog are reset).
     */
    public void stop() {
        stop(Duration.ZERO);
    }

    /**
     * Drains, then stops: stops accepting, tells the protocol to {@link Protocol#drain() drain}, gives live
     * connections up to {@code grace} to end on their own, then does what {@link #stop()} does with the rest.
     */
    public void stop(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        lifecycle.lock();
        try {
            if (state == State.NEW || state == State.STOPPED) {
                return;
            }
            // Not accepting first, then STOPPING: whoever sees STOPPING can rely on new clients being refused.
            stopAccepting();
            state = State.STOPPING;
            drainProtocol();
            boolean drained = awaitDrained(grace);
            int closed = closeConnections();
            state = State.STOPPED;
            if (grace.isZero()) {
                LOG.info("{}: stopped listening on {}; closed {} live connections", config.name(),
                        hostAndPort(boundAddress), closed);
            } else {
                LOG.info("{}: stopped listening on {}; {}", config.name(), hostAndPort(boundAddress), drained
                        ? "every connection ended within the grace period of " + grace
                        : "closed " + closed + " connections still live after the grace period of " + grace);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** The bound port, also while suspended and after a stop; -1 before the first bind or start (as on Jetty). */
    public int localPort() {
        return boundAddress instanceof InetSocketAddress bound ? bound.getPort() : -1;
    }

    /**
     * The bound address, also while suspended and after a stop: an {@link InetSocketAddress}, or the
     * {@link UnixDomainSocketAddress} of a socket file.
     *
     * @throws IllegalStateException before the first bind or start
     */
    public SocketAddress localAddress() {
        SocketAddress bound = boundAddress;
        if (bound == null) {
            throw new IllegalStateException(config.name() + " has never been bound");
        }
        return bound;
    }

    /** The current connection limit. */
    public int maxConnections() {
        return supervisor.maxConnections();
    }

    /**
     * Changes the connection limit at once, running or not. Raising it lets waiting clients in; lowering it
     * closes nothing: new clients wait until the count drops below the new limit.
     *
     * @param maxConnections at least 0; 0 admits no new connection, {@link Integer#MAX_VALUE} means no limit
     */
    public void setMaxConnections(int maxConnections) {
        int previous = supervisor.setMaxConnections(maxConnections);
        if (previous != maxConnections) {
            LOG.info("{}: connection limit changed from {} to {}", config.name(), previous, maxConnections);
        }
    }

    /**
     * Whether, at the connection limit, the connection that has waited longest for a request to begin (idle
     * keep-alive, or a head still arriving) is closed to admit a new client instead of leaving it in the backlog.
     * Never a request in progress, never a WebSocket. On by default; changes at once.
     */
    public void setEvictIdleAtLimit(boolean evictIdle) {
        supervisor.setEvictIdle(evictIdle);
    }

    public boolean evictsIdleAtLimit() {
        return supervisor.evictsIdle();
    }

    public ListenerStats stats() {
        ConnectionSupervisor.Counts counts = supervisor.counts();
        return new ListenerStats(config.name(), state, counts.active(), counts.peak(), counts.totalAccepted(),
                counts.totalClosed(), counts.failed(), counts.maxConnections(), counts.waitingAcceptors(),
                counts.acceptErrors(), counts.evictedIdle(), sourceCap.refused());
    }

    /** The live connections at this instant, except any the transport is still wrapping (e.g. mid-handshake). */
    public List<TransportConnection> connections() {
        List<SupervisedConnection> live = supervisor.snapshot();
        List<TransportConnection> connections = new ArrayList<>(live.size());
        for (SupervisedConnection connection : live) {
            TransportConnection wrapped = connection.connection();
            if (wrapped != null) {
                connections.add(wrapped);
            }
        }
        return connections;
    }

    public State state() {
        return state;
    }

    public ListenerConfig config() {
        return config;
    }

    @Override
    public String toString() {
        SocketAddress bound = boundAddress;
        return "Listener[" + config.name() + " " + (bound == null ? "unbound" : hostAndPort(bound)) + " " + state + "]";
    }

    /**
     * Opens the listening sockets: the inherited one or one bound to {@code address}, then its siblings on the very
     * address it got (port 0 resolved), all with SO_REUSEPORT when there are several.
     */
    private void listen(SocketAddress address) throws IOException {
        int count = config.listenSockets();
        SocketOptions options = count > 1 ? config.socketOptions().withReusePort(true) : config.socketOptions();
        List<ServerSocketChannel> opened = new ArrayList<>(count);
        try {
            ServerSocketChannel first = config.inheritChannel() ? inheritedChannel(address) : null;
            if (first == null) {
                first = config.transport().listen(address, config.backlog(), options);
            }
            opened.add(first);
            SocketAddress actual = first.getLocalAddress();
            while (opened.size() < count) {
                opened.add(config.transport().listen(actual, config.backlog(), options));
            }
            servers = List.copyOf(opened);
            boundAddress = actual;
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    /**
     * The listening socket this process inherited (fd 0: systemd's {@code StandardInput=socket}, inetd's
     * {@code wait}), as {@code ServerConnector.setInheritChannel} takes it; null, with one WARN, when there is none
     * or it was closed by an earlier stop, so the listener binds {@code address} as if not asked to inherit.
     */
    private ServerSocketChannel inheritedChannel(SocketAddress address) throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel server && server.isOpen()) {
            server.configureBlocking(true);
            LOG.info("{}: listening on the inherited channel {}", config.name(), hostAndPort(server.getLocalAddress()));
            return server;
        }
        LOG.warn("{}: inheritChannel is set but the process has no open inherited listening socket ({}); "
                + "binding {} instead", config.name(), inherited, hostAndPort(address));
        return null;
    }

    /** Ranch's way: at least one acceptor per listening socket. */
    private int acceptorCount() {
        return Math.max(config.acceptors(), config.listenSockets());
    }

    private String listenSocketsNote() {
        return config.listenSockets() > 1 ? " (" + config.listenSockets() + " sockets, SO_REUSEPORT)" : "";
    }

    private void closeAll(List<ServerSocketChannel> channels) {
        for (ServerSocketChannel channel : channels) {
            try {
                channel.close(); // wakes the acceptors blocked in accept()
            } catch (IOException e) {
                LOG.debug("{}: closing a listening socket failed: {}", config.name(), e.toString());
            }
        }
    }

    /** Starts the acceptors on the bound channel; if one cannot start, closes the channel and ends the others. */
    private void startAcceptors() {
        List<ServerSocketChannel> listening = servers;
        // Platform threads, not virtual: virtual threads are not time-sliced, so an acceptor on the
        // virtual-thread scheduler could sit behind busy connection threads while clients pile up in the
        // backlog. A platform acceptor is scheduled by the kernel and keeps accepting under load; there are
        // only a handful, so their cost does not matter. Named, because an operator looks for them in dumps.
        Thread.Builder acceptorThreads = Thread.ofPlatform()
                .name(config.name() + "-acceptor-", 0)
                .inheritInheritableThreadLocals(false);
        ConnectionProcess process = new ConnectionProcess(config.name(), config.transport(), config.socketOptions(),
                protocol, supervisor, sourceCap);
        handingOver = false;
        acceptorsPoll = config.socketOptions().reusePort() && boundAddress instanceof InetSocketAddress;
        if (acceptorsPoll) {
            for (ServerSocketChannel channel : listening) {
                try {
                    channel.socket().setSoTimeout(ACCEPT_POLL_MILLIS);
                } catch (IOException e) {
                    acceptorsPoll = false; // cannot poll: accepts block, and a stop closes at once as without reuse
                }
            }
        }
        BooleanSupplier handOverSignal = acceptorsPoll ? () -> handingOver : null;
        int count = acceptorCount();
        List<Thread> started = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                started.add(acceptorThreads.start(new Acceptor(config.name(), listening.get(i % listening.size()),
                        supervisor, process, connectionThreads, handOverSignal)));
            }
        } finally {
            acceptors = List.copyOf(started);
            if (started.size() < count) {
                stopAccepting();
            }
        }
    }

    /** Closes the listening socket and ends every acceptor; polling acceptors {@linkplain #handOver hand over} first. */
    private void stopAccepting() {
        if (acceptorsPoll && !acceptors.isEmpty()) {
            handOver();
        }
        List<ServerSocketChannel> listening = servers;
        servers = List.of();
        closeAll(listening);
        if (!listening.isEmpty() && boundAddress instanceof UnixDomainSocketAddress socketFile) {
            UnixDomainSocketFile.remove(socketFile); // closing leaves the file; the next bind makes it anew
        }
        for (Thread acceptor : acceptors) {
            acceptor.interrupt(); // wakes the acceptors waiting for a slot or pausing after an error
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        for (Thread acceptor : acceptors) {
            if (!awaitEnd(acceptor, deadline)) {
                LOG.warn("{}: acceptor {} did not end within {}", config.name(), acceptor.getName(), config.shutdownTimeout());
            }
        }
        acceptors = List.of();
    }

    /**
     * Lets the acceptors take every client still queued and end once their queue is empty, so that closing the
     * sockets resets nobody: the clients arriving meanwhile are served here, the ones after the close go to the
     * sibling sockets of the SO_REUSEPORT group. An acceptor held at the connection limit cannot take its queue;
     * after {@link #HAND_OVER_LIMIT} the sockets close anyway.
     */
    private void handOver() {
        for (ServerSocketChannel channel : servers) {
            try {
                channel.socket().setSoTimeout(HAND_OVER_POLL_MILLIS); // the accept in progress keeps its own
            } catch (IOException e) {
                LOG.debug("{}: could not shorten the accept poll: {}", config.name(), e.toString());
            }
        }
        handingOver = true;
        long deadline = System.nanoTime() + HAND_OVER_LIMIT.toNanos();
        boolean emptied = true;
        for (Thread acceptor : acceptors) {
            emptied &= awaitEnd(acceptor, deadline);
        }
        if (emptied) {
            LOG.debug("{}: accept queues empty, closing the listening sockets", config.name());
        } else {
            LOG.info("{}: accept queues not emptied within {} (at the connection limit?); closing the listening "
                    + "sockets anyway, which resets the clients still queued", config.name(), HAND_OVER_LIMIT);
        }
    }

    private void drainProtocol() {
        try {
            protocol.drain();
        } catch (RuntimeException e) {
            // The stop goes on: connections still end, at the latest when the grace period is over.
            LOG.warn("{}: the protocol failed to drain", config.name(), e);
        }
    }

    private boolean awaitDrained(Duration grace) {
        try {
            return supervisor.awaitIdle(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // whoever interrupted us wants the stop to hurry: skip the grace
            return false;
        }
    }

    /**
     * Closes every live connection and waits until each has ended (its protocol returned and its slot is
     * free); returns how many were live. Closing ends socket I/O and wakes hibernating connections; the
     * interrupt reaches a protocol waiting on anything else.
     */
    private int closeConnections() {
        List<SupervisedConnection> live = supervisor.shutDown();
        for (SupervisedConnection connection : live) {
            connection.close();
        }
        for (SupervisedConnection connection : live) {
            Thread thread = connection.thread();
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        boolean ended;
        try {
            // A protocol stopping its own listener is still live while it waits here: not waiting for it.
            ended = supervisor.awaitIdle(config.shutdownTimeout(), Thread.currentThread());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ended = false;
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        for (SupervisedConnection connection : live) {
            Thread last = connection.thread();
            if (ended && last != null && !awaitEnd(last, deadline)) {
                ended = false;
            }
        }
        if (!ended) {
            List<String> stragglers = new ArrayList<>();
            for (SupervisedConnection connection : supervisor.snapshot()) {
                if (connection.thread() != Thread.currentThread()) {
                    stragglers.add(String.valueOf(connection.remoteAddress()));
                }
            }
            LOG.warn("{}: {} connections did not end within {} of being closed: {}", config.name(),
                    stragglers.size(), config.shutdownTimeout(),
                    stragglers.size() <= 10 ? stragglers : stragglers.subList(0, 10) + "…");
        }
        return live.size();
    }

    /**
     * Closes the connections live now and waits up to the shutdown timeout for them to end, leaving the supervisor
     * open (a drained listener may resume); returns how many it closed.
     */
    private int closeLiveConnections() {
        List<SupervisedConnection> live = supervisor.snapshot();
        for (SupervisedConnection connection : live) {
            connection.close();
        }
        for (SupervisedConnection connection : live) {
            Thread thread = connection.thread();
            if (thread != null && thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
        for (SupervisedConnection connection : live) {
            Thread last = connection.thread();
            if (last != null && !awaitEnd(last, deadline)) {
                LOG.warn("{}: a connection from {} did not end within {} of being closed", config.name(),
                        connection.remoteAddress(), config.shutdownTimeout());
            }
        }
        return live.size();
    }

    private static boolean awaitEnd(Thread thread, long deadlineNanos) {
        if (thread == Thread.currentThread() || thread.getState() == Thread.State.NEW) {
            // A protocol stopping its own listener ends once stop returns to it; a thread not yet started
            // (its acceptor did not end in time) will find its socket closed and end at once.
            return true;
        }
        long remaining = deadlineNanos - System.nanoTime();
        try {
            return remaining > 0 ? thread.join(Duration.ofNanos(remaining)) : !thread.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    private static String hostAndPort(SocketAddress socketAddress) {
        if (!(socketAddress instanceof InetSocketAddress address)) {
            return socketAddress instanceof UnixDomainSocketAddress file ? "unix:" + file.getPath()
                    : String.valueOf(socketAddress);
        }
        String host = address.getHostString();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
