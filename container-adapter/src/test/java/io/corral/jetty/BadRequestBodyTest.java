package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A body that breaks its chunked framing (RFC 9112 §7.1) is only found out while the servlet reads it: the
 * servlet's read fails with an {@link IOException} and the client gets a 400, then the connection closes.
 */
class BadRequestBodyTest {

    static final class ReadingServlet extends HttpServlet {
        final CompletableFuture<Throwable> readFailure = new CompletableFuture<>();

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            try {
                request.getInputStream().readAllBytes();
                readFailure.complete(null);
            } catch (IOException x) {
                readFailure.complete(x);
                throw x;
            }
            response.getWriter().print("read it all");
        }
    }

    @ParameterizedTest
    @EnumSource(ConnectorKind.class)
    void badChunkSizeFailsTheReadAndEarns400(ConnectorKind kind) throws Exception {
        ReadingServlet servlet = new ReadingServlet();
        try (ServletServer server = ServletServer.on(kind).servlet("/read", servlet).start();
             RawConnection client = server.connect()) {
            client.send("POST /read HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");
            RawResponse response = client.read();
            assertInstanceOf(IOException.class, servlet.readFailure.get(5, TimeUnit.SECONDS));
            assertEquals(400, response.status(), response.toString());
            assertTrue(response.saysClose() || client.isClosedByServer(3000), response.toString());
        }
    }
}
