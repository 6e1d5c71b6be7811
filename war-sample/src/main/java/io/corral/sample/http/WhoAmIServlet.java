package io.corral.sample.http;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /whoami}: who the container says the client is, as JSON —
 * {@code {"remoteAddr":"203.0.113.7","remotePort":40001,"localAddr":"127.0.0.1","localPort":8080,"scheme":"http","secure":false}}.
 * Behind a proxy speaking the PROXY protocol these are the client's addresses and the one it connected to, not the
 * proxy's; behind TLS (or a proxy trusted to report it) the scheme is {@code https} and {@code secure} true. For
 * operators checking a deployment and for the tests that run the war-sample behind HAProxy.
 */
@WebServlet(urlPatterns = "/whoami", asyncSupported = true)
public final class WhoAmIServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        StringBuilder json = new StringBuilder(160);
        json.append("{\"remoteAddr\":");
        appendString(json, request.getRemoteAddr());
        json.append(",\"remotePort\":").append(request.getRemotePort());
        json.append(",\"localAddr\":");
        appendString(json, request.getLocalAddr());
        json.append(",\"localPort\":").append(request.getLocalPort());
        json.append(",\"scheme\":");
        appendString(json, request.getScheme());
        json.append(",\"secure\":").append(request.isSecure()).append('}');
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        // An address is the client's (or its proxy's) to name: never cached on its behalf.
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A JSON string (RFC 8259): a Unix socket path, for one, may hold any character. */
    private static void appendString(StringBuilder json, String value) {
        if (value == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
