package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link SocketOptions} of a {@link ListenerConfig} reach the sockets: reuse options the listening
 * socket, before it binds; TCP_NODELAY and buffer sizes every accepted socket, before the transport wraps it
 * (so a TLS handshake already runs with them). The same settings as ServerConnector's {@code jetty.http.*}.
 */
class ListenerSocketOptionsTest {

    /** A TCP transport that records TCP_NODELAY, SO_RCVBUF and SO_SNDBUF of the socket it is given to wrap. */
    private static Transport recording(CompletableFuture<List<Object>> seen) {
        TcpTransport tcp = new TcpTransport();
        return new Transport() {
            @Override
            public String name() {
                return "tcp";
            }

            @Override
            public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options)
                    throws IOException {
                return tcp.listen(address, backlog, options);
            }

            @Override
            public TransportConnection wrap(SocketChannel accepted) throws IOException {
                seen.complete(List.of(accepted.getOption(StandardSocketOptions.TCP_NODELAY),
                        accepted.getOption(StandardSocketOptions.SO_RCVBUF),
                        accepted.getOption(StandardSocketOptions.SO_SNDBUF)));
                return tcp.wrap(accepted);
            }
        };
    }

    private static List<Object> acceptedOptions(SocketOptions options) throws Exception {
        CompletableFuture<List<Object>> seen = new CompletableFuture<>();
        ListenerConfig config = TestClient.loopbackConfig("options").withTransport(recording(seen))
                .withSocketOptions(options);
        try (Listener listener = new Listener(config, ProtocolProbe.echo())) {
            listener.start();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("served with these options");
            }
            return seen.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void acceptedSocketsGetTcpNoDelayAndTheBufferSizesAsked() throws Exception {
        List<Object> seen = acceptedOptions(SocketOptions.DEFAULTS.withTcpNoDelay(false)
                .withReceiveBufferSize(32 * 1024).withSendBufferSize(48 * 1024));
        assertEquals(false, seen.get(0), "TCP_NODELAY");
        // Linux doubles what it is given (for its own bookkeeping) and reports the doubled size.
        assertTrue(List.of(32 * 1024, 64 * 1024).contains((Integer) seen.get(1)), "SO_RCVBUF " + seen.get(1));
        assertTrue(List.of(48 * 1024, 96 * 1024).contains((Integer) seen.get(2)), "SO_SNDBUF " + seen.get(2));
    }

    @Test
    void byDefaultAcceptedSocketsHaveNagleOff() throws Exception {
        assertEquals(true, acceptedOptions(SocketOptions.DEFAULTS).get(0), "TCP_NODELAY");
    }

    @Test
    void theListeningSocketReusesItsAddressUnlessToldNot() throws Exception {
        TcpTransport tcp = new TcpTransport();
        InetSocketAddress any = new InetSocketAddress(TestClient.LOOPBACK, 0);
        try (ServerSocketChannel reusing = tcp.listen(any, 8, SocketOptions.DEFAULTS);
             ServerSocketChannel notReusing = tcp.listen(any, 8, SocketOptions.DEFAULTS.withReuseAddress(false))) {
            assertTrue(reusing.getOption(StandardSocketOptions.SO_REUSEADDR));
            assertFalse(notReusing.getOption(StandardSocketOptions.SO_REUSEADDR));
        }
    }

    @Test
    void withReusePortTwoListenersShareOnePort() throws Exception {
        assumeTrue(SocketOptions.reusePortSupported(), "this platform has no SO_REUSEPORT");
        SocketOptions reusePort = SocketOptions.DEFAULTS.withReusePort(true);
        try (Listener first = new Listener(TestClient.loopbackConfig("first").withSocketOptions(reusePort),
                ProtocolProbe.echo())) {
            first.start();
            try (Listener second = new Listener(TestClient.loopbackConfig("second").withPort(first.localPort())
                    .withSocketOptions(reusePort), ProtocolProbe.echo())) {
                second.start(); // without SO_REUSEPORT: "Address already in use"
                assertEquals(first.localPort(), second.localPort());
                try (TestClient client = TestClient.connect(first.localPort())) {
                    client.assertEchoes("one of the two answers");
                }
            }
        }
    }
}
