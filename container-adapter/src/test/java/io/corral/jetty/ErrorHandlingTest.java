package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code sendError}, error pages, unknown paths and servlets that throw — before and after the response
 * is committed. Jetty's error handling renders these on both connectors; the connector must carry the
 * result (or cut the connection when the response can no longer be replaced) exactly as Jetty's does.
 */
class ErrorHandlingTest {

    static final class ErrorServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            switch (request.getPathInfo()) {
                case "/send-error" -> response.sendError(503, "Come back later");
                case "/teapot" -> response.sendError(418);
                case "/runtime" -> throw new IllegalStateException("servlet exploded");
                case "/servlet-exception" -> throw new ServletException("servlet refused");
                case "/io" -> throw new IOException("servlet i/o failed");
                case "/after-commit" -> {
                    OutputStream out = response.getOutputStream();
                    out.write("partial".getBytes(StandardCharsets.US_ASCII));
                    response.flushBuffer();
                    throw new IllegalStateException("too late to say so");
                }
                default -> response.getWriter().print("fine");
            }
        }
    }

    /** The error page the context maps 503 to. */
    static final class ErrorPageServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("error page for " + request.getAttribute("jakarta.servlet.error.status_code")
                    + ": " + request.getAttribute("jakarta.servlet.error.message"));
        }
    }

    private static ServletServer start(ConnectorKind kind) throws Exception {
        return ServletServer.on(kind)
                .servlet("/fail/*", new ErrorServlet())
                .servlet("/error-page", new ErrorPageServlet())
                .context(context -> {
                    ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
                    errors.addErrorPage(503, "/error-page");
                    context.setErrorHandler(errors);
                })
                .start();
    }

    private static RawResponse get(ServletServer server, String path) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            return client.read();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void sendErrorGoesThroughTheMappedErrorPage(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind)) {
            RawResponse response = get(server, "/fail/send-error");
            assertEquals(503, response.status());
            assertEquals("error page for 503: Come back later", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void sendErrorWithoutAPageGetsJettysDefaultPage(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind)) {
            RawResponse response = get(server, "/fail/teapot");
            assertEquals(418, response.status());
            assertTrue(response.header("Content-Type").startsWith("text/html"), response.toString());
            assertTrue(response.text().contains("<h2>HTTP ERROR 418 I&apos;m a Teapot</h2>"), response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void unknownPathIs404(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/only", new ErrorPageServlet()).start()) {
            assertEquals(404, get(server, "/nothing-here").status());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void thrownExceptionsBecome500AndTheConnectionSurvives(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            for (String path : new String[] {"/fail/runtime", "/fail/servlet-exception", "/fail/io"}) {
                client.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                RawResponse response = client.read();
                assertEquals(500, response.status(), path);
                assertTrue(response.text().contains("HTTP ERROR 500"), response.text());
            }
            client.send("GET /fail/ok HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("fine", client.read().text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void exceptionAfterCommitCutsTheResponseShort(ConnectorKind kind) throws Exception {
        try (ServletServer server = start(kind); RawConnection client = server.connect()) {
            client.send("GET /fail/after-commit HTTP/1.1\r\nHost: localhost\r\n\r\n");
            byte[] wire = client.readToEnd();
            String text = new String(wire, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("HTTP/1.1 200 OK\r\n"), text);
            assertTrue(text.contains("Transfer-Encoding: chunked"), text);
            assertTrue(text.contains("partial"), text);
            // The chunked body never ends: the client can tell the response is incomplete.
            assertTrue(!text.endsWith("0\r\n\r\n"), text);
        }
    }
}
