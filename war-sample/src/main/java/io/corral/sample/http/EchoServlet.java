package io.corral.sample.http;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code POST /echo}: answers {@code 200} with the request body and the request's {@code Content-Type}.
 * The body is streamed through a fixed buffer, so any size works and memory stays flat; when the client
 * announced a length the response announces the same one instead of falling back to chunking.
 */
@WebServlet(urlPatterns = "/echo", asyncSupported = true)
public final class EchoServlet extends HttpServlet {

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        String contentType = request.getContentType();
        if (contentType != null) {
            response.setContentType(contentType);
        }
        long length = request.getContentLengthLong();
        if (length >= 0) {
            response.setContentLengthLong(length);
        }
        request.getInputStream().transferTo(response.getOutputStream());
    }
}
