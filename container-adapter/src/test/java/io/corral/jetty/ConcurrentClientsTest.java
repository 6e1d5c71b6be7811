package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many keep-alive connections at once, each mixing blocking, chunked and asynchronous exchanges whose
 * completion races the request thread's return: every response must belong to its request, and every
 * connection must be gone at the end. Shakes out races in channel recycling and stream completion.
 */
class ConcurrentClientsTest {

    private static final int CONNECTIONS = 8;
    private static final int REQUESTS_PER_CONNECTION = 150;

    /** Echoes the id parameter and body; completes async exchanges from a pool thread at once. */
    static final class MixedServlet extends HttpServlet {
        private final ExecutorService completer = Executors.newFixedThreadPool(2);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String id = request.getParameter("id");
            if (request.getParameter("async") != null) {
                AsyncContext async = request.startAsync();
                completer.execute(() -> {
                    try {
                        async.getResponse().getWriter().print("async " + id);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    async.complete();
                });
                return;
            }
            byte[] body = request.getInputStream().readAllBytes();
            response.getWriter().print("sync " + id + " " + new String(body));
        }

        @Override
        public void destroy() {
            completer.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void mixedExchangesOnManyConnections(ConnectorKind kind) throws Exception {
        ServletHolder holder = new ServletHolder(new MixedServlet());
        holder.setAsyncSupported(true);
        ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
        try (ServletServer server = ServletServer.on(kind).servlet("/mixed", holder).start()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int connection = c;
                results.add(clients.submit(() -> {
                    try (RawConnection client = server.connect()) {
                        for (int i = 0; i < REQUESTS_PER_CONNECTION; i++) {
                            String id = connection + "-" + i;
                            String expected;
                            switch (i % 3) {
                                case 0 -> {
                                    client.send("POST /mixed?id=" + id + " HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok");
                                    expected = "sync " + id + " ok";
                                }
                                case 1 -> {
                                    client.send("POST /mixed?id=" + id + " HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            + "1\r\nc\r\n1\r\nh\r\n0\r\n\r\n");
                                    expected = "sync " + id + " ch";
                                }
                                default -> {
                                    client.send("GET /mixed?async&id=" + id + " HTTP/1.1\r\nHost: h\r\n\r\n");
                                    expected = "async " + id;
                                }
                            }
                            RawResponse response = client.read();
                            assertEquals(200, response.status(), response.toString());
                            assertEquals(expected, response.text());
                        }
                    }
                    return REQUESTS_PER_CONNECTION;
                }));
            }
            int answered = 0;
            for (Future<Integer> result : results) {
                answered += result.get(30, TimeUnit.SECONDS);
            }
            assertEquals(CONNECTIONS * REQUESTS_PER_CONNECTION, answered);
            Await.until("every connection to be gone", Duration.ofSeconds(5),
                    () -> server.connector().getConnectedEndPoints().isEmpty());
        } finally {
            clients.shutdownNow();
        }
    }
}
