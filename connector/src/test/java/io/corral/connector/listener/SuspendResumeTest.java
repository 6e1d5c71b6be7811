package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * Ranch's {@code suspend_listener}/{@code resume_listener}: suspending closes the listening socket so new
 * clients are refused while live connections carry on; resuming binds the same port again.
 */
class SuspendResumeTest {

    @Test
    void suspendRefusesNewClientsKeepsLiveOnesAndResumeListensOnTheSamePort() throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        try (Listener listener = new Listener(TestClient.loopbackConfig("suspend"), echo)) {
            listener.start();
            int port = listener.localPort();
            try (TestClient live = TestClient.connect(listener)) {
                live.assertEchoes("before");

                listener.suspend();
                assertEquals(Listener.State.SUSPENDED, listener.state());
                assertEquals(port, listener.localPort());
                assertThrows(ConnectException.class, () -> TestClient.connect(port).close());
                live.assertEchoes("during"); // the live connection does not notice
                assertTrue(Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("suspend-acceptor-")), "no acceptor while suspended");

                listener.resume();
                assertEquals(Listener.State.RUNNING, listener.state());
                assertEquals(port, listener.localPort(), "the same port, although the kernel chose it");
                try (TestClient after = TestClient.connect(port)) {
                    after.assertEchoes("after");
                }
                live.assertEchoes("still");
            }
            assertEquals(2, listener.stats().totalAccepted());
        }
    }

    @Test
    void suspendingOrResumingTwiceChangesNothing() throws Exception {
        try (Listener listener = new Listener(TestClient.loopbackConfig("twice"), ProtocolProbe.echo())) {
            listener.start();
            listener.resume();
            assertEquals(Listener.State.RUNNING, listener.state());
            listener.suspend();
            listener.suspend();
            assertEquals(Listener.State.SUSPENDED, listener.state());
            listener.resume();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("ok");
            }
        }
    }

    @Test
    void suspendAndResumeNeedAStartedListener() throws Exception {
        Listener listener = new Listener(TestClient.loopbackConfig("unstarted"), ProtocolProbe.echo());
        assertThrows(IllegalStateException.class, listener::suspend);
        assertThrows(IllegalStateException.class, listener::resume);
        listener.start();
        listener.stop();
        assertThrows(IllegalStateException.class, listener::suspend);
        assertThrows(IllegalStateException.class, listener::resume);
    }

    @Test
    void stoppingASuspendedListenerClosesItsLiveConnections() throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        Listener listener = new Listener(TestClient.loopbackConfig("suspended-stop"), echo);
        listener.start();
        try (TestClient live = TestClient.connect(listener)) {
            live.assertEchoes("x");
            listener.suspend();
            listener.stop();
            assertTrue(live.closedByServer());
            assertEquals(0, listener.stats().active());
            assertEquals(java.util.List.of(), echo.aliveThreads());
        }
    }

    @Test
    void resumeFailsClearlyWhenThePortWasTakenMeanwhileAndStaysSuspended() throws Exception {
        try (Listener listener = new Listener(TestClient.loopbackConfig("taken"), ProtocolProbe.echo())) {
            listener.start();
            int port = listener.localPort();
            listener.suspend();
            try (ServerSocket squatter = new ServerSocket()) {
                squatter.bind(new InetSocketAddress(TestClient.LOOPBACK, port));
                IOException failure = assertThrows(IOException.class, listener::resume);
                assertInstanceOf(BindException.class, failure);
                assertTrue(failure.getMessage().contains(":" + port), failure.getMessage());
                assertEquals(Listener.State.SUSPENDED, listener.state());
            }
            listener.resume();
            try (TestClient client = TestClient.connect(port)) {
                client.assertEchoes("back");
            }
        }
    }

    /** Echoes, and records the drain/start calls a resume must make. */
    private static final class DrainRecordingProtocol implements Protocol {
        final java.util.concurrent.atomic.AtomicInteger drains = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public Hibernation serve(io.corral.connector.transport.TransportConnection connection) throws IOException {
            ProtocolProbe.echo(connection);
            return null;
        }

        @Override
        public void drain() {
            drains.incrementAndGet();
        }

        @Override
        public void start() {
            starts.incrementAndGet();
        }
    }

    @Test
    void drainWithTimeoutClosesWhatIsStillLiveAndStaysSuspendedUntilResumed() throws Exception {
        DrainRecordingProtocol protocol = new DrainRecordingProtocol();
        try (Listener listener = new Listener(TestClient.loopbackConfig("drain-timeout"), protocol)) {
            listener.start();
            int port = listener.localPort();
            try (TestClient live = TestClient.connect(listener)) {
                live.assertEchoes("before");
                long started = System.nanoTime();
                // The echo protocol ignores the drain: the connection is live at the timeout and closed then.
                assertEquals(1, listener.drain(java.time.Duration.ofMillis(200)));
                assertTrue(System.nanoTime() - started >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(200));
                assertTrue(live.closedByServer());
                assertEquals(1, protocol.drains.get());
                assertEquals(Listener.State.SUSPENDED, listener.state());
                assertEquals(0, listener.stats().active());
                assertThrows(ConnectException.class, () -> TestClient.connect(port).close());
            }
            int startsBefore = protocol.starts.get();
            listener.resume();
            assertEquals(startsBefore + 1, protocol.starts.get(), "resume did not end the drain");
            try (TestClient after = TestClient.connect(port)) {
                after.assertEchoes("after");
            }
            assertEquals(0, listener.drain(java.time.Duration.ofSeconds(5)), "nothing live: nothing to close");
        }
    }

    @Test
    void drainNeedsARunningOrSuspendedListener() {
        Listener listener = new Listener(TestClient.loopbackConfig("drain-unstarted"), ProtocolProbe.echo());
        assertThrows(IllegalStateException.class, () -> listener.drain(java.time.Duration.ZERO));
    }
}
