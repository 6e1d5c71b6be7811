package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Servlet features that lean on the connector in less obvious ways: session cookies, multipart uploads,
 * HEAD, response trailers and request/response character encodings.
 */
class ServletFeaturesTest {

    /** Counts visits in the session. */
    static final class SessionServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpSession session = request.getSession(true);
            Integer visits = (Integer) session.getAttribute("visits");
            visits = visits == null ? 1 : visits + 1;
            session.setAttribute("visits", visits);
            response.getWriter().print(session.getId() + " " + visits);
        }
    }

    /** Lists the parts it received: name=size/filename. */
    static final class MultipartServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
            Map<String, String> parts = new TreeMap<>();
            for (Part part : request.getParts()) {
                byte[] content;
                try (InputStream in = part.getInputStream()) {
                    content = in.readAllBytes();
                }
                parts.put(part.getName(), content.length + "/" + part.getSubmittedFileName() + "/"
                        + (content.length < 40 ? new String(content, StandardCharsets.UTF_8) : "..."));
            }
            response.getWriter().print(parts);
        }
    }

    /** A body of fixed content with its length set, for GET vs HEAD. */
    static final class FixedServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain;charset=utf-8");
            response.setHeader("X-Custom", "kept");
            response.getWriter().print("twelve bytes");
        }
    }

    /** Sends trailer fields after a streamed body. */
    static final class TrailerServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setTrailerFields(() -> Map.of("x-digest", "abc123"));
            response.getOutputStream().write("body with trailers".getBytes(StandardCharsets.US_ASCII));
            response.flushBuffer();
        }
    }

    /** Reports request encoding and parameter as decoded, and answers in ISO-8859-1. */
    static final class EncodingServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String requestEncoding = request.getCharacterEncoding();
            request.setAttribute("seen", "yes");
            String name = request.getParameter("name");
            response.setContentType("text/plain");
            response.setCharacterEncoding("ISO-8859-1");
            response.getWriter().print(requestEncoding + "|" + name + "|" + request.getAttribute("seen")
                    + "|" + response.getCharacterEncoding());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void sessionCookieIsIssuedAndHonoured(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/session", new SessionServlet()).start();
             RawConnection client = server.connect()) {
            client.send("GET /session HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse first = client.read();
            String cookie = first.header("Set-Cookie");
            assertNotNull(cookie, first.toString());
            assertTrue(cookie.startsWith("JSESSIONID="), cookie);
            String sessionId = first.text().split(" ")[0];
            assertEquals(sessionId + " 1", first.text());

            String pair = cookie.substring(0, cookie.indexOf(';'));
            client.send("GET /session HTTP/1.1\r\nHost: localhost\r\nCookie: " + pair + "\r\n\r\n");
            RawResponse second = client.read();
            assertEquals(sessionId + " 2", second.text());
            assertNull(second.header("Set-Cookie"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void multipartUploadIsParsed(ConnectorKind kind) throws Exception {
        ServletHolder holder = new ServletHolder(new MultipartServlet());
        // A small threshold so the large part goes to a file while the small one stays in memory.
        holder.getRegistration().setMultipartConfig(new MultipartConfigElement(
                System.getProperty("java.io.tmpdir"), 1 << 20, 4 << 20, 1024));
        byte[] large = new byte[200_000];
        java.util.Arrays.fill(large, (byte) 'x');
        String boundary = "corral-boundary-7";
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nvalue\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(large);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] payload = body.toByteArray();
        try (ServletServer server = ServletServer.on(kind).servlet("/upload", holder).start();
             RawConnection client = server.connect()) {
            client.send(("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=" + boundary
                    + "\r\nContent-Length: " + payload.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.send(payload);
            RawResponse response = client.read();
            assertEquals(200, response.status(), response.toString());
            assertEquals("{field=5/null/value, file=200000/big.bin/...}", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void headHasTheHeadersOfGetAndNoBody(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/fixed", new FixedServlet()).start();
             RawConnection client = server.connect()) {
            client.send("GET /fixed HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse get = client.read();
            client.send("HEAD /fixed HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertEquals(get.header("Content-Type"), head.header("Content-Type"));
            assertEquals("kept", head.header("X-Custom"));
            assertEquals("12", get.header("Content-Length"));
            assertEquals(get.header("Content-Length"), head.header("Content-Length"));
            // No body bytes followed the HEAD response: the next response starts right away.
            client.send("GET /fixed HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertEquals("twelve bytes", client.read().text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void responseTrailersFollowAChunkedBody(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/trailers", new TrailerServlet()).start();
             RawConnection client = server.connect()) {
            client.send("GET /trailers HTTP/1.1\r\nHost: localhost\r\nTE: trailers\r\n\r\n");
            RawResponse response = client.read();
            assertTrue(response.chunked(), response.toString());
            assertEquals("body with trailers", response.text());
            assertEquals("abc123", response.trailer("x-digest"));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void characterEncodingsAndAttributes(ConnectorKind kind) throws Exception {
        byte[] form = "name=J%C3%BCrgen".getBytes(StandardCharsets.US_ASCII);
        try (ServletServer server = ServletServer.on(kind).servlet("/enc", new EncodingServlet()).start();
             RawConnection client = server.connect()) {
            client.send("POST /enc HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded; charset=UTF-8\r\n"
                    + "Content-Length: " + form.length + "\r\n\r\n");
            client.send(form);
            RawResponse response = client.read();
            assertEquals("text/plain;charset=iso-8859-1", response.header("Content-Type"));
            assertEquals("UTF-8|Jürgen|yes|iso-8859-1", new String(response.body(), StandardCharsets.ISO_8859_1));
            assertFalse(response.saysClose());
        }
    }
}
