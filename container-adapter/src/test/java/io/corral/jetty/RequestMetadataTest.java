package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a servlet learns about the connection and the request line: addresses and ports, server name,
 * scheme, {@code isSecure}, URL reconstruction, absolute-form targets, HTTP/1.0, and what
 * {@link ForwardedRequestCustomizer} makes of proxy headers — identical on both connectors.
 */
class RequestMetadataTest {

    static final class DescribeServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print(String.join("\n",
                    "remote=" + request.getRemoteAddr() + ":" + (request.getRemotePort() > 0 ? "port" : "none"),
                    "local=" + request.getLocalAddr() + ":" + request.getLocalPort(),
                    "server=" + request.getServerName() + ":" + request.getServerPort(),
                    "scheme=" + request.getScheme() + " secure=" + request.isSecure(),
                    "protocol=" + request.getProtocol(),
                    "method=" + request.getMethod(),
                    "uri=" + request.getRequestURI() + " query=" + request.getQueryString()
                            + " path=" + request.getPathInfo(),
                    "url=" + request.getRequestURL()));
        }
    }

    private static ServletServer start(ConnectorKind kind, boolean forwarded) throws Exception {
        return ServletServer.on(kind)
                .http(http -> {
                    if (forwarded) {
                        http.addCustomizer(new ForwardedRequestCustomizer());
                    }
                })
                .servlet("/describe/*", new DescribeServlet())
                .start();
    }

    private static String describe(ServletServer server, String request) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send(request);
            RawResponse response = client.read();
            assertEquals(200, response.status(), response.toString());
            return response.text();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void connectionAndRequestLine(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, false)) {
            int port = server.port();
            String description = describe(server, "GET /describe/a%20b?x=1&y=%20 HTTP/1.1\r\nHost: example.test:" + port + "\r\n\r\n");
            assertEquals(String.join("\n",
                    "remote=127.0.0.1:port",
                    "local=127.0.0.1:" + port,
                    "server=example.test:" + port,
                    "scheme=http secure=false",
                    "protocol=HTTP/1.1",
                    "method=GET",
                    "uri=/describe/a%20b query=x=1&y=%20 path=/a b",
                    "url=http://example.test:" + port + "/describe/a%20b"), description);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void absoluteFormTargetAndHttp10WithoutHost(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, false)) {
            String absolute = describe(server, "GET http://example.test/describe/x HTTP/1.1\r\nHost: example.test\r\n\r\n");
            assertEquals("server=example.test:80", absolute.lines().filter(l -> l.startsWith("server=")).findFirst().orElseThrow());
            assertEquals("url=http://example.test/describe/x", absolute.lines().filter(l -> l.startsWith("url=")).findFirst().orElseThrow());

            String http10 = describe(server, "GET /describe/old HTTP/1.0\r\n\r\n");
            assertEquals("protocol=HTTP/1.0", http10.lines().filter(l -> l.startsWith("protocol=")).findFirst().orElseThrow());
            assertEquals("server=127.0.0.1:" + server.port(), http10.lines().filter(l -> l.startsWith("server=")).findFirst().orElseThrow());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void forwardedHeadersThroughTheCustomizer(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, true)) {
            String description = describe(server, "GET /describe/f HTTP/1.1\r\nHost: internal\r\n"
                    + "Forwarded: for=192.0.2.60;proto=https;host=shop.example\r\n\r\n");
            assertEquals(String.join("\n",
                    "remote=192.0.2.60:port",
                    "local=127.0.0.1:" + server.port(),
                    "server=shop.example:443",
                    "scheme=https secure=true",
                    "protocol=HTTP/1.1",
                    "method=GET",
                    "uri=/describe/f query=null path=/f",
                    "url=https://shop.example/describe/f"), description);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void missingHostOnHttp11IsRefused(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, false); RawConnection client = server.connect()) {
            client.send("GET /describe/x HTTP/1.1\r\n\r\n");
            assertEquals(400, client.read().status());
        }
    }

    /**
     * Requests on one keep-alive connection naming the same authority, then others, then the first again (Corral
     * reuses the connection's last parsed Host field): each request sees its own server name and port, and a bad
     * Host after good ones is refused as it would be first.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void eachRequestOfAConnectionSeesItsOwnHost(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind, false); RawConnection client = server.connect()) {
            List<String> servers = new ArrayList<>();
            for (String host : List.of("a.test:81", "a.test:81", "b.test", "[::1]:8443", "a.test:81", "a.test")) {
                client.send("GET /describe/h HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
                RawResponse response = client.read();
                assertEquals(200, response.status(), host + ": " + response);
                servers.add(response.text().lines().filter(l -> l.startsWith("server=")).findFirst().orElseThrow());
            }
            assertEquals(List.of("server=a.test:81", "server=a.test:81", "server=b.test:80", "server=[::1]:8443",
                    "server=a.test:81", "server=a.test:80"), servers);
            client.send("GET /describe/h HTTP/1.1\r\nHost: a.test:8x1\r\n\r\n");
            assertEquals(400, client.read().status());
        }
    }

    /** Answers with the request's header fields as the servlet sees them, in order, Host aside. */
    static final class HeadersServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            List<String> seen = new ArrayList<>();
            for (String name : java.util.Collections.list(request.getHeaderNames())) {
                if (!name.equalsIgnoreCase("host")) {
                    seen.add(name + "=" + java.util.Collections.list(request.getHeaders(name)));
                }
            }
            response.getWriter().print(seen + " length=" + request.getContentLengthLong());
        }
    }

    /**
     * Requests on one keep-alive connection repeating fields of the one before, changing one value, reordering,
     * dropping and adding fields (Corral reuses the connection's last request's fields where they repeat): each
     * request's servlet sees its own fields, exactly.
     */
    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void eachRequestOfAConnectionSeesItsOwnFields(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/headers", new HeadersServlet()).start();
                RawConnection client = server.connect()) {
            List<String> requests = List.of(
                    "X-A: 1\r\nX-B: 2\r\n",
                    "X-A: 1\r\nX-B: 2\r\n",
                    "X-A: 1\r\nX-B: 3\r\n",
                    "X-B: 2\r\nX-A: 1\r\n",
                    "X-A: 1\r\n",
                    "X-A: 1\r\nContent-Length: 2\r\nX-C: x\r\n",
                    "X-A: 1\r\nX-B: 2\r\nX-C: x\r\n",
                    "x-a: 1\r\nX-B: 2\r\nX-C: x\r\n");
            List<String> seen = new ArrayList<>();
            for (String fields : requests) {
                String body = fields.contains("Content-Length") ? "ab" : "";
                client.send("POST /headers HTTP/1.1\r\nHost: a.test\r\n" + fields + "\r\n" + body);
                RawResponse response = client.read();
                assertEquals(200, response.status(), fields + ": " + response);
                seen.add(response.text());
            }
            assertEquals(List.of(
                    "[X-A=[1], X-B=[2]] length=-1",
                    "[X-A=[1], X-B=[2]] length=-1",
                    "[X-A=[1], X-B=[3]] length=-1",
                    "[X-B=[2], X-A=[1]] length=-1",
                    "[X-A=[1]] length=-1",
                    "[X-A=[1], Content-Length=[2], X-C=[x]] length=2",
                    "[X-A=[1], X-B=[2], X-C=[x]] length=-1",
                    "[x-a=[1], X-B=[2], X-C=[x]] length=-1"), seen);
        }
    }

    static final class ThreadNameServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print(Thread.currentThread().getName());
        }
    }

    /**
     * Log lines written on a request thread (Jetty's show the thread name) say which connection they
     * concern: Corral names each request thread after its connection, its id and the client's address.
     */
    @org.junit.jupiter.api.Test
    void requestThreadsAreNamedAfterTheirConnection() throws Exception {
        try (ServletServer server = ServletServer.on(ConnectorKind.CORRAL).servlet("/name", new ThreadNameServlet()).start();
             RawConnection client = server.connect()) {
            String expected = " 127.0.0.1:" + client.socket().getLocalPort();
            client.send("GET /name HTTP/1.1\r\nHost: a\r\n\r\n");
            String first = client.read().text();
            client.send("GET /name HTTP/1.1\r\nHost: a\r\n\r\n");
            String second = client.read().text();
            assertTrue(first.matches("corral#\\d+" + java.util.regex.Pattern.quote(expected)), first);
            assertEquals(first, second, "every request of a connection carries the connection's name");
        }
    }
}
