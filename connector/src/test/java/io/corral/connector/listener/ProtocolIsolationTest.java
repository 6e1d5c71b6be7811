package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "A slow or failing request never stalls another connection" (DESIGN §2): whatever one protocol instance
 * does — throw anything, hang forever — ends or blocks that connection only, and its slot comes back.
 */
class ProtocolIsolationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Echoes, except that a first byte of {@code !} throws what the test chose and {@code ~} hangs. */
    private static ProtocolProbe troublemaker(Supplier<Throwable> failure, CountDownLatch hangUntil) {
        return new ProtocolProbe(connection -> {
            byte[] first = new byte[1];
            if (connection.read(first, 0, 1) < 0) {
                return;
            }
            switch (first[0]) {
                case '!' -> throwUnchecked(failure.get());
                case '~' -> hangUntil.await();
                default -> {
                    connection.write(first, 0, 1);
                    ProtocolProbe.echo(connection);
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("IOException", (Supplier<Throwable>) () -> new IOException("protocol gave up")),
                Arguments.of("RuntimeException", (Supplier<Throwable>) () -> new IllegalStateException("bug")),
                Arguments.of("Error", (Supplier<Throwable>) () -> new AssertionError("worse bug")),
                Arguments.of("StackOverflowError", (Supplier<Throwable>) StackOverflowError::new));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void aThrowingProtocolEndsItsOwnConnectionOnly(String kind, Supplier<Throwable> failure) throws Exception {
        ProtocolProbe probe = troublemaker(failure, new CountDownLatch(0));
        try (Listener listener = new Listener(TestClient.loopbackConfig("isolation").withMaxConnections(2), probe);
             TestClient bystander = connectedTo(listener)) {
            bystander.assertEchoes("before");
            for (int i = 0; i < 3; i++) { // three failures in a row through a limit of two: slots come back
                try (TestClient victim = TestClient.connect(listener)) {
                    victim.send("!");
                    assertTrue(victim.closedByServer(), "the failing connection is closed");
                }
            }
            bystander.assertEchoes("after");
            Await.until(WAIT, () -> listener.stats().failed() == 3, () -> "three failures counted: " + listener.stats());
            try (TestClient newcomer = TestClient.connect(listener)) {
                newcomer.assertEchoes("new");
            }
            Await.until(WAIT, () -> listener.stats().active() == 1, () -> "only the bystander is left: " + listener.stats());
        }
    }

    @Test
    void aHangingProtocolBlocksNothingButItsOwnConnection() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        ProtocolProbe probe = troublemaker(IllegalStateException::new, hang);
        try (Listener listener = new Listener(TestClient.loopbackConfig("hang").withAcceptors(1), probe);
             TestClient stuck = connectedTo(listener)) {
            stuck.send("~");
            Await.until(WAIT, () -> probe.running() == 1, "the hanging protocol runs");
            for (int i = 0; i < 5; i++) {
                try (TestClient other = TestClient.connect(listener)) {
                    other.assertEchoes("fine " + i);
                }
            }
            Await.until(WAIT, () -> listener.stats().active() == 1, () -> "only the hanging one is live: " + listener.stats());
            assertEquals(List.of(stuck.socket().getLocalPort()),
                    listener.connections().stream().map(c -> ((InetSocketAddress) c.remoteAddress()).getPort()).toList());
            hang.countDown();
            assertTrue(stuck.closedByServer(), "once the protocol returns the listener closes its connection");
            Await.until(WAIT, () -> listener.stats().active() == 0, "nothing left");
        }
    }

    @Test
    void aTransportFailingToWrapEndsThatConnectionOnly() throws Exception {
        AtomicInteger wraps = new AtomicInteger();
        TcpTransport tcp = new TcpTransport();
        Transport failingFirst = new Transport() {
            @Override
            public String name() {
                return "flaky";
            }

            @Override
            public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options)
                    throws IOException {
                return tcp.listen(address, backlog, options);
            }

            @Override
            public TransportConnection wrap(SocketChannel accepted) throws IOException {
                if (wraps.incrementAndGet() == 1) {
                    throw new IOException("handshake failed");
                }
                return tcp.wrap(accepted);
            }
        };
        ProtocolProbe echo = ProtocolProbe.echo();
        try (Listener listener = new Listener(TestClient.loopbackConfig("flaky").withTransport(failingFirst)
                .withMaxConnections(1), echo)) {
            listener.start();
            try (TestClient first = TestClient.connect(listener)) {
                assertTrue(first.closedByServer());
            }
            try (TestClient second = TestClient.connect(listener)) {
                second.assertEchoes("the slot came back");
            }
            assertEquals(1, echo.started(), "the protocol never saw the connection that failed to wrap");
            Await.until(WAIT, () -> listener.stats().failed() == 1, () -> "the failed wrap is counted: " + listener.stats());
        }
    }

    private static TestClient connectedTo(Listener listener) throws IOException {
        listener.start();
        return TestClient.connect(listener);
    }
}
