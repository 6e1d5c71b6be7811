package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link CorralConnector#setMaxConnectionsPerSource}: an address that already holds the cap has its newest
 * connection closed before any request is read, counted over JMX, while a client from another address is served.
 * Only Corral is concerned: ServerConnector has no per-source cap (README, what differs).
 */
class PerSourceCapTest {

    private static final int CAP = 2;
    private static final String GET = "GET /hello HTTP/1.1\r\nHost: a\r\n\r\n";

    private final List<RawConnection> clients = new ArrayList<>();
    private ServletServer server;

    @AfterEach
    void stop() throws IOException {
        for (RawConnection client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawConnection from(String source) throws IOException {
        RawConnection client = new RawConnection(InetAddress.getByName(source), server.port());
        clients.add(client);
        return client;
    }

    @Test
    @DisplayName("the connection over an address's cap is closed unanswered; another address is served; JMX counts it")
    void theNewestOverTheCapIsClosed() throws Exception {
        server = ServletServer.on(ConnectorKind.CORRAL)
                .servlet("/*", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.getWriter().print("hello " + request.getRemoteAddr());
                    }
                })
                .connector(connector -> ((CorralConnector) connector).setMaxConnectionsPerSource(CAP))
                .start();
        CorralConnector connector = (CorralConnector) server.connector();

        for (int i = 0; i < CAP; i++) {
            assertEquals("hello 127.0.0.2", from("127.0.0.2").send(GET).read().text());
        }
        RawConnection over = from("127.0.0.2");
        over.send(GET);
        assertTrue(over.isClosedByServer(RawConnection.READ_TIMEOUT_MS), "closed without an answer");
        assertEquals(1, connector.getConnectionsOverSourceCap());

        assertEquals("hello 127.0.0.3", from("127.0.0.3").send(GET).read().text(), "another address is served");
        assertEquals("hello 127.0.0.2", clients.get(0).send(GET).read().text(), "the older ones keep being served");
        assertEquals(CAP, connector.getMaxConnectionsPerSource());
        assertEquals(1, connector.getConnectionsOverSourceCap());
    }
}
