package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.corral.connector.http1.Http1ParserHarness.bytes;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser is fed whatever a read returned: the same bytes cut anywhere must give the same requests.
 * Every test of this package already checks one-byte and two-piece feeding; this one adds many-piece
 * cuts of realistic requests, and the parser's own state: {@code isPartial()} and {@code reset()}.
 */
class Http1ParserIncrementalTest {

    static Stream<String> realisticRequests() {
        return Stream.of(
                request("GET / HTTP/1.1", "Host: localhost:8080", "User-Agent: curl/8.5.0", "Accept: */*"),
                request("GET /app/index.html?lang=en HTTP/1.1", "Host: www.example.com",
                        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                        "Accept-Language: en-US,en;q=0.5", "Accept-Encoding: gzip, deflate, br, zstd",
                        "Connection: keep-alive", "Cookie: JSESSIONID=node01abc; theme=dark",
                        "Upgrade-Insecure-Requests: 1", "Sec-Fetch-Dest: document", "Priority: u=0, i"),
                request("GET /chat HTTP/1.1", "Host: example.com", "Upgrade: websocket", "Connection: Upgrade",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"),
                request("POST /api/items HTTP/1.1", "Host: api", "Content-Type: application/json",
                        "Content-Length: 17", "Expect: 100-continue") + "{\"name\":\"corral\"}",
                request("POST /upload HTTP/1.1", "Host: api", "Transfer-Encoding: chunked")
                        + "4\r\nWiki\r\n5;note=\"x\"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("realisticRequests")
    @DisplayName("the same bytes cut into many reads of random sizes give the same requests")
    void givesTheSameResultWhateverTheCuts(String raw) {
        byte[] input = bytes(raw);
        String expected = Http1ParserHarness.run(input, Http1Limits.DEFAULTS).describe();
        Random random = new Random(raw.length());   // fixed per input: a failure replays
        for (int attempt = 0; attempt < 200; attempt++) {
            int[] ends = new int[input.length];
            int count = 0;
            for (int end = 0; end < input.length; ) {
                end = Math.min(input.length, end + 1 + random.nextInt(12));
                ends[count++] = end;
            }
            int[] cuts = Arrays.copyOf(ends, count);
            assertEquals(expected, Http1ParserHarness.feed(input, Http1Limits.DEFAULTS, cuts, attempt % 2 == 0)
                    .describe(), () -> "cut at " + Arrays.toString(cuts));
        }
    }

    @Test
    @DisplayName("isPartial: false when idle or after empty lines, true inside a head, false once complete")
    void tellsWhetherAHeadIsUnderWay() throws HttpParseException {
        Http1Parser parser = new Http1Parser(Http1Limits.DEFAULTS);
        assertFalse(parser.isPartial());
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("\r\n"))));
        assertFalse(parser.isPartial(), "an empty line before a request is not a head");
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("G"))));
        assertTrue(parser.isPartial());
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("ET / HTTP/1.1\r\nHost: a\r\n"))));
        assertTrue(parser.isPartial());
        assertNotNull(parser.parseHead(ByteBuffer.wrap(bytes("\r\n"))));
        assertFalse(parser.isPartial());
    }

    @Test
    @DisplayName("reset() forgets a partial head; the next request parses from scratch")
    void resetForgetsAPartialHead() throws HttpParseException {
        Http1Parser parser = new Http1Parser(Http1Limits.DEFAULTS);
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("POST /half HTTP/1.1\r\nHost: a\r\nX-Lo"))));
        parser.reset();
        assertFalse(parser.isPartial());
        RequestHead head = parser.parseHead(ByteBuffer.wrap(bytes(request("GET /whole HTTP/1.1", "Host: b"))));
        assertEquals("/whole", head.target());
        assertEquals(1, head.headers().size());
        assertEquals("b", head.headers().get("Host"));
    }

    @Test
    @DisplayName("a parser serves request after request on one connection without reset() between them")
    void parsesOneRequestAfterAnother() throws HttpParseException {
        Http1Parser parser = new Http1Parser(Http1Limits.DEFAULTS);
        for (int i = 0; i < 3; i++) {
            RequestHead head = parser.parseHead(ByteBuffer.wrap(bytes(request("GET /" + i + " HTTP/1.1", "Host: a"))));
            assertEquals("/" + i, head.target());
        }
    }

    @Test
    @DisplayName("a head cut inside a CRLF, or right after a CR, completes when the rest arrives")
    void completesAcrossACutCrlf() throws HttpParseException {
        Http1Parser parser = new Http1Parser(Http1Limits.DEFAULTS);
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r"))));
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("\nHost: a\r"))));
        assertNull(parser.parseHead(ByteBuffer.wrap(bytes("\n\r"))));
        assertEquals("a", parser.parseHead(ByteBuffer.wrap(bytes("\n"))).headers().get("Host"));
    }
}
