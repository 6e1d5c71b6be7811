package io.corral.connector.http1;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.run;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * RFC 9112 §6.1–§6.3: how the length of a request body is determined, and the combinations that are
 * refused because two hops could read them differently (request smuggling).
 */
class Rfc9112MessageFramingTest {

    @Test
    @DisplayName("§6.3 (7): a request with neither Content-Length nor Transfer-Encoding has no body")
    void noFramingFieldsMeansNoBody() {
        RequestHead head = head(request("POST / HTTP/1.1", "Host: a"));
        assertEquals(BodyFraming.NONE, head.framing());
        assertFalse(head.hasBody());
    }

    @Test
    @DisplayName("§6.3 (6): Content-Length gives the body length; the body is exactly that many bytes")
    void contentLengthFramesTheBody() {
        Http1ParserHarness.Exchange exchange = run(request("POST / HTTP/1.1", "Host: a", "Content-Length: 5")
                + "hello").single();
        assertEquals(new BodyFraming.Length(5), exchange.head().framing());
        assertEquals("hello", exchange.body());
    }

    @Test
    @DisplayName("Content-Length: 0 is a request without body")
    void zeroContentLengthIsNoBody() {
        assertEquals(BodyFraming.NONE, head(request("POST / HTTP/1.1", "Host: a", "Content-Length: 0")).framing());
    }

    @ParameterizedTest(name = "[{index}] Content-Length: {0}")
    @DisplayName("RFC 9110 §8.6: Content-Length = 1*DIGIT; signs, spaces inside, other characters and overflow are 400")
    @ValueSource(strings = {"-1", "+5", "5 5", "5a", "0x10", "1.0", "1e3", "", "9223372036854775808",
            "99999999999999999999999", "5,", ",5", "5,,5", "\u00b9"})
    void refusesMalformedContentLength(String value) {
        assertEquals(400, status(request("POST / HTTP/1.1", "Host: a", "Content-Length: " + value)));
    }

    @Test
    @DisplayName("Content-Length up to Long.MAX_VALUE parses when there is no body limit")
    void acceptsTheLargestContentLength() {
        Http1ParserHarness.Result result = run(request("POST / HTTP/1.1", "Host: a",
                "Content-Length: 9223372036854775807"));
        assertEquals("input ended inside a body", result.unfinished());
        assertEquals(new BodyFraming.Length(Long.MAX_VALUE), result.exchanges().get(0).head().framing());
    }

    @ParameterizedTest(name = "[{index}] {0} / {1}")
    @DisplayName("RFC 9110 §8.6: repeated or listed Content-Length values are accepted only when all identical")
    @CsvSource(delimiter = '|', value = {
            "5, 5     |          | 5",
            "5,5,5    |          | 5",
            "'5 , 5'  |          | 5",
            "5        | 5        | 5",
            "5        | 5, 5     | 5",
            "5, 6     |          | 400",
            "5        | 6        | 400",
            "5        | 5, 6     | 400",
            "05       | 5        | 5",
    })
    void acceptsOnlyIdenticalRepeatedContentLengths(String first, String second, String expected) {
        String raw = second == null
                ? request("POST / HTTP/1.1", "Host: a", "Content-Length: " + first)
                : request("POST / HTTP/1.1", "Host: a", "Content-Length: " + first, "Content-Length: " + second);
        if (expected.equals("400")) {
            assertEquals(400, status(raw + "hello"));
        } else {
            assertEquals("hello", run(raw + "hello").single().body());
        }
    }

    @ParameterizedTest(name = "[{index}] Transfer-Encoding: {0}")
    @DisplayName("§6.1: chunked, in any case, as the only or final coding frames the body")
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", " , chunked", "chunked ,"})
    void acceptsChunked(String codings) {
        assertEquals(BodyFraming.CHUNKED,
                run(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: " + codings) + "0\r\n\r\n")
                        .single().head().framing());
    }

    @ParameterizedTest(name = "[{index}] Transfer-Encoding: {0} -> {1}")
    @DisplayName("§6.1 and §6.3 (4): final coding not chunked is 400, chunked twice is 400, other codings 501")
    @CsvSource(delimiter = '|', value = {
            "gzip, chunked          | 501",   // RFC 9112 §6.1: a coding we do not implement is 501
            "deflate,chunked        | 501",
            "identity, chunked      | 501",
            "x-custom;p=1, chunked  | 501",
            "gzip                   | 400",   // §6.3: the final coding must be chunked in a request
            "chunked, gzip          | 400",
            "chunked, chunked       | 400",   // §6.1: chunked MUST NOT be applied more than once
            "chunked;q=1            | 400",
            "''                     | 400",
            "','                    | 400",
            "chu nked               | 400",
            "chunked x              | 400",
            "\"chunked\"            | 400",
    })
    void refusesOtherTransferCodings(String codings, int expected) {
        assertEquals(expected, status(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: " + codings)
                + "0\r\n\r\n"));
    }

    @Test
    @DisplayName("§6.1: codings from several Transfer-Encoding lines form one list")
    void combinesTransferEncodingLines() {
        assertEquals(501, status(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip",
                "Transfer-Encoding: chunked") + "0\r\n\r\n"));
        assertEquals(400, status(request("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked",
                "Transfer-Encoding: chunked") + "0\r\n\r\n"));
    }

    @ParameterizedTest(name = "[{index}] {0} then {1}")
    @DisplayName("§6.1/§6.3 (3): Transfer-Encoding together with Content-Length is 400, in either order")
    @CsvSource(delimiter = '|', value = {
            "Transfer-Encoding: chunked | Content-Length: 5",
            "Content-Length: 5          | Transfer-Encoding: chunked",
            "Content-Length: 0          | Transfer-Encoding: chunked",
            "transfer-encoding: chunked | content-length: 5",
            "Transfer-Encoding: gzip    | Content-Length: 5",
    })
    void refusesBothContentLengthAndTransferEncoding(String first, String second) {
        assertEquals(400, status(request("POST / HTTP/1.1", "Host: a", first, second) + "0\r\n\r\n"));
    }

    @Test
    @DisplayName("§6.1: Transfer-Encoding in an HTTP/1.0 request is faulty framing: 400")
    void refusesTransferEncodingInHttp10() {
        assertEquals(400, status(request("POST / HTTP/1.0", "Transfer-Encoding: chunked") + "0\r\n\r\n"));
    }

    @Test
    @DisplayName("Content-Length of exactly maxBodySize is accepted")
    void acceptsABodyOfExactlyTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodySize(10);
        assertEquals("0123456789", run(request("POST / HTTP/1.1", "Host: a", "Content-Length: 10") + "0123456789",
                limits).single().body());
    }

    @Test
    @DisplayName("Content-Length of maxBodySize + 1 is 413 from the head, before any body byte arrives")
    void refusesAContentLengthOverTheLimitBeforeTheBody() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodySize(10);
        assertEquals(413, status(request("POST / HTTP/1.1", "Host: a", "Content-Length: 11"), limits));
    }

    @Test
    @DisplayName("the Content-Length decoder hands out slices of the input, stopping at the body's end")
    void lengthDecoderSlicesWithoutCopying() throws HttpParseException {
        ByteBuffer input = ByteBuffer.wrap(Http1ParserHarness.bytes("helloGET"));
        BodyDecoder decoder = BodyDecoder.of(new BodyFraming.Length(5), Http1Limits.DEFAULTS);
        ByteBuffer content = decoder.decode(input);
        assertEquals(5, content.remaining());
        assertSame(input.array(), content.array());
        assertEquals(5, input.position());
        assertEquals(true, decoder.isComplete());
        assertEquals(5, decoder.contentLength());
        assertEquals(0, decoder.decode(input).remaining());
        assertEquals(5, input.position());
    }
}
