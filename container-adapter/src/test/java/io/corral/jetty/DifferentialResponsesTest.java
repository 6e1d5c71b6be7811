package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The differential proof in one table: the same client bytes go to a {@code ServerConnector} and to a
 * {@code CorralConnector} serving the same servlets, and what comes back must match — status, body, the
 * headers that matter, framing, and whether the connection stays open. Date is the only header ignored.
 */
class DifferentialResponsesTest {

    private static ServletServer jetty;
    private static ServletServer corral;

    /** Behaves according to its path, to cover a spread of servlet responses. */
    static final class BehaviourServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
            String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
            switch (path) {
                case "/echo" -> {
                    response.setContentType("text/plain;charset=utf-8");
                    byte[] body = request.getInputStream().readAllBytes();
                    response.getWriter().print(request.getMethod() + " " + request.getRequestURI() + "?"
                            + request.getQueryString() + " " + request.getProtocol() + " body=" + new String(body));
                }
                case "/no-content" -> response.setStatus(204);
                case "/not-modified" -> {
                    response.setStatus(304);
                    response.setHeader("ETag", "\"v1\"");
                }
                case "/redirect" -> response.sendRedirect("/elsewhere?x=1");
                case "/cookie" -> {
                    Cookie cookie = new Cookie("flavour", "oatmeal");
                    cookie.setPath("/");
                    cookie.setHttpOnly(true);
                    response.addCookie(cookie);
                    response.getWriter().print("cookie set");
                }
                case "/headers" -> {
                    TreeMap<String, List<String>> seen = new TreeMap<>();
                    for (String name : java.util.Collections.list(request.getHeaderNames())) {
                        seen.put(name.toLowerCase(Locale.ROOT), java.util.Collections.list(request.getHeaders(name)));
                    }
                    response.setHeader("Cache-Control", "no-store");
                    response.addHeader("X-Multi", "one");
                    response.addHeader("X-Multi", "two");
                    response.getWriter().print(seen);
                }
                case "/length-known" -> {
                    response.setContentLength(5);
                    response.getOutputStream().write("12345".getBytes());
                }
                case "/flushed" -> {
                    response.getWriter().print("first");
                    response.flushBuffer();
                    response.getWriter().print(" second");
                }
                case "/close" -> {
                    response.setHeader("Connection", "close");
                    response.getWriter().print("closing");
                }
                case "/big" -> {
                    response.setContentType("text/plain");
                    byte[] piece = "0123456789".repeat(100).getBytes();
                    for (int i = 0; i < 100; i++) {
                        response.getOutputStream().write(piece);
                    }
                }
                case "/ignore-body" -> response.getWriter().print("did not read the body");
                case "/error" -> response.sendError(409, "conflicting");
                case "/throw" -> throw new jakarta.servlet.ServletException("boom");
                default -> response.sendError(404);
            }
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = ServletServer.on(ConnectorKind.JETTY).servlet("/b/*", new BehaviourServlet()).start();
        corral = ServletServer.on(ConnectorKind.CORRAL).servlet("/b/*", new BehaviourServlet()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
        corral.close();
    }

    /** What must match between the two connectors. */
    record Observed(int status, String reason, String framing, TreeMap<String, List<String>> headers, String body,
            boolean connectionOpen) {
    }

    /**
     * The two deliberate differences, both in header fields that only describe framing: Corral's writer
     * always states {@code Connection: close} when it will close, also to an HTTP/1.0 client that did not
     * ask for keep-alive (Jetty leaves it implicit); and it answers HEAD without the
     * {@code Transfer-Encoding: chunked} a GET would have had (RFC 9110 §9.3.2 lets a server omit fields
     * only known while generating content). Whether the connection really closes is still compared. The same
     * {@code Connection: close} goes with a request-target Jetty cannot make a URI of: Jetty answers that one as
     * a bad message on a stream of its own making ({@code BAD /badMessage HTTP/1.0}), leaving the close implicit.
     */
    private static boolean framingOnly(String request, String name) {
        return name.equals("connection") && request.contains(" HTTP/1.0\r\n") && !request.contains("keep-alive")
                || name.equals("connection") && request.startsWith("GET /%2e%2e/")
                || name.equals("transfer-encoding") && request.startsWith("HEAD ");
    }

    private static Observed observe(ServletServer server, String request, boolean head) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send(request);
            RawResponse response = head ? client.readHead() : client.read();
            TreeMap<String, List<String>> headers = new TreeMap<>();
            for (RawResponse.Field field : response.headers()) {
                String name = field.name().toLowerCase(Locale.ROOT);
                if (!name.equals("date") && !framingOnly(request, name)) {
                    headers.computeIfAbsent(name, n -> new ArrayList<>()).add(field.value());
                }
            }
            String framing = response.chunked() ? "chunked"
                    : response.header("Content-Length") != null ? "length" : "none/close";
            String body = response.text().replace(":" + server.port(), ":PORT");
            boolean open = answersAnotherRequest(client);
            return new Observed(response.status(), response.reason(), framing, headers, body, open);
        }
    }

    /**
     * Whether the connection is still usable: a server that closes, or means to, never answers a second
     * request, so this tells open from closed without waiting for a timeout.
     */
    private static boolean answersAnotherRequest(RawConnection client) {
        try {
            client.send("GET /b/echo HTTP/1.1\r\nHost: h\r\n\r\n");
            return client.read().status() == 200;
        } catch (IOException closed) {
            return false;
        }
    }

    /** {@code <CR><LF>} stands for CRLF; requests keep the connection open unless they say otherwise. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        GET                          | GET /b/echo?a=1&b=%20 HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        POST with Content-Length     | POST /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF>Content-Length: 4<CR><LF><CR><LF>data
        POST chunked                 | POST /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF>Transfer-Encoding: chunked<CR><LF><CR><LF>2<CR><LF>da<CR><LF>2<CR><LF>ta<CR><LF>0<CR><LF><CR><LF>
        PUT empty                    | PUT /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF>Content-Length: 0<CR><LF><CR><LF>
        DELETE                       | DELETE /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        custom method                | BREW /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        encoded path                 | GET /b/%65cho HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        absolute-form                | GET http://h/b/echo HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        HTTP/1.0 closes              | GET /b/echo HTTP/1.0<CR><LF><CR><LF>
        HTTP/1.0 keep-alive          | GET /b/echo HTTP/1.0<CR><LF>Connection: keep-alive<CR><LF><CR><LF>
        Connection: close            | GET /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF>Connection: close<CR><LF><CR><LF>
        204                          | GET /b/no-content HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        304                          | GET /b/not-modified HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        redirect                     | GET /b/redirect HTTP/1.1<CR><LF>Host: h:8080<CR><LF><CR><LF>
        cookie                       | GET /b/cookie HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        request headers              | GET /b/headers HTTP/1.1<CR><LF>Host: h<CR><LF>Accept: a/b<CR><LF>X-Dup: 1<CR><LF>X-Dup: 2<CR><LF>Cookie: c=1<CR><LF><CR><LF>
        known length                 | GET /b/length-known HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        flushed early                | GET /b/flushed HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        servlet says close           | GET /b/close HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        sendError                    | GET /b/error HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        servlet throws               | GET /b/throw HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        no servlet                   | GET /nowhere HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        OPTIONS                      | OPTIONS /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        HEAD                         | HEAD /b/echo HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        HEAD of a streamed body      | HEAD /b/big HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        GET of a streamed body       | GET /b/big HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        small body left unread       | POST /b/ignore-body HTTP/1.1<CR><LF>Host: h<CR><LF>Content-Length: 4<CR><LF><CR><LF>data
        HTTP/1.0 body left unread    | POST /b/ignore-body HTTP/1.0<CR><LF>Connection: keep-alive<CR><LF>Content-Length: 4<CR><LF><CR><LF>data
        a target Jetty has no URI of | GET /%2e%2e/etc/passwd HTTP/1.1<CR><LF>Host: h<CR><LF><CR><LF>
        """)
    void sameBytesSameResponse(String name, String request) throws Exception {
        String wire = request.strip().replace("<CR>", "\r").replace("<LF>", "\n");
        boolean head = wire.startsWith("HEAD ");
        Observed expected = observe(jetty, wire, head);
        Observed actual = observe(corral, wire, head);
        assertEquals(expected, actual, name);
    }
}
