package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Jetty's channels (a request's {@code HttpChannelState}, and the servlet layer's cached {@code ServletChannel} with its
 * request, response, input and output) are recycled from one HTTP/2 stream to the next, on ServerConnector (Jetty's
 * HTTP/2 connection pools them) and on CorralConnector ({@link RecycledChannels}). Nothing one stream's request left
 * behind may reach a later stream's: the same servlets on both connectors, asked by Jetty's {@code HTTP2Client} and
 * the JDK's client with many streams at once on one connection, must see the same, and nothing of the stream before.
 */
class Http2ChannelReuseDifferentialTest {

    private static final int CONCURRENCY = 16;
    private static final int ROUNDS = 8;

    /**
     * Reports what a request found on arrival, then leaves all it can behind: a request attribute, a character
     * encoding, a response header and cookie, an async listener, a session attribute.
     */
    static final class LeakyServlet extends HttpServlet {
        /** Every ServletChannel that served a request: how many there were tells whether channels were reused. */
        final Set<Object> servletChannels = ConcurrentHashMap.newKeySet();
        /** Every connection a request came on. */
        final Set<String> connections = ConcurrentHashMap.newKeySet();

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            servletChannels.add(ServletContextRequest.getServletContextRequest(request).getServletChannel());
            connections.add(request.getServletConnection().getConnectionId());
            String found = found(request, response);
            String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
            leaveThingsBehind(request, response);
            switch (path) {
                case "/sync" -> response.getWriter().print(found);
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(60_000);
                    async.start(() -> {
                        try {
                            async.getResponse().getWriter().print("async " + found);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                }
                case "/session" -> {
                    HttpSession session = request.getSession(true);
                    AtomicInteger count = (AtomicInteger) session.getAttribute("count");
                    if (count == null) {
                        count = new AtomicInteger();
                        session.setAttribute("count", count);
                    }
                    response.getWriter().print("session new=" + session.isNew() + " count=" + count.incrementAndGet()
                            + " " + found);
                }
                case "/fail" -> {
                    // Committed, then failed: Jetty fails the stream (a reset), its channel must not be reused.
                    response.setContentLength(1000);
                    response.getOutputStream().write(new byte[10]);
                    response.flushBuffer();
                    throw new ServletException("failing a committed response on purpose");
                }
                default -> response.sendError(404);
            }
        }

        /** What the request and response carry on arrival, in a form that does not depend on the connector. */
        private static String found(HttpServletRequest request, HttpServletResponse response) {
            List<String> attributes = new ArrayList<>();
            for (String name : Collections.list(request.getAttributeNames())) {
                if (name.startsWith("test.")) {
                    attributes.add(name);
                }
            }
            Collections.sort(attributes);
            return "attributes=" + attributes + " encoding=" + request.getCharacterEncoding() + " contentType="
                    + response.getContentType() + " header=" + response.getHeader("X-Left-Behind")
                    + " status=" + response.getStatus() + " asyncStarted=" + request.isAsyncStarted()
                    + " session=" + (request.getSession(false) != null);
        }

        private static void leaveThingsBehind(HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            request.setAttribute("test.left-behind", request.getRequestURI());
            request.setCharacterEncoding("ISO-8859-1");
            response.setHeader("X-Left-Behind", "yes");
            response.setContentType("text/plain;charset=utf-8");
        }
    }

    /** One run of rounds on one connector: every answer, sorted, and how many servlet channels served them. */
    record Run(List<String> answers, int servletChannels, int requests) {
        @Override
        public String toString() {
            return servletChannels + " servlet channels served " + requests + " requests";
        }
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void nothingLeaksFromOneStreamToTheNext(Client client) throws Exception {
        Run expected = run(ConnectorKind.JETTY, client);
        Run actual = run(ConnectorKind.CORRAL, client);
        assertEquals(expected.answers(), actual.answers(), client + ": answers on ServerConnector, then Corral");
        for (String answer : actual.answers()) {
            assertTrue(answer.contains("attributes=[] encoding=null contentType=null header=null status=200"
                    + " asyncStarted=false"), "a request found what an earlier one left: " + answer);
        }
        // Channels are reused on both: without reuse every stream would have a servlet channel of its own.
        int bound = 3 * CONCURRENCY;
        assertTrue(expected.servletChannels() <= bound, "ServerConnector: " + expected);
        assertTrue(actual.servletChannels() <= bound, "CorralConnector: " + actual);
    }

    /** The two HTTP/2 clients, both multiplexing every stream on one connection. */
    enum Client {
        JETTY_HTTP2_CLIENT, JDK_HTTP_CLIENT
    }

    private static Run run(ConnectorKind kind, Client client) throws Exception {
        LeakyServlet servlet = new LeakyServlet();
        try (ServletServer server = ServletServer.on(kind).h2c().servlet("/s/*", servlet).start()) {
            List<String> answers = new ArrayList<>();
            int requests = 0;
            try (Sender sender = client == Client.JETTY_HTTP2_CLIENT ? new JettySender() : new JdkSender()) {
                for (int round = 0; round < ROUNDS; round++) {
                    List<CompletableFuture<String>> pending = new ArrayList<>();
                    for (int i = 0; i < CONCURRENCY; i++) {
                        String path = i % 2 == 0 ? "/s/sync" : "/s/async";
                        pending.add(sender.get(server.uri(path + "?r=" + round)));
                    }
                    requests += CONCURRENCY;
                    for (CompletableFuture<String> answer : pending) {
                        answers.add(answer.get(60, TimeUnit.SECONDS));
                    }
                }
            }
            Collections.sort(answers);
            return new Run(answers, servlet.servletChannels.size(), requests);
        }
    }

    /**
     * A session (by cookie, which Jetty's client keeps) counts the requests of one client, whichever stream and
     * channel serves them; a client that sends no cookie starts a new session every time.
     */
    @Test
    void sessionsFollowTheCookieNotTheChannel() throws Exception {
        assertEquals(sessions(ConnectorKind.JETTY), sessions(ConnectorKind.CORRAL));
    }

    private static List<String> sessions(ConnectorKind kind) throws Exception {
        List<String> answers = new ArrayList<>();
        try (ServletServer server = ServletServer.on(kind).h2c().servlet("/s/*", new LeakyServlet()).start();
                JettySender withCookies = new JettySender(); JdkSender withoutCookies = new JdkSender()) {
            // One request first, so that the others carry its cookie; then streams at once, interleaved with
            // cookie-less streams of the other client on the same server.
            answers.add(withCookies.get(server.uri("/s/session")).get(60, TimeUnit.SECONDS));
            for (int round = 0; round < 4; round++) {
                List<CompletableFuture<String>> pending = new ArrayList<>();
                for (int i = 0; i < CONCURRENCY / 2; i++) {
                    pending.add(withoutCookies.get(server.uri("/s/session")));
                }
                // Sequential on the cookie client, so that the count is deterministic.
                for (int i = 0; i < 2; i++) {
                    answers.add(withCookies.get(server.uri("/s/session")).get(60, TimeUnit.SECONDS));
                }
                for (CompletableFuture<String> answer : pending) {
                    answers.add(answer.get(60, TimeUnit.SECONDS));
                }
            }
        }
        assertTrue(answers.contains("session new=false count=9 attributes=[] encoding=null contentType=null"
                + " header=null status=200 asyncStarted=false session=true"), kind + ": " + answers);
        Collections.sort(answers);
        return answers;
    }

    /**
     * A stream that fails (its response committed, then the servlet throws: Jetty resets the stream) is followed on
     * the same connection by streams that succeed and find nothing of it.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aFailedStreamLeavesNothingToTheNext(ConnectorKind kind) throws Exception {
        LeakyServlet servlet = new LeakyServlet();
        try (ServletServer server = ServletServer.on(kind).h2c().servlet("/s/*", servlet).start();
                JettySender sender = new JettySender()) {
            for (int round = 0; round < 4; round++) {
                List<CompletableFuture<String>> failing = new ArrayList<>();
                List<CompletableFuture<String>> good = new ArrayList<>();
                for (int i = 0; i < CONCURRENCY; i++) {
                    if (i % 4 == 0) {
                        failing.add(sender.get(server.uri("/s/fail")));
                    } else {
                        good.add(sender.get(server.uri(i % 2 == 0 ? "/s/sync" : "/s/async")));
                    }
                }
                for (CompletableFuture<String> failed : failing) {
                    ExecutionException thrown = assertThrows(ExecutionException.class,
                            () -> failed.get(60, TimeUnit.SECONDS), kind + ": a committed response that failed");
                    assertNotNull(thrown.getCause());
                }
                for (CompletableFuture<String> answer : good) {
                    String body = answer.get(60, TimeUnit.SECONDS);
                    assertTrue(body.endsWith("attributes=[] encoding=null contentType=null header=null status=200"
                            + " asyncStarted=false session=false"), kind + ": " + body);
                }
            }
            assertEquals(1, servlet.connections.size(), kind + ": all streams on one connection");
        }
    }

    /** Sends GETs, many at once, on one HTTP/2 connection; a future fails unless the answer is a 200. */
    private interface Sender extends AutoCloseable {
        CompletableFuture<String> get(java.net.URI uri);
    }

    /** Jetty's HTTP/2 client by prior knowledge, one connection, with its cookie store. */
    private static final class JettySender implements Sender {
        private final org.eclipse.jetty.client.HttpClient client;

        JettySender() throws Exception {
            client = OneConnectionH2cClient.start();
        }

        @Override
        public CompletableFuture<String> get(java.net.URI uri) {
            var request = client.newRequest(uri).timeout(60, TimeUnit.SECONDS);
            return new CompletableResponseListener(request).send().thenApply(response -> {
                if (response.getStatus() != 200) {
                    throw new IllegalStateException(response.getStatus() + " " + response.getContentAsString());
                }
                return response.getContentAsString();
            });
        }

        @Override
        public void close() throws Exception {
            client.stop();
        }
    }

    /** The JDK's client: h2c by Upgrade on its first request, then every stream on that connection; no cookies. */
    private static final class JdkSender implements Sender {
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private boolean first = true;

        @Override
        public CompletableFuture<String> get(java.net.URI uri) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build();
            CompletableFuture<String> answer = client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> {
                        if (response.statusCode() != 200 || response.version() != HttpClient.Version.HTTP_2) {
                            throw new IllegalStateException(response.statusCode() + " " + response.version() + " "
                                    + response.body());
                        }
                        return response.body();
                    });
            if (first) {
                // The upgrade happens on the first request alone; the others then multiplex on its connection.
                first = false;
                answer.join();
            }
            return answer;
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
