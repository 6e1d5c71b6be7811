package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.TcpTransport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The documented defaults of {@link ListenerConfig}, its withers, and the bounds it enforces. */
class ListenerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ListenerConfig config = ListenerConfig.defaults();
        assertEquals(8080, inet(config.address()).getPort());
        assertTrue(inet(config.address()).getAddress().isAnyLocalAddress(), "binds every interface");
        assertEquals(2, config.acceptors());
        assertEquals(AcceptBacklog.defaultBacklog(), config.backlog());
        assertTrue(config.backlog() >= AcceptBacklog.FALLBACK, "never shallower than the fallback: " + config.backlog());
        java.nio.file.Path somaxconn = java.nio.file.Path.of("/proc/sys/net/core/somaxconn");
        if (java.nio.file.Files.isReadable(somaxconn)) {
            try {
                assertEquals(AcceptBacklog.parse(java.nio.file.Files.readAllLines(somaxconn).getFirst()), config.backlog(),
                        "the kernel's ceiling, read whole");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertEquals(ListenerConfig.DEFAULT_MAX_CONNECTIONS, config.maxConnections());
        assertInstanceOf(TcpTransport.class, config.transport());
        assertEquals("corral", config.name());
        assertEquals(Duration.ofSeconds(5), config.shutdownTimeout());
    }

    @Test
    void eachWitherChangesOnlyItsOwnOption() {
        ListenerConfig base = ListenerConfig.defaults();
        TcpTransport transport = new TcpTransport();
        assertEquals(new ListenerConfig(base.address(), 7, base.backlog(), base.maxConnections(), base.transport(), base.socketOptions(), "corral", base.shutdownTimeout(), 1, false),
                base.withAcceptors(7));
        assertEquals(new ListenerConfig(base.address(), 2, 9, base.maxConnections(), base.transport(), base.socketOptions(), "corral", base.shutdownTimeout(), 1, false),
                base.withBacklog(9));
        assertEquals(new ListenerConfig(base.address(), 2, base.backlog(), 3, base.transport(), base.socketOptions(), "corral", base.shutdownTimeout(), 1, false),
                base.withMaxConnections(3));
        assertEquals(new ListenerConfig(base.address(), 2, base.backlog(), base.maxConnections(), transport, base.socketOptions(), "corral", base.shutdownTimeout(), 1, false),
                base.withTransport(transport));
        assertEquals(new ListenerConfig(base.address(), 2, base.backlog(), base.maxConnections(), base.transport(), base.socketOptions(), "edge", base.shutdownTimeout(), 1, false),
                base.withName("edge"));
        assertEquals(new ListenerConfig(base.address(), 2, base.backlog(), base.maxConnections(), base.transport(), base.socketOptions(), "corral", Duration.ofMillis(1), 1, false),
                base.withShutdownTimeout(Duration.ofMillis(1)));
    }

    @Test
    void withPortKeepsTheHostAndWithHostKeepsThePort() throws Exception {
        ListenerConfig config = ListenerConfig.defaults().withHost("127.0.0.1").withPort(0);
        assertEquals(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), config.address());
        assertEquals(4444, inet(config.withPort(4444).address()).getPort());
        assertEquals("127.0.0.1", inet(config.withPort(4444).address()).getHostString());
        assertEquals(0, inet(config.withHost("localhost").address()).getPort());
    }

    static Stream<Arguments> bounds() {
        return Stream.of(
                Arguments.of("acceptors 0", (UnaryOperator<ListenerConfig>) c -> c.withAcceptors(0), false),
                Arguments.of("acceptors 1", (UnaryOperator<ListenerConfig>) c -> c.withAcceptors(1), true),
                Arguments.of("backlog 0", (UnaryOperator<ListenerConfig>) c -> c.withBacklog(0), false),
                Arguments.of("backlog 1", (UnaryOperator<ListenerConfig>) c -> c.withBacklog(1), true),
                Arguments.of("maxConnections -1", (UnaryOperator<ListenerConfig>) c -> c.withMaxConnections(-1), false),
                Arguments.of("maxConnections 0", (UnaryOperator<ListenerConfig>) c -> c.withMaxConnections(0), true),
                Arguments.of("maxConnections MAX", (UnaryOperator<ListenerConfig>) c -> c.withMaxConnections(Integer.MAX_VALUE), true),
                Arguments.of("shutdownTimeout -1ns", (UnaryOperator<ListenerConfig>) c -> c.withShutdownTimeout(Duration.ofNanos(-1)), false),
                Arguments.of("shutdownTimeout 0", (UnaryOperator<ListenerConfig>) c -> c.withShutdownTimeout(Duration.ZERO), true),
                Arguments.of("name blank", (UnaryOperator<ListenerConfig>) c -> c.withName(" "), false),
                Arguments.of("name x", (UnaryOperator<ListenerConfig>) c -> c.withName("x"), true),
                Arguments.of("transport null", (UnaryOperator<ListenerConfig>) c -> c.withTransport(null), false),
                Arguments.of("address null", (UnaryOperator<ListenerConfig>) c -> c.withAddress(null), false));
    }

    @ParameterizedTest(name = "{0} valid={2}")
    @MethodSource("bounds")
    void enforcesItsBoundsOnBothSides(String option, UnaryOperator<ListenerConfig> change, boolean valid) {
        if (valid) {
            assertDoesNotThrow(() -> change.apply(ListenerConfig.defaults()));
        } else {
            assertThrows(RuntimeException.class, () -> change.apply(ListenerConfig.defaults()));
        }
    }

    private static InetSocketAddress inet(SocketAddress address) {
        return assertInstanceOf(InetSocketAddress.class, address);
    }
}
