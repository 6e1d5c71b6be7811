package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Binding, the lifecycle guards of start and stop, and what {@link Listener} reports about its address. */
class ListenerBindTest {

    @Test
    void portZeroBindsAnEphemeralPortAndReportsIt() throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        try (Listener listener = new Listener(TestClient.loopbackConfig("bind"), echo)) {
            assertEquals(-1, listener.localPort(), "no port before start");
            assertThrows(IllegalStateException.class, listener::localAddress);
            listener.start();
            assertTrue(listener.localPort() > 0);
            assertEquals(new InetSocketAddress(TestClient.LOOPBACK, listener.localPort()), listener.localAddress());
            assertEquals(Listener.State.RUNNING, listener.state());
            for (int i = 0; i < 3; i++) {
                try (TestClient client = TestClient.connect(listener)) {
                    client.assertEchoes("ping " + i);
                }
            }
            assertEquals(3, echo.started());
            assertTrue(echo.ranEachConnectionOnItsOwnUnnamedVirtualThread());
        }
    }

    @Test
    void bindTakesThePortAndStartAcceptsWhoeverWaitedInTheBacklog() throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        try (Listener listener = new Listener(TestClient.loopbackConfig("bound"), echo)) {
            listener.bind();
            listener.bind(); // harmless
            assertEquals(Listener.State.BOUND, listener.state());
            assertTrue(listener.localPort() > 0, "the port is known once bound");
            try (TestClient early = TestClient.connect(listener)) {
                early.send("early");
                // The kernel completes the handshake into the backlog; nobody accepts or answers yet.
                assertTrue(early.staysSilentFor(Duration.ofMillis(300)), "a bound listener answered");
                assertEquals(0, echo.started());
                listener.start();
                assertEquals(Listener.State.RUNNING, listener.state());
                assertEquals("early", early.receive("early".length()), "the early client is served once started");
            }
            assertThrows(IllegalStateException.class, listener::bind);
        }
    }

    @Test
    void aListenerStoppedWhileOnlyBoundReleasesItsPort() throws Exception {
        Listener listener = new Listener(TestClient.loopbackConfig("bound-then-stopped"), ProtocolProbe.echo());
        listener.bind();
        int port = listener.localPort();
        listener.stop();
        assertEquals(Listener.State.STOPPED, listener.state());
        try (Listener next = new Listener(TestClient.loopbackConfig("next").withPort(port), ProtocolProbe.echo())) {
            next.start();
            try (TestClient client = TestClient.connect(port)) {
                client.assertEchoes("the port was free again");
            }
        }
    }

    @Test
    void bindingAPortInUseFailsWithAMessageNamingTheAddress() throws Exception {
        try (Listener first = new Listener(TestClient.loopbackConfig("first"), ProtocolProbe.echo())) {
            first.start();
            int port = first.localPort();
            Listener second = new Listener(TestClient.loopbackConfig("second").withPort(port), ProtocolProbe.echo());
            IOException failure = assertThrows(IOException.class, second::start);
            assertInstanceOf(BindException.class, failure);
            assertTrue(failure.getMessage().contains("127.0.0.1:" + port), failure.getMessage());
            assertEquals(Listener.State.NEW, second.state(), "a failed start leaves the listener unstarted");
            second.stop(); // harmless
            try (TestClient client = TestClient.connect(port)) {
                client.assertEchoes("the first listener is unharmed");
            }
        }
    }

    @Test
    void startingTwiceIsRefused() throws Exception {
        try (Listener listener = new Listener(TestClient.loopbackConfig("twice"), ProtocolProbe.echo())) {
            listener.start();
            assertThrows(IllegalStateException.class, listener::start);
            assertEquals(Listener.State.RUNNING, listener.state());
        }
    }

    @Test
    void stopBeforeStartAndStopTwiceDoNothing() throws Exception {
        Listener listener = new Listener(TestClient.loopbackConfig("idle"), ProtocolProbe.echo());
        listener.stop();
        assertEquals(Listener.State.NEW, listener.state());
        listener.start();
        listener.stop();
        listener.stop();
        listener.close();
        assertEquals(Listener.State.STOPPED, listener.state());
    }

    @Test
    void aStoppedListenerStartsAgainAndKeepsCounting() throws Exception {
        try (Listener listener = new Listener(TestClient.loopbackConfig("again"), ProtocolProbe.echo())) {
            listener.start();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("one");
            }
            listener.stop();
            assertThrows(IOException.class, () -> TestClient.connect(listener).close(), "stopped: nothing listens");
            listener.start();
            try (TestClient client = TestClient.connect(listener)) {
                client.assertEchoes("two");
            }
            assertEquals(2, listener.stats().totalAccepted());
        }
    }

    @Test
    void acceptorsArePlatformThreadsNamedAfterTheListenerAndEndOnStop() throws Exception {
        Listener listener = new Listener(TestClient.loopbackConfig("named").withAcceptors(3), ProtocolProbe.echo());
        listener.start();
        List<Thread> acceptors = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("named-acceptor-")).toList();
        assertEquals(3, acceptors.size());
        assertFalse(acceptors.stream().anyMatch(Thread::isVirtual));
        listener.stop();
        assertTrue(acceptors.stream().noneMatch(Thread::isAlive), "stop returns after the acceptors ended");
    }

    @Test
    void concurrentStopsAllReturnOnceStopped() throws Exception {
        Listener listener = new Listener(TestClient.loopbackConfig("racing-stops"), ProtocolProbe.echo());
        listener.start();
        TestClient client = TestClient.connect(listener);
        client.assertEchoes("live");
        int stoppers = 8;
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(stoppers)) {
            List<Future<Listener.State>> stops = new ArrayList<>();
            for (int i = 0; i < stoppers; i++) {
                stops.add(pool.submit(() -> {
                    go.await();
                    listener.stop();
                    return listener.state();
                }));
            }
            go.countDown();
            for (Future<Listener.State> stop : stops) {
                assertEquals(Listener.State.STOPPED, stop.get(10, TimeUnit.SECONDS));
            }
        }
        assertTrue(client.closedByServer());
        client.close();
        assertEquals(0, listener.stats().active());
    }
}
