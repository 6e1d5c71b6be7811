package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code maxConnections} as Ranch defines it: "this call will not return until we are below the maximum
 * number of connections". At the limit the listener stops accepting, the next client waits in the kernel's
 * backlog (its connect succeeds, nothing serves it, nothing closes it) and is served as soon as a slot
 * frees. The limit changes live.
 */
class ConnectionLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    /** Long enough for a server that wrongly accepted the client to have started serving or closing it. */
    private static final Duration SILENCE = Duration.ofMillis(200);

    private final List<TestClient> clients = new ArrayList<>();
    private Listener listener;

    @AfterEach
    void stopEverything() throws Exception {
        if (listener != null) {
            listener.stop();
        }
        for (TestClient client : clients) {
            client.close();
        }
    }

    private ProtocolProbe start(int maxConnections, int acceptors) throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        listener = new Listener(TestClient.loopbackConfig("limit")
                .withMaxConnections(maxConnections).withAcceptors(acceptors), echo);
        listener.start();
        return echo;
    }

    /** Connects a client and proves it is served (its bytes come back). */
    private TestClient served(String greeting) throws Exception {
        TestClient client = connected();
        client.assertEchoes(greeting);
        return client;
    }

    private TestClient connected() throws Exception {
        TestClient client = TestClient.connect(listener);
        clients.add(client);
        return client;
    }

    private void awaitAllAcceptorsAtTheLimit() {
        int acceptors = listener.config().acceptors();
        Await.until(WAIT, () -> listener.stats().waitingAcceptors() == acceptors,
                () -> "all " + acceptors + " acceptors wait at the limit: " + listener.stats());
    }

    @ParameterizedTest(name = "maxConnections={0}, acceptors={1}")
    @CsvSource({"1, 1", "1, 4", "3, 2", "5, 4"})
    void atTheLimitTheNextClientWaitsInTheBacklogUntilASlotFrees(int max, int acceptors) throws Exception {
        ProtocolProbe echo = start(max, acceptors);
        List<TestClient> first = new ArrayList<>();
        for (int i = 0; i < max; i++) {
            first.add(served("client " + i)); // below and up to the limit: every one served
        }
        awaitAllAcceptorsAtTheLimit();

        TestClient extra = connected(); // the kernel completes the handshake: it sits in the backlog
        extra.send("waiting");
        assertTrue(extra.staysSilentFor(SILENCE), "one over the limit: not served and, above all, not closed");
        assertEquals(max, echo.started(), "the protocol never started for the extra client");
        ListenerStats atLimit = listener.stats();
        assertEquals(max, atLimit.active());
        assertEquals(max, atLimit.totalAccepted(), "not accepted by the listener either");

        first.getFirst().close();
        assertEquals("waiting", extra.receive("waiting".length()), "served once a slot freed, bytes intact");
        assertEquals(max + 1, echo.started());
        Await.until(WAIT, () -> listener.stats().totalClosed() == 1, "the closed client is counted");
        ListenerStats after = listener.stats();
        assertEquals(max, after.active());
        assertEquals(max, after.peak(), "never one over the limit");
        assertEquals(max + 1, after.totalAccepted());
        assertEquals(after.totalAccepted() - after.totalClosed(), after.active());
    }

    @Test
    void raisingTheLimitLetsAWaitingClientInAtOnce() throws Exception {
        ProtocolProbe echo = start(2, 2);
        served("a");
        served("b");
        awaitAllAcceptorsAtTheLimit();
        TestClient waiting = connected();
        waiting.send("c");
        assertTrue(waiting.staysSilentFor(SILENCE));

        listener.setMaxConnections(3);
        assertEquals("c", waiting.receive(1));
        assertEquals(3, listener.maxConnections());
        assertEquals(3, echo.started());
        awaitAllAcceptorsAtTheLimit(); // at the new limit of 3
        TestClient fourth = connected();
        fourth.send("d");
        assertTrue(fourth.staysSilentFor(SILENCE), "the raised limit is a limit too");
    }

    @Test
    void loweringTheLimitKeepsLiveConnectionsAndHoldsNewOnesUntilBelowIt() throws Exception {
        start(3, 2);
        List<TestClient> live = List.of(served("a"), served("b"), served("c"));
        awaitAllAcceptorsAtTheLimit();

        listener.setMaxConnections(1);
        for (TestClient client : live) {
            client.assertEchoes("still here"); // lowering closes nothing
        }
        TestClient waiting = connected();
        waiting.send("w");
        live.get(0).close();
        Await.until(WAIT, () -> listener.stats().active() == 2, "one of three has gone");
        assertTrue(waiting.staysSilentFor(SILENCE), "2 live, limit 1: still waits");
        live.get(1).close();
        Await.until(WAIT, () -> listener.stats().active() == 1, "two of three have gone");
        assertTrue(waiting.staysSilentFor(SILENCE), "1 live, limit 1: at the limit, still waits");
        live.get(2).close();
        assertEquals("w", waiting.receive(1), "0 live, limit 1: served");
        assertEquals(3, listener.stats().peak());
    }

    @Test
    void limitZeroAdmitsNothingUntilRaised() throws Exception {
        ProtocolProbe echo = start(0, 2);
        awaitAllAcceptorsAtTheLimit();
        TestClient waiting = connected();
        waiting.send("z");
        assertTrue(waiting.staysSilentFor(SILENCE));
        assertEquals(0, echo.started());
        listener.setMaxConnections(1);
        assertEquals("z", waiting.receive(1));
    }

    @Test
    void aNegativeLimitIsRefusedAndTheOldOneKept() throws Exception {
        start(4, 1);
        assertThrows(IllegalArgumentException.class, () -> listener.setMaxConnections(-1));
        assertEquals(4, listener.maxConnections());
        assertEquals(4, listener.stats().maxConnections());
    }

    @Test
    void countersFollowConnectionsComingAndGoing() throws Exception {
        start(10, 2);
        TestClient a = served("a");
        TestClient b = served("b");
        TestClient c = served("c");
        assertEquals(3, listener.stats().active());
        a.close();
        b.close();
        Await.until(WAIT, () -> listener.stats().active() == 1, "two have gone");
        served("d");
        ListenerStats stats = listener.stats();
        assertEquals(2, stats.active());
        assertEquals(3, stats.peak());
        assertEquals(4, stats.totalAccepted());
        assertEquals(2, stats.totalClosed());
        assertEquals(0, stats.failed());
        assertEquals(0, stats.acceptErrors());
        TestClient d = clients.getLast();
        assertEquals(Set.of(c.socket().getLocalPort(), d.socket().getLocalPort()),
                listener.connections().stream().map(conn -> ((InetSocketAddress) conn.remoteAddress()).getPort()).collect(Collectors.toSet()),
                "connections() lists exactly the live ones");
    }
}
