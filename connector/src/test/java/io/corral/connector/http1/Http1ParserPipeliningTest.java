package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static io.corral.connector.http1.Http1ParserHarness.bytes;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112 §9.3.2: "A server MAY process a sequence of pipelined requests in parallel if they all have
 * safe methods, but it MUST send the corresponding responses in the same order" — to do either, the
 * parser and decoders must find each request's end exactly, with several requests in one buffer.
 */
class Http1ParserPipeliningTest {

    @Test
    @DisplayName("requests without body, back to back in one buffer")
    void parsesRequestsBackToBack() {
        Http1ParserHarness.Result result = run(request("GET /1 HTTP/1.1", "Host: a")
                + request("GET /2 HTTP/1.1", "Host: a") + request("HEAD /3 HTTP/1.0"));
        List<String> targets = result.exchanges().stream().map(e -> e.head().target()).toList();
        assertEquals(List.of("/1", "/2", "/3"), targets);
        assertEquals("end", result.unfinished());
    }

    @Test
    @DisplayName("Content-Length, chunked with trailers and body-less requests interleaved")
    void stopsEachBodyAtItsEnd() {
        String raw = request("POST /a HTTP/1.1", "Host: h", "Content-Length: 3") + "abc"
                + request("POST /b HTTP/1.1", "Host: h", "Transfer-Encoding: chunked")
                + "2\r\nde\r\n1;x=y\r\nf\r\n0\r\nT: v\r\n\r\n"
                + request("GET /c HTTP/1.1", "Host: h")
                + "\r\n"   // a stray CRLF after a request, as old clients send after a POST body
                + request("PUT /d HTTP/1.1", "Host: h", "Content-Length: 2") + "gh";
        Http1ParserHarness.Result result = run(raw);
        assertEquals(4, result.exchanges().size(), result::describe);
        assertEquals("abc", result.exchanges().get(0).body());
        assertEquals("def", result.exchanges().get(1).body());
        assertEquals("v", result.exchanges().get(1).trailers().get("T"));
        assertEquals("", result.exchanges().get(2).body());
        assertEquals("/d", result.exchanges().get(3).head().target());
        assertEquals("gh", result.exchanges().get(3).body());
        assertEquals("end", result.unfinished());
    }

    @Test
    @DisplayName("an error in a later request does not disturb the ones before it")
    void reportsAnErrorInALaterRequest() {
        Http1ParserHarness.Result result = run(request("GET /ok HTTP/1.1", "Host: a")
                + request("GET /bad HTTP/1.1", "Host: a", "Bad Name: x"));
        assertEquals(1, result.exchanges().size());
        assertNotNull(result.error());
        assertEquals(400, result.error().status());
    }

    @Test
    @DisplayName("after a head, the buffer's position is the first body byte; after the body, the next request's")
    void leavesThePositionAtEachBoundary() throws HttpParseException {
        String first = request("POST /a HTTP/1.1", "Host: h", "Content-Length: 4");
        ByteBuffer buffer = ByteBuffer.wrap(bytes(first + "bodyGET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
        Http1Parser parser = new Http1Parser(Http1Limits.DEFAULTS);
        RequestHead head = parser.parseHead(buffer);
        assertEquals(first.length(), buffer.position());
        BodyDecoder decoder = BodyDecoder.of(head.framing(), Http1Limits.DEFAULTS);
        assertEquals("body", Http1ParserHarness.text(decoder.decode(buffer)));
        assertTrue(decoder.isComplete());
        assertEquals(first.length() + 4, buffer.position());
        assertEquals("/b", parser.parseHead(buffer).target());
        assertEquals(buffer.limit(), buffer.position());
    }
}
