package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.SocketOptions;
import io.corral.connector.transport.TcpTransport;
import io.corral.connector.transport.Transport;
import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An {@code accept()} that fails for another reason than a closed listener — the process is out of file
 * descriptors (EMFILE), say — is counted, logged and retried after a pause; the acceptor survives, and the
 * clients waiting in the backlog are served once accepting works again.
 */
class AcceptErrorTest {

    /** A TCP transport whose listening socket fails its first {@code failures} accepts as EMFILE would. */
    private static Transport failingAccepts(int failures) {
        TcpTransport tcp = new TcpTransport();
        return new Transport() {
            @Override
            public String name() {
                return "emfile";
            }

            @Override
            public ServerSocketChannel listen(SocketAddress address, int backlog, SocketOptions options)
                    throws IOException {
                return new FailingAccepts(tcp.listen(address, backlog, options), failures);
            }

            @Override
            public TransportConnection wrap(SocketChannel accepted) throws IOException {
                return tcp.wrap(accepted);
            }
        };
    }

    /** A listening channel whose first accepts fail with the exception EMFILE gives; the rest delegate. */
    private static final class FailingAccepts extends DelegatingServerSocketChannel {

        private final AtomicInteger left;

        FailingAccepts(ServerSocketChannel real, int failures) {
            super(real);
            this.left = new AtomicInteger(failures);
        }

        @Override
        public SocketChannel accept() throws IOException {
            if (left.getAndDecrement() > 0) {
                throw new SocketException("Too many open files");
            }
            return super.accept();
        }
    }

    @ParameterizedTest(name = "{0} failed accepts")
    @ValueSource(ints = {1, 4})
    void theAcceptorRetriesAndServesTheWaitingClient(int failures) throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        ListenerConfig config = TestClient.loopbackConfig("emfile").withAcceptors(1).withTransport(failingAccepts(failures));
        try (Listener listener = new Listener(config, echo)) {
            listener.start();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("served after " + failures + " failed accepts");
            }
            ListenerStats stats = listener.stats();
            assertEquals(failures, stats.acceptErrors());
            assertEquals(1, stats.totalAccepted());
            assertEquals(Listener.State.RUNNING, stats.state());
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("emfile-acceptor-0")),
                    "the acceptor is still there");
        }
    }
}
