package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jetty's {@code HttpConfiguration.minRequestDataRate} on both connectors: a body trickled at 10 B/s against a
 * minimum of 1000 B/s fails the servlet's read and earns the client a 408, then the connection closes; a body
 * that keeps up is read whole. What the read throws differs, on purpose (README): Jetty's servlet layer throws its
 * {@code BadMessageException} (a RuntimeException) when it finds the rate missed at the next read; Corral's engine
 * finds it as the bytes arrive and the read fails with an IOException carrying the same 408.
 */
class MinRequestDataRateTest {

    static final class ReadingServlet extends HttpServlet {
        final CompletableFuture<Throwable> readFailure = new CompletableFuture<>();

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int length;
            try {
                length = request.getInputStream().readAllBytes().length;
                readFailure.complete(null);
            } catch (IOException | RuntimeException x) {
                readFailure.complete(x);
                throw x;
            }
            response.getWriter().print("read " + length);
        }
    }

    private static ServletServer start(ConnectorKind kind, ReadingServlet servlet) throws Exception {
        return ServletServer.on(kind).http(config -> config.setMinRequestDataRate(1000)).servlet("/read", servlet).start();
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aTricklingBodyFailsTheReadAndEarns408(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = start(kind, servlet); RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n");
            for (int i = 0; i < 100 && client.input().available() == 0; i++) {
                client.send("x");
                Thread.sleep(100); // the trickle itself: 10 bytes a second
            }
            RawResponse response = client.read();
            Throwable failure = servlet.readFailure.get(5, TimeUnit.SECONDS);
            assertNotNull(failure, "the servlet's read failed");
            assertEquals(408, response.status(), response.toString());
            assertTrue(response.saysClose() || client.isClosedByServer(3000), response.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aBodyThatKeepsUpIsReadWhole(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = start(kind, servlet); RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3000\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                client.send("x".repeat(1000));
                Thread.sleep(200); // 5000 B/s in bursts: well above 1000 B/s
            }
            assertEquals("read 3000", client.read().text());
        }
    }

    /**
     * With no {@code minRequestDataRate} (Jetty's default) and the house near full — a connection limit of 2 with one
     * other client connected — ServerConnector lets a body trickle in and reads it whole, while Corral's near-full
     * floor ({@code setMinRequestDataRateNearFull}, 1 KiB/s) ends it with 408 (README, what differs). ServerConnector
     * has no connection limit: the other client changes nothing there.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void nearAFullHouseATrickleIsCutOnCorralOnly(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", servlet)
                .connector(connector -> {
                    if (connector instanceof CorralConnector corral) {
                        corral.setMaxConnections(2);
                    }
                }).start();
             RawConnection other = server.connect();
             RawConnection client = server.connect()) {
            other.send("GET /read HTTP/1.1\r\n"); // holds the other slot, its head on the way
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\n");
            for (int i = 0; i < 5 && client.input().available() == 0; i++) {
                client.send("x");
                Thread.sleep(100); // the trickle itself: 10 bytes a second
            }
            RawResponse response = client.read();
            if (kind == ConnectorKind.CORRAL) {
                assertEquals(408, response.status(), response.toString());
                assertNotNull(servlet.readFailure.get(5, TimeUnit.SECONDS), "the servlet's read failed");
            } else {
                assertEquals("read 5", response.text(), response.toString());
            }
        }
    }
}
