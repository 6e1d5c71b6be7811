package io.corral.connector.http1;

import io.corral.connector.stream.HttpVersion;
import io.corral.connector.stream.RequestHead;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.error;
import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.run;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9112 §3 (request line), §2.3 (HTTP version) and §2.2 (empty lines before the request line). */
class Rfc9112RequestLineTest {

    @Test
    @DisplayName("§3: request-line = method SP request-target SP HTTP-version")
    void parsesTheThreePartsOfTheRequestLine() {
        RequestHead head = head(request("POST /submit?x=1 HTTP/1.1", "Host: example.com", "Content-Length: 0"));
        assertEquals("POST", head.method());
        assertEquals("/submit?x=1", head.target());
        assertEquals(HttpVersion.HTTP_1_1, head.version());
    }

    @Test
    @DisplayName("§3.1: the request method is case-sensitive")
    void keepsTheCaseOfTheMethod() {
        assertEquals("get", head(request("get / HTTP/1.1", "Host: a")).method());
        assertEquals("M-SEARCH", head(request("M-SEARCH / HTTP/1.1", "Host: a")).method());
    }

    @Test
    @DisplayName("well-known methods come out as shared strings, with no allocation")
    void internsWellKnownMethods() {
        for (String method : new String[] {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"}) {
            assertSame(method, head(request(method + " / HTTP/1.1", "Host: a")).method());
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§3.1: method = token; anything else is 400")
    @ValueSource(strings = {"G(T / HTTP/1.1", "GE\"T / HTTP/1.1", "G\u00c9T / HTTP/1.1", " GET / HTTP/1.1",
            "\tGET / HTTP/1.1", "GET\t/ HTTP/1.1", "GET@ / HTTP/1.1", ": / HTTP/1.1"})
    void refusesAMethodThatIsNotAToken(String line) {
        assertEquals(400, status(request(line, "Host: a")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§3: the parts are separated by a single SP")
    @ValueSource(strings = {"GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET / HTTP/1.1 ", "GET /\tHTTP/1.1",
            "GET / HTTP/1.1\t", "GET /", "GET / ", "GET", "GET "})
    void refusesOtherSeparators(String line) {
        assertEquals(400, status(request(line, "Host: a")));
    }

    @ParameterizedTest(name = "[{index}] byte 0x{0}")
    @DisplayName("§3.2: request-target is visible US-ASCII; CTL, DEL and bytes >= 0x80 are 400")
    @ValueSource(strings = {"00", "01", "09", "0b", "0c", "1f", "7f", "80", "c3", "ff"})
    void refusesInvisibleBytesInTheTarget(String hex) {
        char c = (char) Integer.parseInt(hex, 16);
        assertEquals(400, status(request("GET /a" + c + "b HTTP/1.1", "Host: a")));
    }

    @Test
    @DisplayName("§3.2: the target keeps every visible character as sent, undecoded")
    void keepsTheTargetRaw() {
        String target = "/a%20b/c;p=1?q=\"x\"&r=<y>|{z}^`~";
        assertEquals(target, head(request("GET " + target + " HTTP/1.1", "Host: a")).target());
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @DisplayName("§2.3 and RFC 9110 §2.5: HTTP/1.0, HTTP/1.1, and HTTP/1.x above 1 handled as 1.1")
    @CsvSource({"HTTP/1.0, HTTP_1_0", "HTTP/1.1, HTTP_1_1", "HTTP/1.2, HTTP_1_1", "HTTP/1.9, HTTP_1_1"})
    void acceptsHttp1Versions(String version, HttpVersion expected) {
        assertEquals(expected, head(request("GET / " + version, "Host: a")).version());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("RFC 9110 §15.6.6: a well-formed version with another major version is 505")
    @ValueSource(strings = {"HTTP/0.9", "HTTP/2.0", "HTTP/3.0", "HTTP/9.9"})
    void answers505ToOtherMajorVersions(String version) {
        assertEquals(505, status(request("GET / " + version, "Host: a")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§2.3: HTTP-version = %s\"HTTP\" \"/\" DIGIT \".\" DIGIT; anything else is 400")
    @ValueSource(strings = {"http/1.1", "Http/1.1", "HTTP/1", "HTTP/1.", "HTTP/11.1", "HTTP/1.10", "HTTP/1,1",
            "HTTPS/1.1", "HTTP/a.b", "HTTP /1.1", "HTTP/ 1.1", "HTTP/1.1x", "HTTP/2", "HTP/1.1"})
    void refusesMalformedVersions(String version) {
        assertEquals(400, status(request("GET / " + version, "Host: a")));
    }

    @Test
    @DisplayName("§3: a request-target longer than the server wishes to parse gets 414 — at the limit it is fine")
    void acceptsATargetOfExactlyTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxRequestTargetLength(64);
        String target = "/" + "a".repeat(63);
        assertEquals(target, head(request("GET " + target + " HTTP/1.1", "Host: a"), limits).target());
    }

    @Test
    @DisplayName("§3: a request-target one byte over the limit gets 414")
    void refusesATargetOneByteOverTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxRequestTargetLength(64);
        assertEquals(414, status(request("GET /" + "a".repeat(64) + " HTTP/1.1", "Host: a"), limits));
    }

    @Test
    @DisplayName("414 comes as soon as the target passes the limit, without waiting for the line end")
    void refusesATooLongTargetBeforeTheLineEnds() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxRequestTargetLength(64);
        assertEquals(414, status("GET /" + "a".repeat(64), limits));
    }

    @Test
    @DisplayName("a target that alone overflows the header section limit is 414, not 431")
    void refusesATargetLongerThanTheSectionWith414() {
        Http1Limits limits = new Http1Limits(8192, 128, 100, -1);
        assertEquals(414, status("GET /" + "a".repeat(200), limits));
    }

    @ParameterizedTest(name = "[{index}] {0} empty lines")
    @DisplayName("§2.2: a server SHOULD ignore at least one empty line (CRLF) received prior to the request-line")
    @ValueSource(ints = {1, 2, Http1Parser.MAX_EMPTY_LINES_BEFORE_REQUEST})
    void ignoresEmptyLinesBeforeTheRequestLine(int count) {
        assertEquals("/x", head("\r\n".repeat(count) + request("GET /x HTTP/1.1", "Host: a")).target());
        assertEquals("/x", head("\n".repeat(count) + request("GET /x HTTP/1.1", "Host: a")).target());
    }

    @Test
    @DisplayName("§2.2: the number of empty lines ignored is bounded")
    void refusesEndlessEmptyLines() {
        int tooMany = Http1Parser.MAX_EMPTY_LINES_BEFORE_REQUEST + 1;
        assertEquals(400, status("\r\n".repeat(tooMany) + request("GET /x HTTP/1.1", "Host: a")));
    }

    @Test
    @DisplayName("errors say what was wrong and where, without echoing the raw input")
    void errorMessagesNameTheProblem() {
        HttpParseException e = error(request("GET /a\u0001b HTTP/1.1", "Host: a"), Http1Limits.DEFAULTS);
        assertTrue(e.getMessage().contains("request-target") && e.getMessage().contains("0x01"), e.getMessage());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    @DisplayName("a request line that never ends is incomplete, not an error, while under the limits")
    void waitsForTheRestOfTheLine() {
        assertEquals("input ended inside a head", run("GET /abc HTTP/1.").unfinished());
    }
}
