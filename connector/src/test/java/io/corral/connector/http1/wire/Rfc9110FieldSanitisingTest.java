package io.corral.connector.http1.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.stream.HttpHandler;
import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 9110 §5.1 and §5.5 (field names are tokens; field values contain no CR, LF or NUL) and RFC 9112
 * §4 (the reason phrase): whatever text a handler hands the engine, what reaches the wire cannot split the
 * response. The engine replaces what Jetty's {@code HttpGenerator} replaces, with the same characters,
 * and never cuts a char above U+00FF to a control byte (U+010D U+010A would be CR LF). One deliberate
 * difference: text whose only fault is chars above U+00FF with printable low bytes keeps those low bytes
 * (Jetty writes spaces), because finding them costs a look at every char on every response.
 */
class Rfc9110FieldSanitisingTest {

    /** The whole response to one {@code Connection: close} request, as bytes off the wire. */
    private static String exchange(HttpHandler handler) throws Exception {
        try (TestServer server = new TestServer(handler);
                RawClient client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
            return new String(client.socket().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static HttpHandler settingHeader(String name, String value) {
        return ex -> {
            ex.response().headers().add(name, value);
            ex.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        };
    }

    @ParameterizedTest(name = "value {0}")
    @CsvSource(delimiter = '|', textBlock = """
        CR LF and a second header      | a\\r\\nSet-Cookie: evil=1        | a  Set-Cookie: evil=1
        NUL                            | a\\0b                            | a b
        other controls                 | a\\u0001\\u001fb                 | a  b
        U+010D U+010A (low bytes CR LF)| a\\u010d\\u010aSet-Cookie: evil=1| a  Set-Cookie: evil=1
        above U+00FF next to a control| \\u0141\\u00f3d\\u017a\\u0001    | \\u0020\\u00f3d\\u0020\\u0020
        above U+00FF, printable low   | \\u0141\\u00f3d\\u017a           | A\\u00f3dz
        HTAB and Latin-1 stay          | a\\tb\\u00e9\\u00ff\\u007f        | a\\tb\\u00e9\\u00ff\\u007f
        """)
    @DisplayName("§5.5: a header value never carries CR, LF, NUL or another control but HTAB")
    void headerValue(String what, String escapedValue, String escapedExpected) throws Exception {
        String wire = exchange(settingHeader("X-Echo", unescape(escapedValue)));
        assertTrue(wire.contains("\r\nX-Echo: " + unescape(escapedExpected) + "\r\n"), what + ": " + wire);
        assertEquals(-1, wire.indexOf("\r\nSet-Cookie"), what + ": no second header");
    }

    @ParameterizedTest(name = "name {0}")
    @CsvSource(delimiter = '|', textBlock = """
        CR LF                  | X-A\\r\\nX-B   | X-A..X-B
        colon                  | X-A: b        | X-A. b
        U+010A                 | X\\u010aA      | X.A
        NUL                    | X\\0A          | X.A
        """)
    @DisplayName("§5.1: a header name never carries a control, a colon or a char above U+00FF")
    void headerName(String what, String escapedName, String expectedName) throws Exception {
        String wire = exchange(settingHeader(unescape(escapedName), "v"));
        assertTrue(wire.contains("\r\n" + unescape(expectedName) + ": v\r\n"), what + ": " + wire);
    }

    @Test
    @DisplayName("§7.1.2 trailers are sanitised like headers")
    void trailerFields() throws Exception {
        String wire = exchange(ex -> {
            ex.response().trailers(() -> new HttpHeaders().add("X-Sum\r\nX-Evil", "1\r\n\r\nHTTP/1.1 200 OK"));
            ex.response().write(ByteBuffer.wrap("ab".getBytes(StandardCharsets.US_ASCII)), false);
            ex.response().write(ByteBuffer.allocate(0), true);
        });
        assertTrue(wire.endsWith("\r\n0\r\nX-Sum..X-Evil: 1    HTTP/1.1 200 OK\r\n\r\n"), wire);
    }

    @Test
    @DisplayName("RFC 9112 §4: the reason phrase never carries a control character, nor a char above U+00FF cut to one")
    void reasonPhrase() throws Exception {
        String wire = exchange(ex -> {
            ex.response().status(200).reason("Fine\r\nSet-Cookie: evil=1\u010d\u010a");
            ex.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        });
        assertTrue(wire.startsWith("HTTP/1.1 200 Fine??Set-Cookie: evil=1??\r\n"), wire);
    }

    @Test
    @DisplayName("§15.2: interim responses (103 Early Hints) are sanitised too")
    void informationalFields() throws Exception {
        String wire = exchange(ex -> {
            ex.response().sendInformational(103, new HttpHeaders().add("Link", "</a>\r\nX-Evil: 1"));
            ex.response().write(ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), true);
        });
        assertTrue(wire.startsWith("HTTP/1.1 103 Early Hints\r\nLink: </a>  X-Evil: 1\r\n\r\nHTTP/1.1 200 OK\r\n"),
                wire);
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char kind = escaped.charAt(++i);
            switch (kind) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case 'u' -> {
                    out.append((char) Integer.parseInt(escaped.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> throw new IllegalArgumentException("escape \\" + kind);
            }
        }
        return out.toString();
    }
}
