package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Several listening sockets in one listener (Ranch's {@code num_listen_sockets}): N sockets bound to one port with
 * SO_REUSEPORT, each with its own acceptors, and every one of them accepts — the kernel spreads connections over
 * them by their addresses and ports.
 */
class ListenSocketsTest {

    private static final int SOCKETS = 4;
    /** The kernel hashes each client's 4-tuple: a socket missing every one of 200 is a 0.75^200 ≈ 1e-25 chance. */
    private static final int CLIENTS = 200;

    /** A TCP transport that counts, per listening socket, the connections it accepted. */
    private static final class CountingTransport implements Transport {
        final TcpTransport tcp = new TcpTransport();
        final List<AtomicInteger> accepted = new CopyOnWriteArrayList<>();
        final List<SocketAddress> bound = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "tcp";
        }

        @Override
        public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options) throws IOException {
            ServerSocketChannel real = tcp.listen(address, backlog, options);
            AtomicInteger count = new AtomicInteger();
            accepted.add(count);
            bound.add(real.getLocalAddress());
            return new DelegatingServerSocketChannel(real) {
                @Override
                public SocketChannel accept() throws IOException {
                    SocketChannel channel = super.accept();
                    count.incrementAndGet();
                    return channel;
                }
            };
        }

        @Override
        public TransportConnection wrap(SocketChannel accepted) throws IOException {
            return tcp.wrap(accepted);
        }
    }

    @Test
    void everyListenSocketAccepts() throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        CountingTransport transport = new CountingTransport();
        ListenerConfig config = TestClient.loopbackConfig("sockets").withTransport(transport)
                .withListenSockets(SOCKETS).withAcceptors(1);
        try (Listener listener = new Listener(config, ProtocolProbe.echo())) {
            listener.start();
            assertEquals(SOCKETS, transport.bound.size());
            for (SocketAddress address : transport.bound) {
                assertEquals(listener.localPort(), ((InetSocketAddress) address).getPort(), "one port for all");
            }
            long acceptors = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("sockets-acceptor-")).count();
            assertEquals(SOCKETS, acceptors, "at least one acceptor per socket, though 1 was asked for");
            for (int i = 0; i < CLIENTS; i++) {
                try (TestClient client = TestClient.connect(listener)) {
                    client.assertEchoes("client " + i);
                }
            }
            for (int i = 0; i < SOCKETS; i++) {
                int count = transport.accepted.get(i).get();
                assertTrue(count > 0, "socket " + i + " accepted nothing: " + transport.accepted);
            }
            assertEquals(CLIENTS, transport.accepted.stream().mapToInt(AtomicInteger::get).sum());
        }
    }

    @Test
    void atLeastOneSocket() {
        assertThrows(IllegalArgumentException.class, () -> TestClient.loopbackConfig("x").withListenSockets(0));
    }
}
