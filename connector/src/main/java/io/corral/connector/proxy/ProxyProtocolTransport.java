package io.corral.connector.proxy;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} in front of another that reads the PROXY protocol header of each accepted connection first:
 * Ranch's {@code ranch_proxy_header}. The header is read on the raw channel, on the connection's own virtual thread,
 * before the inner transport wraps it — so before a TLS handshake, which is where HAProxy sends it — and the
 * connection then reports the client's addresses ({@link ProxiedConnection}). Bytes read past the header go to the
 * inner transport ({@link Transport#wrap(SocketChannel, ByteBuffer)}), which hands them out first.
 *
 * <p>A connection whose header is missing (when {@linkplain ProxyProtocolMode#REQUIRED required}), malformed, too
 * large or too slow is closed before the protocol sees it. Each refusal is counted ({@link #failures()}) and logged
 * as a WARN on this class's logger, at most one line per 10 seconds, each saying how many it left out: a proxy that
 * stopped sending headers is worth an operator's attention, and no client can flood the log with it. A peer that
 * closes before sending a whole header — a bare TCP health check, a port scanner — is counted
 * ({@link Failure#CLOSED}) and logged at DEBUG only. Thread-safe: one instance can serve any number of listeners.
 */
public final class ProxyProtocolTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolTransport.class);

    private final Transport inner;
    private final ProxyProtocolConfig config;
    private final ProxyHeaderReader reader;
    private final ThrottledWarning refusals = new ThrottledWarning(LOG, 10, TimeUnit.SECONDS);
    private final LongAdder headers = new LongAdder();
    private final LongAdder withoutHeader = new LongAdder();
    private final ProxyHeaderFailures failures = new ProxyHeaderFailures();

    /**
     * @param inner  the transport behind the header: plain TCP or TLS
     * @param config how headers are read
     */
    public ProxyProtocolTransport(Transport inner, ProxyProtocolConfig config) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.config = Objects.requireNonNull(config, "config");
        this.reader = new ProxyHeaderReader(config);
    }

    /** {@code proxy+tcp}, {@code proxy+tls}. */
    @Override
    public String name() {
        return "proxy+" + inner.name();
    }

    @Override
    public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options) throws IOException {
        return inner.listen(address, backlog, options);
    }

    /**
     * Reads the header, then lets the inner transport wrap the channel.
     *
     * @throws ProxyHeaderException when the header is refused; the channel is closed by then
     */
    @Override
    public TransportConnection wrap(SocketChannel accepted) throws IOException {
        ProxyHeaderReader.Result result;
        try {
            result = reader.read(accepted);
        } catch (ProxyHeaderException refused) {
            failures.record(refused.failure());
            report(accepted, refused);
            accepted.close();
            throw refused;
        } catch (IOException | RuntimeException e) {
            accepted.close();
            throw e;
        }
        TransportConnection connection = inner.wrap(accepted, result.readAhead());
        if (result.header() == null) {
            withoutHeader.increment();
            return connection;
        }
        headers.increment();
        return new ProxiedConnection(connection, result.header(), config.trustSsl());
    }

    /** Headers do not stack: nothing reads ahead of this transport. */
    @Override
    public TransportConnection wrap(SocketChannel accepted, ByteBuffer readAhead) throws IOException {
        if (readAhead.hasRemaining()) {
            throw new UnsupportedOperationException(name() + " reads its header from the channel itself");
        }
        return wrap(accepted);
    }

    private void report(SocketChannel accepted, ProxyHeaderException refused) {
        if (refused.failure() == Failure.CLOSED) {
            if (LOG.isDebugEnabled()) {
                LOG.debug("PROXY protocol: {} {}", peer(accepted), refused.getMessage());
            }
            return;
        }
        refusals.warn("PROXY protocol: closed the connection from {} ({}): {}", peer(accepted),
                refused.failure().name().toLowerCase(), refused.getMessage());
    }

    private static SocketAddress peer(SocketChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The transport behind the header. */
    public Transport inner() {
        return inner;
    }

    public ProxyProtocolConfig config() {
        return config;
    }

    /** Connections admitted with a header since this transport was made. */
    public long headers() {
        return headers.sum();
    }

    /** Connections admitted without a header ({@link ProxyProtocolMode#OPTIONAL} only). */
    public long connectionsWithoutHeader() {
        return withoutHeader.sum();
    }

    /** Connections refused, by why. */
    public ProxyHeaderFailures failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "proxy(" + config.mode().name().toLowerCase() + ", headerTimeout=" + config.headerTimeout().toMillis()
                + "ms, trustSsl=" + config.trustSsl() + ") over " + inner;
    }
}
