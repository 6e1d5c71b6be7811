package io.corral.sample.http;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /plaintext}: answers {@code 200}, {@code Content-Type: text/plain} and the exact body
 * {@code Hello, World!}. Tests and benchmarks rely on these bytes, so they never change; this is the
 * TechEmpower "plaintext" shape, the cheapest request a container can serve.
 */
@WebServlet(urlPatterns = "/plaintext", asyncSupported = true)
public final class PlaintextServlet extends HttpServlet {

    /** The body, encoded once: the servlet is on the benchmark's hot path. */
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        // No charset: the output stream is used, so the container adds none and the header stays exact.
        response.setContentType("text/plain");
        response.setContentLength(BODY.length);
        response.getOutputStream().write(BODY);
    }
}
