package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The per-source cap ({@code maxConnectionsPerSource}): one client address holds at most that many live connections;
 * the newest one over the cap is closed at once and counted, while other addresses are served as before and the
 * address gets its place back when one of its connections ends. Clients bind 127.0.0.2 and 127.0.0.3 to be
 * other addresses than 127.0.0.1.
 */
class SourceCapTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int CAP = 3;

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

    private TestClient from(String source) throws Exception {
        TestClient client = TestClient.connectFrom(InetAddress.getByName(source), listener.localPort());
        clients.add(client);
        return client;
    }

    @Test
    @DisplayName("an address over the cap has its newest connection closed; another address is served; a freed place is taken again")
    void theNewestConnectionOverTheCapIsClosed() throws Exception {
        ProtocolProbe echo = ProtocolProbe.echo();
        listener = new Listener(TestClient.loopbackConfig("source-cap").withMaxConnectionsPerSource(CAP), echo);
        listener.start();

        List<TestClient> first = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            TestClient client = from("127.0.0.2");
            client.assertEchoes("mine " + i);
            first.add(client);
        }
        TestClient over = from("127.0.0.2");
        assertTrue(over.closedByServer(), "the connection over the cap is closed");
        assertEquals(1, listener.stats().overSourceCap(), () -> "counted: " + listener.stats());
        for (int i = 0; i < CAP; i++) {
            first.get(i).assertEchoes("still served " + i); // the older ones are not touched
        }

        TestClient control = from("127.0.0.3");
        control.assertEchoes("another address is served");

        first.get(0).close();
        Await.until(WAIT, () -> listener.stats().active() == CAP, () -> "the closed one ended: " + listener.stats());
        from("127.0.0.2").assertEchoes("the freed place is taken again");
        assertEquals(1, listener.stats().overSourceCap(), () -> "nothing more refused: " + listener.stats());
        assertEquals(CAP + 2, echo.started(), "the refused connection never reached the protocol");
    }

    @Test
    @DisplayName("without a cap (the default), one address may hold any number of connections")
    void offByDefault() throws Exception {
        assertEquals(ListenerConfig.NO_SOURCE_CAP, ListenerConfig.defaults().maxConnectionsPerSource());
        listener = new Listener(TestClient.loopbackConfig("no-source-cap"), ProtocolProbe.echo());
        listener.start();
        for (int i = 0; i < 20; i++) {
            from("127.0.0.2").assertEchoes("client " + i);
        }
        assertEquals(0, listener.stats().overSourceCap());
    }
}
