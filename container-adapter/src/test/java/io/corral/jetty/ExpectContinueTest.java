package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Expect: 100-continue} (RFC 9110 §10.1.1): "A server that receives a 100-continue expectation in
 * an HTTP/1.1 request […] MAY omit sending a 100 (Continue) response if it has already received some or
 * all of the content […] or if the status code indicates an error." The 100 goes out when the servlet
 * first reads; a servlet that answers without reading gets no 100, and the connection then closes because
 * the client still holds the body.
 */
class ExpectContinueTest {

    static final class GuardServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getHeader("X-Allowed") == null) {
                response.sendError(403);
                return;
            }
            response.getWriter().print("got " + new String(request.getInputStream().readAllBytes()));
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void continueIsSentWhenTheServletReads(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/guard", new GuardServlet()).start();
             RawConnection client = server.connect()) {
            client.send("POST /guard HTTP/1.1\r\nHost: localhost\r\nX-Allowed: 1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            RawResponse interim = client.read();
            assertEquals(100, interim.status());
            client.send("body");
            RawResponse response = client.read();
            assertEquals(200, response.status());
            assertEquals("got body", response.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void noContinueWhenTheServletRefusesWithoutReading(ConnectorKind kind) throws Exception {
        try (ServletServer server = ServletServer.on(kind).servlet("/guard", new GuardServlet()).start();
             RawConnection client = server.connect()) {
            client.send("POST /guard HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
            RawResponse response = client.read();
            assertEquals(403, response.status());
            assertTrue(response.saysClose(), response.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void jdkClientExpectingContinue(ConnectorKind kind) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (ServletServer server = ServletServer.on(kind).servlet("/guard", new GuardServlet()).start()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/guard"))
                    .header("X-Allowed", "1").expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("got payload", response.body());
        }
    }
}
