package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.run;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RFC 9112 §2.2: "Although the line terminator for the start-line and fields is the sequence CRLF, a
 * recipient MAY recognize a single LF as a line terminator and ignore any preceding CR" — and a bare CR
 * "MUST" be treated as invalid (or replaced by SP; we refuse it).
 */
class Rfc9112LineEndingTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§2.2: a bare LF ends the request line, a field line and the head")
    @ValueSource(strings = {
            "GET /x HTTP/1.1\nHost: a\n\n",
            "GET /x HTTP/1.1\r\nHost: a\n\n",
            "GET /x HTTP/1.1\nHost: a\r\n\n",
            "GET /x HTTP/1.1\nHost: a\n\r\n",
            "\nGET /x HTTP/1.1\nHost: a\r\n\r\n"})
    void acceptsBareLf(String raw) {
        RequestHead head = head(raw);
        assertEquals("/x", head.target());
        assertEquals("a", head.headers().get("Host"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§2.2: a bare CR anywhere in the head is 400")
    @ValueSource(strings = {
            "\rGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "G\rET / HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\rHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost\r: a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\rX\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n"})
    void refusesBareCr(String raw) {
        assertEquals(400, status(raw));
    }

    @Test
    @DisplayName("a CR at the very end of the input waits for the LF that may follow")
    void waitsAfterATrailingCr() {
        assertEquals("input ended inside a head", run("GET / HTTP/1.1\r\nHost: a\r\n\r").unfinished());
    }
}
