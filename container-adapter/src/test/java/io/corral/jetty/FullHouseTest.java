package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.testing.ControlClients;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 18 on the path users run: a {@link CorralConnector} at a lowered {@code maxConnections}, flooded with
 * idle connections (some that asked once and went quiet, some that never said a word), keeps serving a
 * keep-alive client and a new-connection client — no error, no request over a second — by closing the
 * connections idle longest, which its JMX attribute counts. Only Corral is concerned: ServerConnector has no
 * connection limit to reach (it holds every connection).
 */
class FullHouseTest {

    private static final int LIMIT = 60;
    private static final int FLOOD = 240;
    private static final long WORST_ALLOWED_NANOS = Duration.ofSeconds(1).toNanos();

    private final List<Socket> flood = new ArrayList<>();
    private ServletServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Socket socket : flood) {
            socket.close();
        }
    }

    @Test
    @DisplayName("CorralConnector at its limit admits new clients by closing idle connections; JMX counts them")
    void aFullConnectorKeepsServingNewClients() throws Exception {
        server = ServletServer.on(ConnectorKind.CORRAL)
                .servlet("/*", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.setContentType("text/plain");
                        response.getWriter().print(request.getRequestURI());
                    }
                })
                .connector(connector -> ((CorralConnector) connector).setMaxConnections(LIMIT))
                .start();
        CorralConnector connector = (CorralConnector) server.connector();

        // The controls (ControlClients) run on platform threads, as clients in a process of their own.
        ControlClients controls = ControlClients.start(() -> RawConnection.controlConnection(server.port()));
        try {
            for (int i = 0; i < FLOOD; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                flood.add(socket);
                if (i % 2 == 0) {
                    socket.getOutputStream().write("GET /once HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                // Paced: a flood, but one the controls' request rhythm outpaces, and one that comes no faster than
                // the house can turn over: half of it asks once and goes quiet, and a connection idle after an
                // exchange holds its slot for 1 s (IdleEviction's minimum after an exchange), so 60 slots admit about
                // 95 such half-and-half newcomers a second; at 3 ms (330 a second) the backlog made the new-connection
                // control wait its turn 1.0-1.2 s.
                Thread.sleep(16);
            }
            Await.until("the flood to be admitted by closing idle connections", Duration.ofSeconds(20),
                    () -> connector.getEvictedIdleConnections() >= FLOOD - LIMIT);
        } finally {
            controls.stop();
        }
        // A connection closed to make room hands its slot on before its thread has ended: up to 64 of those
        // (ConnectionSupervisor.closingMargin) may still be ending beyond the limit for a moment.
        Await.until("no more than the limit once the closed ones have ended", Duration.ofSeconds(20),
                () -> connector.getActiveConnections() <= LIMIT);
        assertTrue(controls.errors().isEmpty(), "control clients saw errors: " + controls.errors());
        assertTrue(controls.worstNanos() <= WORST_ALLOWED_NANOS,
                "worst control request took " + controls.worstNanos() / 1_000_000 + " ms");
        // Hundreds closed to make room have ended by now (their protocol met the close as an error): none is a failure.
        Await.until("the connections closed to make room to end", Duration.ofSeconds(20),
                () -> connector.getClosedConnections() >= FLOOD - LIMIT);
        assertEquals(0, connector.getFailedConnections(), "connections closed to make room are evicted, not failed");
    }

    @Test
    @DisplayName("once the flood's clients are gone, nothing of their connections is left: slots, endpoints, objects")
    void nothingOutlivesTheFlood() throws Exception {
        server = ServletServer.on(ConnectorKind.CORRAL)
                .servlet("/*", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.getWriter().print("ok");
                    }
                })
                .connector(connector -> ((CorralConnector) connector).setMaxConnections(LIMIT))
                .start();
        CorralConnector connector = (CorralConnector) server.connector();
        // Every endpoint Jetty was told of, held weakly: the bench counted hundreds of connections' objects
        // (CorralHttpConnection among them) still on the heap a minute after the attackers died.
        Set<EndPoint> seen = Collections.newSetFromMap(new WeakHashMap<>());
        for (int i = 0; i < FLOOD; i++) {
            Socket socket = new Socket("127.0.0.1", server.port());
            flood.add(socket);
            if (i % 2 == 0) {
                // Asks once, then goes quiet: its connection hibernates, and a woken one is what an eviction
                // candidate kept, servlet-side objects included.
                socket.getOutputStream().write("GET /once HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            if (i % 10 == 0) {
                seen.addAll(connector.getConnectedEndPoints());
            }
            Thread.sleep(3); // paced, as above: the house ages, so idle connections give way
        }
        Await.until("the flood to be admitted by closing idle connections", Duration.ofSeconds(20),
                () -> connector.getEvictedIdleConnections() >= FLOOD - LIMIT);
        seen.addAll(connector.getConnectedEndPoints());

        for (Socket socket : flood) {
            socket.close();
        }
        Await.until("every connection to end once its client is gone", Duration.ofSeconds(30),
                () -> connector.getActiveConnections() == 0 && connector.getConnectedEndPoints().isEmpty());
        assertEquals(connector.getAcceptedConnections(), connector.getClosedConnections(), "every slot given back");
        Await.until("every ended connection (endpoint, Jetty connection) to be garbage", Duration.ofSeconds(30), () -> {
            System.gc();
            return seen.isEmpty();
        });
    }
}
