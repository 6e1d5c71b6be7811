package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where Corral is meant to be stricter than any Jetty compliance mode: bad input never reaches a servlet,
 * it is answered with the status RFC 9112 / RFC 9110 give it and the connection closes. Corral only (on
 * {@code ServerConnector} several of these depend on the configured {@code HttpCompliance}).
 */
class Rfc9112StrictParsingTest {

    private static final AtomicInteger SERVLET_CALLS = new AtomicInteger();
    private static ServletServer server;

    static final class CountingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            SERVLET_CALLS.incrementAndGet();
            response.getWriter().print("reached the servlet");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        server = ServletServer.on(ConnectorKind.CORRAL).servlet("/*", new CountingServlet())
                .http(http -> http.setRequestHeaderSize(1024)).start();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** {@code \r} and {@code \n} are written as {@code <CR>} and {@code <LF>}; a case of each side of a limit. */
    @ParameterizedTest(name = "{0} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
        well-formed                          | GET / HTTP/1.1<CR><LF>Host: a<CR><LF><CR><LF>                                   | 200
        malformed request line (§3)          | GET  / HTTP/1.1<CR><LF>Host: a<CR><LF><CR><LF>                                  | 400
        no version (HTTP/0.9)                | GET /<CR><LF><CR><LF>                                                           | 400
        lower-case version (§2.3)            | GET / http/1.1<CR><LF>Host: a<CR><LF><CR><LF>                                   | 400
        version 2.0 (§2.3, RFC 9110 §15.6.6) | GET / HTTP/2.0<CR><LF>Host: a<CR><LF><CR><LF>                                   | 505
        version 3.1                          | GET / HTTP/3.1<CR><LF>Host: a<CR><LF><CR><LF>                                   | 505
        target at the limit                  | GET /{target:990} HTTP/1.1<CR><LF>Host: a<CR><LF><CR><LF>                        | 200
        target over the limit (414)          | GET /{target:1100} HTTP/1.1<CR><LF>Host: a<CR><LF><CR><LF>                        | 414
        header section under the limit       | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>X: {filler:900}<CR><LF><CR><LF>             | 200
        header section over the limit (431)  | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>X: {filler:1100}<CR><LF><CR><LF>            | 431
        Content-Length with chunked (§6.1)   | POST / HTTP/1.1<CR><LF>Host: a<CR><LF>Content-Length: 3<CR><LF>Transfer-Encoding: chunked<CR><LF><CR><LF>0<CR><LF><CR><LF> | 400
        two different Content-Lengths (§6.3) | POST / HTTP/1.1<CR><LF>Host: a<CR><LF>Content-Length: 3<CR><LF>Content-Length: 4<CR><LF><CR><LF>abcd | 400
        unknown coding before chunked (501)  | POST / HTTP/1.1<CR><LF>Host: a<CR><LF>Transfer-Encoding: zork, chunked<CR><LF><CR><LF>0<CR><LF><CR><LF> | 501
        chunked not last (§6.3)              | POST / HTTP/1.1<CR><LF>Host: a<CR><LF>Transfer-Encoding: chunked, gzip<CR><LF><CR><LF>              | 400
        bare CR in a field (§2.2)            | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>X: a<CR>b<CR><LF><CR><LF>                  | 400
        obs-fold (§5.2)                      | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>X: a<CR><LF> b<CR><LF><CR><LF>              | 400
        whitespace before colon (§5.1)       | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>X : a<CR><LF><CR><LF>                       | 400
        no Host in HTTP/1.1 (§3.2)           | GET / HTTP/1.1<CR><LF><CR><LF>                                                  | 400
        two Host fields (§3.2)               | GET / HTTP/1.1<CR><LF>Host: a<CR><LF>Host: b<CR><LF><CR><LF>                    | 400
        """)
    void badInputIsRefusedBeforeAnyServlet(String name, String request, int status) throws Exception {
        String wire = request.strip()
                .replace("{target:990}", "t".repeat(990))
                .replace("{target:1100}", "t".repeat(1100))
                .replace("{filler:900}", "f".repeat(900))
                .replace("{filler:1100}", "f".repeat(1100))
                .replace("<CR>", "\r").replace("<LF>", "\n");
        int callsBefore = SERVLET_CALLS.get();
        CorralConnector connector = (CorralConnector) server.connector();
        long refusedBefore = connector.getBadRequests();
        try (RawConnection client = server.connect()) {
            client.send(wire);
            RawResponse response = client.read();
            assertEquals(status, response.status(), name + ": " + response);
            assertNotNull(response.header("Date"), "RFC 9110 §6.6.1: every response carries Date: " + response);
            if (status == 200) {
                assertEquals(callsBefore + 1, SERVLET_CALLS.get());
                assertEquals(refusedBefore, connector.getBadRequests());
            } else {
                assertEquals(callsBefore, SERVLET_CALLS.get(), "bad input reached the servlet");
                assertEquals(refusedBefore + 1, connector.getBadRequests(), "refusals are counted");
                assertTrue(connector.getBadRequestsByStatus().contains(status + "="),
                        connector.getBadRequestsByStatus());
                assertTrue(response.saysClose(), response.toString());
                assertTrue(client.isClosedByServer(3000), "connection left open after bad input");
            }
        }
    }
}
