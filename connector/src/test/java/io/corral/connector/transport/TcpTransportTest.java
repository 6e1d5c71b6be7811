package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import org.junit.jupiter.api.Test;

/** {@link TcpTransport#listen}: address reuse, ephemeral ports, and bind failures that name the address. */
class TcpTransportTest {

    private final TcpTransport tcp = new TcpTransport();

    @Test
    void listensOnAnEphemeralPortWithAddressReuse() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocketChannel server = tcp.listen(new InetSocketAddress(loopback, 0), 16, SocketOptions.DEFAULTS)) {
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            assertTrue(bound.getPort() > 0);
            assertEquals(loopback, bound.getAddress());
            assertTrue(server.getOption(StandardSocketOptions.SO_REUSEADDR), "restarts must not trip over TIME_WAIT");
        }
        assertEquals("tcp", tcp.name());
    }

    @Test
    void aPortInUseFailsWithABindExceptionNamingTheAddress() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (ServerSocketChannel first = tcp.listen(new InetSocketAddress(loopback, 0), 16, SocketOptions.DEFAULTS)) {
            int port = ((InetSocketAddress) first.getLocalAddress()).getPort();
            InetSocketAddress taken = new InetSocketAddress(loopback, port);
            IOException failure = assertThrows(IOException.class, () -> tcp.listen(taken, 16, SocketOptions.DEFAULTS).close());
            assertInstanceOf(BindException.class, failure);
            assertTrue(failure.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": "),
                    failure.getMessage());
            assertInstanceOf(BindException.class, failure.getCause(), "the JDK's own exception is kept");
        }
    }

    @Test
    void anAddressThatIsNotLocalFailsNamingIt() throws IOException {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
        InetSocketAddress foreign = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0);
        IOException failure = assertThrows(IOException.class, () -> tcp.listen(foreign, 16, SocketOptions.DEFAULTS).close());
        assertTrue(failure.getMessage().contains("192.0.2.1:0"), failure.getMessage());
    }
}
