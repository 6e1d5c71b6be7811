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
}
