package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.CorralConnector;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.OnMessage;
import jakarta.websocket.server.ServerEndpoint;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A drain while a bounded load runs, on {@link CorralConnector} (the operation is Corral's): HTTP clients
 * hammering keep-alive connections and Jakarta WebSocket sessions echoing messages one at a time. Every request
 * the servlet began is answered in full (zero failed in-flight requests: the servlet's count and the clients'
 * count of whole responses are equal), a request held in flight across the drain's start is answered with
 * {@code Connection: close}, every WebSocket echo arrives in order until the session is closed with 1001, and the
 * drain ends on its own, closing nothing by force.
 */
class DrainUnderLoadTest {

    private static final int HTTP_CLIENTS = 8;
    private static final int WEBSOCKETS = 4;
    /** Bounds the load whatever happens: no client makes more requests than this… */
    private static final int MAX_PER_CLIENT = 5_000;
    /** …or sends more WebSocket messages than this. */
    private static final int MAX_MESSAGES = 50_000;

    @ServerEndpoint("/drain/echo")
    public static class Echo {
        @OnMessage
        public String echo(String text) {
            return text;
        }
    }

    /** Answers after 0–5 ms of "work", so that requests are in flight when the drain begins. */
    static final class WorkServlet extends HttpServlet {
        final AtomicLong entered = new AtomicLong();
        /** {@code ?hold}: one request the test keeps in flight across the start of the drain. */
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            entered.incrementAndGet();
            try {
                if (request.getParameter("hold") != null) {
                    holding.countDown();
                    release.await(20, TimeUnit.SECONDS);
                } else {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(6)); // the work itself, not a wait
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.getWriter().print("done");
        }
    }

    /** What one HTTP client saw. */
    record HttpOutcome(long answered, long closeAnnounced, long unansweredBeforeAnyByte, long broken) {}

    /** What one WebSocket client saw. */
    record WsOutcome(int echoed, int closeCode, String failure) {}

    @Test
    @DisplayName("drain under load: zero failed in-flight requests, WebSocket echoes in order until 1001, nothing closed by force")
    void drainUnderLoad() throws Exception {
        WorkServlet servlet = new WorkServlet();
        BridgeServer server = BridgeServer.on(ConnectorKind.CORRAL)
                .jakartaEndpoints(Echo.class)
                .context(context -> context.addServlet(new org.eclipse.jetty.ee10.servlet.ServletHolder(servlet), "/work"))
                .connector(connector -> ((CorralConnector) connector).setWebSocketDrainGrace(500))
                .start();
        try {
            CorralConnector connector = (CorralConnector) server.connector();
            int port = server.port();
            AtomicLong answeredSoFar = new AtomicLong();
            AtomicInteger echoesSoFar = new AtomicInteger();

            List<CompletableFuture<WsOutcome>> webSockets = new ArrayList<>();
            for (int i = 0; i < WEBSOCKETS; i++) {
                JdkWebSocket client = JdkWebSocket.connect(server.ws("/drain/echo"));
                webSockets.add(CompletableFuture.supplyAsync(() -> echoUntilClosed(client, echoesSoFar),
                        runnable -> Thread.ofVirtual().start(runnable)));
            }
            List<CompletableFuture<HttpOutcome>> httpClients = new ArrayList<>();
            for (int i = 0; i < HTTP_CLIENTS; i++) {
                httpClients.add(CompletableFuture.supplyAsync(() -> requestUntilRefused(port, answeredSoFar),
                        runnable -> Thread.ofVirtual().start(runnable)));
            }

            Deadline.await("load to be under way", Duration.ofSeconds(30),
                    () -> answeredSoFar.get() >= 400 && echoesSoFar.get() >= 40);
            // One request surely in flight when the drain begins, answered only once it has.
            Socket held = new Socket();
            held.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            held.setSoTimeout(15_000);
            held.getOutputStream().write("GET /work?hold HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(servlet.holding.await(10, TimeUnit.SECONDS));
            CompletableFuture<Integer> drain = CompletableFuture.supplyAsync(() -> connector.drain(20_000));
            Deadline.await("the drain to begin", Duration.ofSeconds(10), connector::isDraining);
            servlet.release.countDown();
            Read heldResponse;
            try (held) {
                heldResponse = readResponse(new BufferedInputStream(held.getInputStream()));
            }
            assertEquals(Read.CLOSE, heldResponse, "the request in flight across the drain's start");
            int closedByForce = drain.get(30, TimeUnit.SECONDS);

            long answered = 0;
            long announced = 0;
            long unanswered = 0;
            for (CompletableFuture<HttpOutcome> client : httpClients) {
                HttpOutcome outcome = client.get(30, TimeUnit.SECONDS);
                assertEquals(0, outcome.broken(), "a response was cut or malformed: " + outcome);
                answered += outcome.answered();
                announced += outcome.closeAnnounced();
                unanswered += outcome.unansweredBeforeAnyByte();
            }
            for (CompletableFuture<WsOutcome> client : webSockets) {
                WsOutcome outcome = client.get(30, TimeUnit.SECONDS);
                assertEquals(null, outcome.failure(), outcome.toString());
                assertEquals(1001, outcome.closeCode(), outcome.toString());
                assertTrue(outcome.echoed() >= 10, outcome.toString());
            }
            System.out.printf("drain under load: %d requests answered (%d with Connection: close), %d unanswered "
                    + "before any byte (idle keep-alive closed as the next request left, never begun), %d WebSocket "
                    + "echoes, %d connections closed by force%n", answered, announced, unanswered, echoesSoFar.get(),
                    closedByForce);
            // The held request is the test's own: answered above.
            assertEquals(servlet.entered.get(), answered + 1, "requests the servlet began but the client never got whole");
            assertEquals(0, closedByForce, "the drain had to close connections by force");
            assertEquals(0, connector.getActiveConnections());
        } finally {
            server.close();
        }
    }

    /**
     * One keep-alive client: requests one after another, a new connection whenever the server ends one, until the
     * server refuses to connect (drained). A request that gets no byte back because the server closed the idle
     * connection as it left is what RFC 9112 §9.3.1 lets a client retry; the servlet never saw it.
     */
    private static HttpOutcome requestUntilRefused(int port, AtomicLong answeredSoFar) {
        long answered = 0;
        long announced = 0;
        long unanswered = 0;
        long broken = 0;
        int sent = 0;
        while (sent < MAX_PER_CLIENT) {
            Socket socket;
            try {
                socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(15_000);
            } catch (IOException refused) {
                break; // drained: a load balancer would now send this client elsewhere
            }
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                boolean open = true;
                while (open && sent < MAX_PER_CLIENT) {
                    sent++;
                    try {
                        out.write("GET /work HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        unanswered++;
                        break;
                    }
                    switch (readResponse(in)) {
                        case KEEP_ALIVE -> {
                            answered++;
                            answeredSoFar.incrementAndGet();
                        }
                        case CLOSE -> {
                            answered++;
                            answeredSoFar.incrementAndGet();
                            announced++;
                            open = false;
                        }
                        case NOTHING -> {
                            unanswered++;
                            open = false;
                        }
                        case BROKEN -> {
                            broken++;
                            open = false;
                        }
                    }
                }
            } catch (IOException e) {
                broken++;
            }
        }
        return new HttpOutcome(answered, announced, unanswered, broken);
    }

    private enum Read { KEEP_ALIVE, CLOSE, NOTHING, BROKEN }

    /** One response with a Content-Length body: whole or not, and whether it announced the close. */
    private static Read readResponse(InputStream in) {
        try {
            String status = line(in);
            if (status == null) {
                return Read.NOTHING;
            }
            if (!status.startsWith("HTTP/1.1 200")) {
                return Read.BROKEN;
            }
            int length = -1;
            boolean close = false;
            for (String field = line(in); field != null && !field.isEmpty(); field = line(in)) {
                String lower = field.toLowerCase();
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(field.substring(15).trim());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            byte[] body = in.readNBytes(Math.max(length, 0));
            if (length != 4 || !"done".equals(new String(body, StandardCharsets.US_ASCII))) {
                return Read.BROKEN;
            }
            return close ? Read.CLOSE : Read.KEEP_ALIVE;
        } catch (java.net.SocketException reset) {
            return Read.NOTHING;
        } catch (IOException | RuntimeException e) {
            return Read.BROKEN;
        }
    }

    /** A CRLF-terminated line; null at the end of stream before any byte of it. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                int end = line.length();
                return line.substring(0, end > 0 && line.charAt(end - 1) == '\r' ? end - 1 : end);
            }
            line.append((char) b);
        }
        if (line.length() > 0) {
            throw new IOException("the stream ended inside a line: " + line);
        }
        return null;
    }

    /** Sends numbered messages one at a time, each echo checked, until the server closes the session. */
    private static WsOutcome echoUntilClosed(JdkWebSocket client, AtomicInteger echoesSoFar) {
        int echoed = 0;
        try (client) {
            for (int n = 0; n < MAX_MESSAGES; n++) {
                String message = "message " + n;
                try {
                    client.sendText(message);
                } catch (Exception closing) {
                    // The server's close crossed this send: the close, already queued, says why.
                    return closedOrFailed(client, echoed);
                }
                switch (client.next()) {
                    case JdkWebSocket.Text text when text.text().equals(message) -> {
                        echoed++;
                        echoesSoFar.incrementAndGet();
                    }
                    // The one message in flight when 1001 came: closed during the drain, as the issue allows.
                    case JdkWebSocket.Closed closed -> {
                        return new WsOutcome(echoed, closed.code(), null);
                    }
                    case JdkWebSocket.Event other -> {
                        return new WsOutcome(echoed, -1, "expected the echo of '" + message + "', got " + other);
                    }
                }
            }
            return new WsOutcome(echoed, -1, "never closed within " + MAX_MESSAGES + " messages");
        } catch (Exception | AssertionError e) {
            return new WsOutcome(echoed, -1, e.toString());
        }
    }

    private static WsOutcome closedOrFailed(JdkWebSocket client, int echoed) throws InterruptedException {
        while (true) {
            JdkWebSocket.Event event = client.next();
            if (event instanceof JdkWebSocket.Closed closed) {
                return new WsOutcome(echoed, closed.code(), null);
            }
            if (!(event instanceof JdkWebSocket.Text)) {
                return new WsOutcome(echoed, -1, "a send failed, then " + event);
            }
        }
    }
}
