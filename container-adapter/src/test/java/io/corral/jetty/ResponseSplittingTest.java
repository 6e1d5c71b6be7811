package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Response splitting, differentially: a servlet puts request input into a header value, a header name, a
 * redirect, a cookie, the content type and a trailer; the input carries CR, LF, NUL, other controls, and
 * chars above U+00FF whose low bytes are CR and LF. Jetty's generator replaces what must not reach the
 * wire; Corral's writer must do the same, so the same header lines come back byte for byte on both
 * connectors, and on neither does a second header or response appear.
 */
class ResponseSplittingTest {

    private static ServletServer jetty;
    private static ServletServer corral;

    /** Reflects the decoded {@code v} parameter wherever its path says. */
    static final class ReflectingServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String input = request.getParameter("v");
            switch (request.getPathInfo()) {
                case "/value" -> response.setHeader("X-Echo", input);
                case "/name" -> response.setHeader("X-" + input, "v");
                case "/redirect" -> {
                    response.sendRedirect("/next?to=" + input);
                    return;
                }
                case "/cookie" -> response.addCookie(new Cookie("c", input));
                case "/content-type" -> response.setContentType("text/plain; x=" + input);
                case "/trailer" -> {
                    response.setTrailerFields(() -> Map.of("X-Trailer", input));
                    response.getWriter().print("streamed");
                    response.flushBuffer();
                }
                default -> response.sendError(404);
            }
            response.getWriter().print("ok");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = ServletServer.on(ConnectorKind.JETTY).servlet("/r/*", new ReflectingServlet()).start();
        corral = ServletServer.on(ConnectorKind.CORRAL).servlet("/r/*", new ReflectingServlet()).start();
    }

    @AfterAll
    static void stop() {
        jetty.close();
        corral.close();
    }

    /** The whole response to a {@code Connection: close} request, as ISO-8859-1 text. */
    private static String wire(ServletServer server, String target) throws Exception {
        try (RawConnection client = server.connect()) {
            client.send("GET " + target + " HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
            return new String(client.readToEnd(), StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * The status line, then the header and trailer lines (sorted: the connectors order Date and Server
     * differently), without Date; a chunked body is reduced to its trailer lines, since chunk sizes are the
     * connectors' own business.
     */
    private static List<String> fieldLines(String wire) {
        int endOfHead = wire.indexOf("\r\n\r\n");
        List<String> head = new ArrayList<>(List.of(wire.substring(0, endOfHead).split("\r\n", -1)));
        String statusLine = head.remove(0);
        List<String> lines = new ArrayList<>();
        for (String line : head) {
            if (!line.regionMatches(true, 0, "Date:", 0, 5)) {
                lines.add(line);
            }
        }
        int lastChunk = wire.lastIndexOf("\r\n0\r\n");
        if (wire.toLowerCase().contains("\r\ntransfer-encoding: chunked") && lastChunk > endOfHead) {
            String trailers = wire.substring(lastChunk + 5, wire.length() - 2);
            for (String line : trailers.split("\r\n")) {
                if (!line.isEmpty()) {
                    lines.add("trailer " + line);
                }
            }
        }
        Collections.sort(lines);
        lines.add(0, statusLine);
        return lines;
    }

    @ParameterizedTest(name = "{0} ← {1}")
    @CsvSource(delimiter = '|', textBlock = """
        value        | CR LF and a header       | a%0D%0ASet-Cookie:%20evil=1
        value        | LF LF and a response     | a%0A%0AHTTP/1.1%20200%20OK
        value        | NUL                      | a%00b
        value        | other controls and HTAB  | a%01%09%1Fb%7F
        value        | U+010D U+010A            | a%C4%8D%C4%8ASet-Cookie:%20evil=1
        value        | U+0141 and a control     | %C5%81%C3%A9%01
        name         | CR LF                    | a%0D%0ASet-Cookie:%20evil=1
        name         | U+010D U+010A and colon  | a%C4%8D%C4%8Ab:c
        redirect     | CR LF                    | a%0D%0ASet-Cookie:%20evil=1
        redirect     | U+010D U+010A            | a%C4%8D%C4%8ASet-Cookie:%20evil=1
        cookie       | CR LF                    | a%0D%0ASet-Cookie:%20evil=1
        cookie       | U+010D U+010A            | a%C4%8D%C4%8A
        content-type | CR LF                    | a%0D%0ASet-Cookie:%20evil=1
        trailer      | CR LF                    | a%0D%0ASet-Cookie:%20evil=1
        trailer      | U+010D U+010A            | a%C4%8D%C4%8ASet-Cookie:%20evil=1
        """)
    void sameHeaderLinesNoSplit(String where, String what, String encodedInput) throws Exception {
        String target = "/r/" + where + "?v=" + encodedInput;
        String expected = wire(jetty, target);
        String actual = wire(corral, target);
        assertEquals(fieldLines(expected), fieldLines(actual), where + " ← " + what);
        for (String wire : List.of(expected, actual)) {
            String[] lines = wire.split("\n");
            for (int i = 1; i < lines.length; i++) {
                assertFalse(lines[i].startsWith("HTTP/") || lines[i].startsWith("Set-Cookie: evil"),
                        "a line was injected: " + wire);
            }
            assertEquals(-1, wire.indexOf('\0'), "no NUL on the wire: " + wire);
        }
    }

    /**
     * The one deliberate difference (README, "What differs"): a value whose only fault is a char above U+00FF
     * with a printable low byte keeps that byte on Corral (U+0141 → 'A') where Jetty writes a space; finding
     * such chars would cost a look at every char of every header. Neither splits the response.
     */
    @org.junit.jupiter.api.Test
    void charAboveLatin1WithPrintableLowByte() throws Exception {
        String target = "/r/value?v=%C5%81%C3%A9";
        String jettyWire = wire(jetty, target);
        String corralWire = wire(corral, target);
        org.junit.jupiter.api.Assertions.assertTrue(jettyWire.contains("\r\nX-Echo:  \u00e9\r\n"), jettyWire);
        org.junit.jupiter.api.Assertions.assertTrue(corralWire.contains("\r\nX-Echo: A\u00e9\r\n"), corralWire);
    }
}
