package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code HttpConfiguration} a user gives the connector is honoured the same way by both connectors:
 * Server and Date headers, persistent connections, request and response header size limits (both sides
 * of each limit) and URI compliance.
 */
class HttpConfigurationTest {

    static final class PathServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String big = request.getParameter("responseHeader");
            if (big != null) {
                response.setHeader("X-Big", "v".repeat(Integer.parseInt(big)));
            }
            response.getWriter().print("path=" + request.getPathInfo());
        }
    }

    private static RawResponse get(ServletServer server, String request) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send(request);
            return client.read();
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void serverAndDateHeadersFollowTheConfiguration(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> {
                    http.setSendServerVersion(true);
                    http.setSendDateHeader(false);
                }).start()) {
            RawResponse response = get(server, "GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("Jetty(" + Server.getVersion() + ")", response.header("Server"));
            assertNull(response.header("Date"));
            assertEquals(1, response.headers("Server").size());
        }
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet()).start()) {
            RawResponse response = get(server, "GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("Jetty(" + Server.getVersion() + ")", response.header("Server"));
            assertNotNull(response.header("Date"));
            assertEquals(1, response.headers("Date").size());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void persistentConnectionsCanBeTurnedOff(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> http.setPersistentConnectionsEnabled(false)).start();
             RawConnection client = server.connect()) {
            client.send("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse response = client.read();
            assertEquals("path=/x", response.text());
            assertTrue(response.saysClose(), response.toString());
            assertTrue(client.isClosedByServer(3000));
        }
    }

    @ParameterizedTest(name = "{0}: header of {1} bytes with a limit of 1024 → {2}")
    @CsvSource({
        "JETTY, 900, 200", "CORRAL, 900, 200",
        "JETTY, 2000, 431", "CORRAL, 2000, 431",
    })
    void requestHeaderSizeLimit(ConnectorKind kind, int headerBytes, int status) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> http.setRequestHeaderSize(1024)).start()) {
            RawResponse response = get(server, "GET /x HTTP/1.1\r\nHost: localhost\r\nX-Filler: "
                    + "f".repeat(headerBytes) + "\r\n\r\n");
            assertEquals(status, response.status(), response.toString());
        }
    }

    @ParameterizedTest(name = "{0}: target of {1} bytes with a limit of 1024 → {2}")
    @CsvSource({
        "JETTY, 900, 200", "CORRAL, 900, 200",
        "JETTY, 2000, 414", "CORRAL, 2000, 414",
    })
    void requestTargetLengthLimit(ConnectorKind kind, int targetBytes, int status) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> http.setRequestHeaderSize(1024)).start()) {
            RawResponse response = get(server, "GET /" + "t".repeat(targetBytes) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(status, response.status());
        }
    }

    @ParameterizedTest(name = "{0}: response header of {1} bytes with a limit of 1024 → {2}")
    @CsvSource({
        "JETTY, 800, 200", "CORRAL, 800, 200",
        "JETTY, 2000, 500", "CORRAL, 2000, 500",
    })
    void responseHeaderSizeLimit(ConnectorKind kind, int headerBytes, int status) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> {
                    http.setResponseHeaderSize(1024);
                    http.setMaxResponseHeaderSize(1024);
                }).start()) {
            RawResponse response = get(server, "GET /x?responseHeader=" + headerBytes + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals(status, response.status(), response.toString());
            assertFalse(status == 500 && response.header("X-Big") != null);
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void uriComplianceIsJettys(ConnectorKind kind) throws Exception {
        String ambiguous = "GET /a/%2e%2e/b HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet()).start()) {
            assertEquals(400, get(server, ambiguous).status());
        }
        try (ServletServer server = ServletServer.on(kind).servlet("/*", new PathServlet())
                .http(http -> http.setUriCompliance(UriCompliance.UNSAFE))
                .context(context -> context.getServletHandler().setDecodeAmbiguousURIs(true)).start()) {
            RawResponse response = get(server, ambiguous);
            assertEquals(200, response.status(), response.toString());
        }
    }
}
