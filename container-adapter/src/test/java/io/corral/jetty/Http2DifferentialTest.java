package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same servlets over HTTP/2 cleartext on {@code ServerConnector} (Jetty's own {@code HTTP2CServerConnectionFactory})
 * and on {@code CorralConnector} (Corral's own HTTP/2, configured by the same factory), asked the same by two
 * clients: Jetty's {@code HTTP2Client} by prior knowledge, and the JDK's {@code HttpClient}, which asks for h2c with
 * {@code Upgrade} on its first request. Status, headers (Date aside), body and trailers must match.
 */
class Http2DifferentialTest {

    private static ServletServer jetty;
    private static ServletServer corral;
    private static org.eclipse.jetty.client.HttpClient priorKnowledge;

    private static volatile CountDownLatch slowEntered = new CountDownLatch(1);
    private static volatile CountDownLatch slowRelease = new CountDownLatch(1);

    /** Behaves according to its path; answers describe what the servlet saw of the request. */
    static final class Http2Servlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
            switch (path) {
                case "/echo" -> {
                    response.setContentType("text/plain;charset=utf-8");
                    byte[] body = request.getInputStream().readAllBytes();
                    response.getWriter().print(request.getMethod() + " " + request.getRequestURI() + "?"
                            + request.getQueryString() + " " + request.getProtocol() + " " + request.getScheme()
                            + "://" + request.getServerName() + ":" + request.getServerPort() + " secure="
                            + request.isSecure() + " length=" + request.getContentLengthLong() + " body="
                            + new String(body));
                }
                case "/headers" -> {
                    TreeMap<String, List<String>> seen = new TreeMap<>();
                    for (String name : Collections.list(request.getHeaderNames())) {
                        String lower = name.toLowerCase(Locale.ROOT);
                        if (!lower.equals("user-agent")) {
                            seen.put(lower, Collections.list(request.getHeaders(name)));
                        }
                    }
                    response.setHeader("Cache-Control", "no-store");
                    response.addHeader("X-Multi", "one");
                    response.addHeader("X-Multi", "two");
                    // Hop-by-hop fields a servlet sets: no HTTP/2 response may carry them (RFC 9113 §8.2.2).
                    response.setHeader("Keep-Alive", "timeout=5");
                    response.getWriter().print(seen);
                }
                case "/sum" -> {
                    // A large upload, read whole: only flow control lets it through.
                    CRC32 crc = new CRC32();
                    long length = 0;
                    byte[] buffer = new byte[8192];
                    try (InputStream in = request.getInputStream()) {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            crc.update(buffer, 0, n);
                            length += n;
                        }
                    }
                    response.getWriter().print(length + " " + Long.toHexString(crc.getValue()));
                }
                case "/big" -> {
                    response.setContentType("application/octet-stream");
                    int size = Integer.parseInt(request.getParameter("size"));
                    byte[] piece = new byte[4096];
                    for (int i = 0; i < piece.length; i++) {
                        piece[i] = (byte) ('a' + i % 26);
                    }
                    for (int written = 0; written < size; written += piece.length) {
                        response.getOutputStream().write(piece, 0, Math.min(piece.length, size - written));
                    }
                }
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            async.getResponse().getWriter().print("async " + request.getProtocol());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                }
                case "/trailers" -> {
                    response.setTrailerFields(() -> Map.of("x-checksum", "c0ffee"));
                    response.getWriter().print("body before trailers");
                    response.flushBuffer();
                    response.getWriter().print(", more");
                }
                case "/slow" -> {
                    slowEntered.countDown();
                    try {
                        if (!slowRelease.await(60, TimeUnit.SECONDS)) {
                            throw new ServletException("never released");
                        }
                    } catch (InterruptedException e) {
                        throw new ServletException(e);
                    }
                    response.getWriter().print(request.getServletConnection().getConnectionId());
                }
                case "/request-trailers" -> {
                    byte[] body = request.getInputStream().readAllBytes();
                    response.getWriter().print(body.length + " bytes, trailers " + new TreeMap<>(request.getTrailerFields()));
                }
                case "/connection" -> response.getWriter().print(request.getServletConnection().getConnectionId());
                case "/no-content" -> response.setStatus(204);
                case "/redirect" -> response.sendRedirect("/elsewhere?x=1");
                case "/error" -> response.sendError(409, "conflicting");
                case "/throw" -> throw new ServletException("boom");
                default -> response.sendError(404);
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        // HttpConfiguration's customizers apply over HTTP/2 as over HTTP/1.1: Forwarded headers (RFC 7239) here.
        jetty = ServletServer.on(ConnectorKind.JETTY).h2c().http(http -> http.addCustomizer(new ForwardedRequestCustomizer()))
                .servlet("/s/*", new Http2Servlet()).start();
        corral = ServletServer.on(ConnectorKind.CORRAL).h2c().http(http -> http.addCustomizer(new ForwardedRequestCustomizer()))
                .servlet("/s/*", new Http2Servlet()).start();
        priorKnowledge = new org.eclipse.jetty.client.HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        priorKnowledge.start();
    }

    @AfterAll
    static void stop() throws Exception {
        priorKnowledge.stop();
        jetty.close();
        corral.close();
    }

    /** What must match between the two connectors. */
    record Observed(String version, int status, TreeMap<String, List<String>> headers, String body,
            TreeMap<String, List<String>> trailers) {

        /**
         * ServerConnector's answer as Corral gives it, the one difference on purpose (README): over HTTP/2 Jetty
         * sends {@code content-length: 0} on a 204 (some of the time, by timing), which RFC 9110 §8.6 forbids ("A server MUST NOT send a
         * Content-Length header field in any response with a status code of ... 204"); Corral sends none, as
         * both connectors do over HTTP/1.1.
         */
        Observed asCorralAnswers() {
            if (status != 204 || !headers.containsKey("content-length")) {
                return this;
            }
            assertEquals(List.of("0"), headers.get("content-length"), "ServerConnector's 204");
            TreeMap<String, List<String>> without = new TreeMap<>(headers);
            without.remove("content-length");
            return new Observed(version, status, without, body, trailers);
        }

        /** What Jetty's client got from the server on {@code port} (the port written PORT, the Date left out). */
        static Observed of(ContentResponse response, int port) {
            return new Observed(response.getVersion().asString(), response.getStatus(),
                    comparable(response.getHeaders(), port),
                    response.getContentAsString().replace(":" + port, ":PORT"),
                    comparable(response.getTrailers(), port));
        }

        /** What the JDK's client got from the server on {@code port} (the port written PORT, the Date left out). */
        static Observed of(HttpResponse<String> response, int port) {
            TreeMap<String, List<String>> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> {
                if (!name.equals("date") && !name.equals(":status")) {
                    headers.put(name, values.stream().map(v -> v.replace(":" + port, ":PORT")).toList());
                }
            });
            String version = response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2.0" : "HTTP/1.1";
            return new Observed(version, response.statusCode(), headers,
                    response.body().replace(":" + port, ":PORT"), new TreeMap<>());
        }

        private static TreeMap<String, List<String>> comparable(HttpFields fields, int port) {
            TreeMap<String, List<String>> headers = new TreeMap<>();
            if (fields != null) {
                for (HttpField field : fields) {
                    String name = field.getLowerCaseName();
                    if (!name.equals("date")) {
                        headers.computeIfAbsent(name, n -> new ArrayList<>())
                                .add(field.getValue().replace(":" + port, ":PORT"));
                    }
                }
            }
            return headers;
        }
    }

    private static Observed overJettyClient(ServletServer server, String method, String pathAndQuery, byte[] body)
            throws Exception {
        return overJettyClient(server, method, pathAndQuery, body, request -> { });
    }

    private static Observed overJettyClient(ServletServer server, String method, String pathAndQuery, byte[] body,
            Consumer<Request> setup) throws Exception {
        return ObservedRequests.overJettyClient(priorKnowledge, server, server.uri(pathAndQuery), method, body, setup);
    }

    private static Observed overJdkClient(ServletServer server, String method, String pathAndQuery, byte[] body)
            throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            return overJdkClient(client, server, method, pathAndQuery, body);
        }
    }

    private static Observed overJdkClient(HttpClient client, ServletServer server, String method, String pathAndQuery,
            byte[] body) throws Exception {
        return ObservedRequests.overJdkClient(client, server, server.uri(pathAndQuery), method, body);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        GET    | /s/echo?a=1&b=%20
        POST   | /s/echo
        PUT    | /s/echo
        DELETE | /s/echo
        GET    | /s/headers
        GET    | /s/big?size=1500000
        GET    | /s/async
        GET    | /s/trailers
        GET    | /s/no-content
        GET    | /s/redirect
        GET    | /s/error
        GET    | /s/throw
        GET    | /nowhere
        HEAD   | /s/echo
        OPTIONS| /s/echo
        """)
    void sameRequestSameResponseOverJettyHttp2Client(String method, String target) throws Exception {
        byte[] body = method.equals("POST") || method.equals("PUT") ? "data".getBytes() : null;
        Observed expected = overJettyClient(jetty, method, target, body).asCorralAnswers();
        Observed actual = overJettyClient(corral, method, target, body);
        assertEquals("HTTP/2.0", expected.version());
        if (actual.status() == 204) {
            assertFalse(actual.headers().containsKey("content-length"), "no content-length on a 204: " + actual);
        }
        assertEquals(expected, actual, method + " " + target);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
        GET    | /s/echo?a=1&b=%20
        POST   | /s/echo
        GET    | /s/headers
        GET    | /s/async
        GET    | /s/error
        GET    | /s/throw
        """)
    void sameRequestSameResponseOverJdkClientUpgrade(String method, String target) throws Exception {
        byte[] body = method.equals("POST") ? "data".getBytes() : null;
        Observed expected = withoutUpgradeFields(overJdkClient(jetty, method, target, body));
        Observed actual = overJdkClient(corral, method, target, body);
        assertEquals(expected, actual, method + " " + target);
    }

    /**
     * A 1.5 MB response on a connection the JDK client upgraded to h2c, once the upgrade is done: its first request
     * asks for h2c, its second (the large one) goes on the connection as HTTP/2.
     *
     * <p>Not as the answer to the upgrade request itself: the JDK's client (25.0.3) now and then loses its place in
     * the frames that follow a 101 when a large response comes at once on stream 1, against ServerConnector as against
     * Corral (3 and 4 runs in 40 under load, on either connector): after the HEADERS and the first 16,384-octet DATA
     * frame it reads a frame header inside the body ("Frame type(122) length(7829625) exceeds MAX_FRAME_SIZE": the
     * octets "wxyz" of the body), at the same octet on both connectors, whose frame writers share no code. Jetty's
     * prior-knowledge client, which fetches the same 1.5 MB in {@link #sameRequestSameResponseOverJettyHttp2Client},
     * never showed it. Here 0 runs in 40 failed.
     */
    @Test
    void aLargeResponseOnAnUpgradedConnectionIsTheSame() throws Exception {
        Map<ConnectorKind, Observed> seen = new java.util.EnumMap<>(ConnectorKind.class);
        for (ServletServer server : List.of(jetty, corral)) {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                    .connectTimeout(Duration.ofSeconds(10)).build()) {
                Observed upgrade = overJdkClient(client, server, "GET", "/s/connection", null);
                assertEquals("HTTP/2.0", upgrade.version(), server.kind() + ": the upgrade");
                seen.put(server.kind(), overJdkClient(client, server, "GET", "/s/big?size=1500000", null));
                Observed again = overJdkClient(client, server, "GET", "/s/connection", null);
                assertEquals(upgrade.body(), again.body(), server.kind() + ": one connection throughout");
            }
        }
        assertEquals(1_500_000, seen.get(ConnectorKind.JETTY).body().length());
        assertEquals(seen.get(ConnectorKind.JETTY), seen.get(ConnectorKind.CORRAL));
    }

    /**
     * A difference on purpose (README): Jetty hands the servlet the request that asked for h2c as it came,
     * its {@code Connection}, {@code Upgrade} and {@code HTTP2-Settings} fields included, though the request is
     * HTTP/2's stream 1 by then and HTTP/2 has no such fields (RFC 9113 §8.2.2); Corral drops them.
     */
    private static Observed withoutUpgradeFields(Observed observed) {
        String body = observed.body().replaceAll("connection=\\[[^]]*], ", "")
                .replaceAll("http2-settings=\\[[^]]*], ", "").replaceAll(", upgrade=\\[h2c]", "");
        TreeMap<String, List<String>> headers = new TreeMap<>(observed.headers());
        int removed = observed.body().length() - body.length();
        if (removed > 0) {
            int length = Integer.parseInt(headers.get("content-length").getFirst());
            headers.put("content-length", List.of(Integer.toString(length - removed)));
        }
        return new Observed(observed.version(), observed.status(), headers, body, observed.trailers());
    }

    /** A customizer of the HttpConfiguration sees HTTP/2 requests: Forwarded changes scheme, host and port. */
    @Test
    void customizersApply() throws Exception {
        Observed expected = overJettyClient(jetty, "GET", "/s/echo", null,
                request -> request.headers(h -> h.put("Forwarded", "for=192.0.2.60;proto=https;host=example.com")));
        assertTrue(expected.body().contains("https://example.com:"), expected.body());
        assertEquals(expected, overJettyClient(corral, "GET", "/s/echo", null,
                request -> request.headers(h -> h.put("Forwarded", "for=192.0.2.60;proto=https;host=example.com"))));
    }

    /** Trailers a client sends after the body (a HEADERS frame ending the stream) reach the servlet. */
    @Test
    void requestTrailersReachTheServlet() throws Exception {
        Consumer<Request> withTrailers = request -> request
                .body(new StringRequestContent("seven b"))
                .trailersSupplier(() -> HttpFields.build().put("x-digest", "abc"));
        Observed expected = overJettyClient(jetty, "POST", "/s/request-trailers", null, withTrailers);
        assertTrue(expected.body().contains("x-digest=abc"), expected.body());
        assertEquals(expected, overJettyClient(corral, "POST", "/s/request-trailers", null, withTrailers));
    }

    /**
     * A servlet that throws gets a 500 on its own stream; the connection and the streams beside it carry on (Jetty's
     * HTTP2Client keeps one connection per server, so all of these share it).
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void aFailingServletFailsItsStreamOnly(ConnectorKind kind) throws Exception {
        ServletServer server = kind == ConnectorKind.JETTY ? jetty : corral;
        org.eclipse.jetty.client.HttpClient oneConnection = OneConnectionH2cClient.start();
        List<CompletableFuture<ContentResponse>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(send(oneConnection.newRequest(server.uri(i % 4 == 0 ? "/s/throw" : "/s/connection"))));
        }
        Set<String> connections = new HashSet<>();
        for (int i = 0; i < responses.size(); i++) {
            ContentResponse response = responses.get(i).get(60, TimeUnit.SECONDS);
            assertEquals(i % 4 == 0 ? 500 : 200, response.getStatus(), "stream " + i);
            if (i % 4 != 0) {
                connections.add(response.getContentAsString());
            }
        }
        assertEquals(1, connections.size(), "one connection throughout: " + connections);
        oneConnection.stop();
    }

    /** A 4 MiB upload needs the server to reopen the stream and connection windows again and again. */
    @Test
    void largeUploadPassesFlowControl() throws Exception {
        byte[] body = ObservedRequests.patternedBody(4 * 1024 * 1024 + 17);
        Observed expected = overJettyClient(jetty, "POST", "/s/sum", body);
        Observed actual = overJettyClient(corral, "POST", "/s/sum", body);
        assertTrue(expected.body().startsWith(body.length + " "), expected.body());
        assertEquals(expected, actual);
    }

    /**
     * 50 concurrent streams on one connection: while one servlet blocks, the 49 others are answered, each on a stream
     * of the same connection (Cowboy's process per request: one slow stream never holds the others).
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void oneSlowStreamDoesNotHoldFortyNineOthers(ConnectorKind kind) throws Exception {
        ServletServer server = kind == ConnectorKind.JETTY ? jetty : corral;
        slowEntered = new CountDownLatch(1);
        slowRelease = new CountDownLatch(1);
        org.eclipse.jetty.client.HttpClient oneConnection = OneConnectionH2cClient.start();
        try {
            CompletableFuture<ContentResponse> slow = send(oneConnection.newRequest(server.uri("/s/slow")));
            assertTrue(slowEntered.await(30, TimeUnit.SECONDS), "the slow servlet started");
            List<CompletableFuture<ContentResponse>> fast = new ArrayList<>();
            for (int i = 0; i < 49; i++) {
                fast.add(send(oneConnection.newRequest(server.uri("/s/connection"))));
            }
            CompletableFuture.allOf(fast.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertFalse(slow.isDone(), "the slow stream is still in its servlet");
            Set<String> connections = new HashSet<>();
            for (CompletableFuture<ContentResponse> response : fast) {
                assertEquals(200, response.get().getStatus());
                assertEquals(HttpVersion.HTTP_2, response.get().getVersion());
                connections.add(response.get().getContentAsString());
            }
            slowRelease.countDown();
            ContentResponse slowResponse = slow.get(30, TimeUnit.SECONDS);
            assertEquals(200, slowResponse.getStatus());
            connections.add(slowResponse.getContentAsString());
            assertEquals(1, connections.size(), "all 50 streams on one connection: " + connections);
        } finally {
            slowRelease.countDown();
            oneConnection.stop();
        }
    }

    private static CompletableFuture<ContentResponse> send(Request request) {
        return new CompletableResponseListener(request.timeout(90, TimeUnit.SECONDS)).send();
    }

    /** The same servlet over HTTP/1.1 and HTTP/2 on Corral sees the same request, but for the protocol's name. */
    @Test
    void http1AndHttp2LookTheSameToTheServlet() throws Exception {
        org.eclipse.jetty.client.HttpClient http1 = new org.eclipse.jetty.client.HttpClient();
        http1.start();
        try {
            for (String target : List.of("/s/echo?a=1", "/s/headers")) {
                ContentResponse overHttp1 = http1.newRequest(corral.uri(target)).version(HttpVersion.HTTP_1_1)
                        .headers(h -> h.remove("accept-encoding")).send();
                ContentResponse overHttp2 = priorKnowledge.newRequest(corral.uri(target))
                        .headers(h -> h.remove("accept-encoding")).send();
                assertEquals(HttpVersion.HTTP_2, overHttp2.getVersion());
                // HTTP/2 names the authority in :authority, not Host: the servlet sees no Host header there, on
                // ServerConnector too (sameRequestSameResponseOverJettyHttp2Client compares that).
                assertEquals(overHttp1.getContentAsString().replace("HTTP/1.1", "HTTP/2.0")
                                .replaceAll("host=\\[[^]]*]", ""),
                        overHttp2.getContentAsString(), target);
                assertFalse(overHttp2.getHeaders().contains("connection"), target);
            }
        } finally {
            http1.stop();
        }
    }
}
