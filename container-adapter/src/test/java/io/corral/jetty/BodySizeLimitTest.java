package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A request body limit, differentially: {@code CorralConnector.setMaxBodySize} against Jetty's own
 * equivalent, a {@link SizeLimitHandler} in front of the same servlet on {@code ServerConnector}. An
 * announced body over the limit gets 413 before the servlet runs, and with {@code Expect: 100-continue}
 * the client gets the 413 instead of a 100; a chunked body is cut when it crosses the limit. Bodies of the
 * 413 differ (Jetty's error page, the engine's plain text: see the README), status and what the client
 * is told to send do not.
 */
class BodySizeLimitTest {

    private static final int LIMIT = 16;
    private static final AtomicInteger SERVLET_READS = new AtomicInteger();
    private static ServletServer jetty;
    private static ServletServer corral;

    static final class LengthServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            SERVLET_READS.incrementAndGet();
            response.getWriter().print("read " + request.getInputStream().readAllBytes().length);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = ServletServer.on(ConnectorKind.JETTY).servlet("/*", new LengthServlet())
                .around(context -> {
                    SizeLimitHandler limit = new SizeLimitHandler(LIMIT, -1);
                    limit.setHandler(context);
                    return limit;
                }).start();
        corral = ServletServer.on(ConnectorKind.CORRAL).servlet("/*", new LengthServlet())
                .connector(connector -> ((CorralConnector) connector).setMaxBodySize(LIMIT)).start();
    }

    @AfterAll
    static void stop() {
        jetty.close();
        corral.close();
    }

    /** What the client sees: each response's status in order, until the final one, and its body if 2xx. */
    private static String observe(ServletServer server, String head, String body) throws Exception {
        boolean expectContinue = head.contains("Expect:");
        try (RawConnection client = server.connect()) {
            client.send(expectContinue ? head : head + body);
            StringBuilder seen = new StringBuilder();
            RawResponse response = client.read();
            seen.append(response.status());
            if (response.status() == 100) {
                client.send(body);
                response = client.read();
                seen.append(' ').append(response.status());
            }
            if (response.status() == 200) {
                seen.append(' ').append(response.text());
            }
            return seen.toString();
        }
    }

    @ParameterizedTest(name = "{0} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
        announced at the limit             | Content-Length: 16                   | xxxxxxxxxxxxxxxx          | 200 read 16
        announced over the limit           | Content-Length: 17                   | xxxxxxxxxxxxxxxxx         | 413
        expect 100 at the limit            | Content-Length: 16<CR><LF>Expect: 100-continue | xxxxxxxxxxxxxxxx | 100 200 read 16
        expect 100 over the limit: no 100  | Content-Length: 17<CR><LF>Expect: 100-continue | xxxxxxxxxxxxxxxxx | 413
        chunked over the limit             | Transfer-Encoding: chunked           | 11<CR><LF>xxxxxxxxxxxxxxxxx<CR><LF>0<CR><LF><CR><LF> | 413
        """)
    void sameStatusesBothConnectors(String name, String fields, String body, String expected) throws Exception {
        String head = "POST /limited HTTP/1.1\r\nHost: h\r\n" + fields.replace("<CR><LF>", "\r\n") + "\r\n\r\n";
        String wireBody = body.replace("<CR><LF>", "\r\n");
        int readsBefore = SERVLET_READS.get();
        assertEquals(expected, observe(jetty, head, wireBody), "ServerConnector + SizeLimitHandler: " + name);
        assertEquals(expected, observe(corral, head, wireBody), "CorralConnector.setMaxBodySize: " + name);
        if (expected.equals("413") && !fields.contains("chunked")) {
            assertEquals(readsBefore, SERVLET_READS.get(), "an announced oversize body never reaches the servlet");
        } else {
            assertNotEquals(readsBefore, SERVLET_READS.get());
        }
    }
}
