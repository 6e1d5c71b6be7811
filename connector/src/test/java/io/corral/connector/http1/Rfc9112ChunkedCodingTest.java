package io.corral.connector.http1;

import io.corral.connector.stream.BodyFraming;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.bytes;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.run;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112 §7.1: {@code chunked-body = *chunk last-chunk trailer-section CRLF}, with
 * {@code chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF}; §7.1.1 chunk extensions, §7.1.2 trailer
 * section; and the body size limit.
 */
class Rfc9112ChunkedCodingTest {

    private static final String HEAD = request("POST /upload HTTP/1.1", "Host: a", "Transfer-Encoding: chunked");

    private static Http1ParserHarness.Exchange decode(String body) {
        return run(HEAD + body).single();
    }

    private static Http1ParserHarness.Exchange decode(String body, Http1Limits limits) {
        return run(HEAD + body, limits).single();
    }

    private static int statusOf(String body) {
        return status(HEAD + body);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1: chunk-size is hexadecimal, any case, leading zeros allowed; last-chunk is 0")
    @CsvSource(delimiter = '|', value = {
            "'5\r\nhello\r\n0\r\n\r\n'                           | hello",
            "'5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n'            | hello world",
            "'a\r\n0123456789\r\n0\r\n\r\n'                      | 0123456789",
            "'A\r\n0123456789\r\n0\r\n\r\n'                      | 0123456789",
            "'0000000000000005\r\nhello\r\n000\r\n\r\n'          | hello",
            "'1\r\nx\r\n1\r\ny\r\n1\r\nz\r\n0\r\n\r\n'           | xyz",
            "'0\r\n\r\n'                                         | ''",
    })
    void decodesChunks(String body, String content) {
        Http1ParserHarness.Exchange exchange = decode(body);
        assertEquals(content, exchange.body());
        assertTrue(exchange.trailers().isEmpty());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1.1: chunk-ext = *( BWS \";\" BWS chunk-ext-name [ BWS \"=\" BWS chunk-ext-val ] ), ignored")
    @ValueSource(strings = {
            "5;name\r\n",
            "5;name=value\r\n",
            "5;a=1;b;c=2\r\n",
            "5 ;a = 1\r\n",
            "5\t; a =\t1 ;b\r\n",
            "5;a=\"quoted value\"\r\n",
            "5;a=\"semi;colon, comma\"\r\n",
            "5;a=\"esc\\\"aped\\\\\"\r\n",
            "5;a=\"\"\r\n",
            "5;a=\"obs-text \u00e9\"\r\n",
            "5;a=\"x\" ;b\r\n",
    })
    void acceptsAndIgnoresExtensions(String sizeLine) {
        assertEquals("hello", decode(sizeLine + "hello\r\n0;last=1\r\n\r\n").body());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1.1: malformed chunk extensions are 400")
    @ValueSource(strings = {
            "5;\r\n",
            "5;=x\r\n",
            "5;a=\r\n",
            "5;a=b c\r\n",
            "5;a b\r\n",
            "5;a=\"unterminated\r\n",
            "5;a=\"line\nbreak\"\r\n",
            "5;a=\"bare\rcr\"\r\n",
            "5;a=\"nul\u0000\"\r\n",
            "5;a=\"x\"y\r\n",
            "5;a(b)\r\n",
            "5 \r\n",
            "5;a=b \r\n",
            "5;a\u0001\r\n",
    })
    void refusesMalformedExtensions(String sizeLine) {
        assertEquals(400, statusOf(sizeLine + "hello\r\n0\r\n\r\n"));
    }

    @Test
    @DisplayName("chunk extensions up to the length bound are accepted, one byte more is 400")
    void boundsTheLengthOfExtensions() {
        int max = ChunkedBodyDecoder.MAX_CHUNK_EXTENSIONS_LENGTH;
        String atLimit = ";" + "e".repeat(max - 1);
        assertEquals("hello", decode("5" + atLimit + "\r\nhello\r\n0\r\n\r\n").body());
        assertEquals(400, statusOf("5" + atLimit + "e\r\nhello\r\n0\r\n\r\n"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1: a missing, malformed or overflowing chunk-size is 400")
    @ValueSource(strings = {
            "\r\nhello\r\n0\r\n\r\n",
            ";a\r\nhello\r\n0\r\n\r\n",
            "g\r\nhello\r\n0\r\n\r\n",
            "-5\r\nhello\r\n0\r\n\r\n",
            "+5\r\nhello\r\n0\r\n\r\n",
            "0x5\r\nhello\r\n0\r\n\r\n",
            " 5\r\nhello\r\n0\r\n\r\n",
            "00000000000000005\r\nhello\r\n0\r\n\r\n",
            "ffffffffffffffff\r\n",
            "8000000000000000\r\n",
    })
    void refusesBadChunkSizes(String body) {
        assertEquals(400, statusOf(body));
    }

    @Test
    @DisplayName("the largest chunk-size a long holds is accepted when there is no body limit")
    void acceptsTheLargestChunkSize() {
        assertEquals("input ended inside a body", run(HEAD + "7fffffffffffffff\r\nabc").unfinished());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1: chunk-data is followed by CRLF; bare LF or anything else there is 400")
    @ValueSource(strings = {
            "5\r\nhelloX\r\n0\r\n\r\n",
            "5\r\nhello\n0\r\n\r\n",
            "5\r\nhello\rX0\r\n\r\n",
            "5\r\nhello0\r\n\r\n",
            "3\r\nhello\r\n0\r\n\r\n",
    })
    void requiresCrlfAfterChunkData(String body) {
        assertEquals(400, statusOf(body));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("framing lines of a chunked body end in CRLF: a bare LF there is refused, not guessed at")
    @ValueSource(strings = {"5\nhello\r\n0\r\n\r\n", "5\r\nhello\r\n0\n\r\n", "5\r\nhello\r\n0\r\n\n",
            "5\r\nhello\r\n0\r\nX: y\n\r\n", "5\rhello\r\n0\r\n\r\n"})
    void refusesBareLfInChunkFraming(String body) {
        assertEquals(400, statusOf(body));
    }

    @Test
    @DisplayName("§7.1.2: trailer fields after the last chunk are parsed and kept")
    void keepsTrailerFields() {
        Http1ParserHarness.Exchange exchange = decode("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Other:  d e \r\n\r\n");
        assertEquals("hello", exchange.body());
        assertEquals("abc", exchange.trailers().get("X-Checksum"));
        assertEquals("d e", exchange.trailers().get("x-other"));
        assertEquals(2, exchange.trailers().size());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§7.1.2: trailer fields follow the header field rules (§5): bad ones are 400")
    @ValueSource(strings = {"X : y\r\n", "X: y\r\n z\r\n", " X: y\r\n", ": y\r\n", "X: a\u0000b\r\n", "NoColon\r\n",
            "X: a\rb\r\n"})
    void refusesBadTrailerFields(String trailer) {
        assertEquals(400, statusOf("5\r\nhello\r\n0\r\n" + trailer + "\r\n"));
    }

    @Test
    @DisplayName("maxHeaderCount trailer fields are accepted, one more is 431")
    void boundsTheNumberOfTrailerFields() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderCount(3);
        assertEquals(3, decode("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits).trailers().size());
        assertEquals(431, status(HEAD + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n", limits));
    }

    @Test
    @DisplayName("a trailer section of exactly maxHeaderSectionSize bytes is accepted, one byte more is 431")
    void boundsTheSizeOfTheTrailerSection() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderSectionSize(100);
        String framing = "X: \r\n\r\n";
        String atLimit = "X: " + "v".repeat(100 - framing.length()) + "\r\n\r\n";
        assertEquals(100, atLimit.length());
        assertEquals(100 - framing.length(), decode("0\r\n" + atLimit, limits).trailers().get("X").length());
        String overLimit = "X: " + "v".repeat(101 - framing.length()) + "\r\n\r\n";
        assertEquals(431, status(HEAD + "0\r\n" + overLimit, limits));
    }

    @Test
    @DisplayName("a chunked body of exactly maxBodySize bytes is accepted")
    void acceptsAChunkedBodyOfExactlyTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodySize(10);
        assertEquals("0123456789", decode("4\r\n0123\r\n6\r\n456789\r\n0\r\n\r\n", limits).body());
    }

    @Test
    @DisplayName("a chunked body of maxBodySize + 1 is 413, as soon as a chunk-size says so")
    void refusesAChunkedBodyOverTheLimitAtTheChunkSize() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodySize(10);
        assertEquals(413, status(HEAD + "4\r\n0123\r\n7\r\n", limits));
        assertEquals(413, status(HEAD + "b\r\n", limits));
        assertEquals(413, status(HEAD + "fffffffffffffffffffffff", limits));
    }

    @Test
    @DisplayName("a chunked body ends after the trailer section's CRLF, never later")
    void stopsAtTheEndOfTheBody() throws HttpParseException {
        ByteBuffer input = ByteBuffer.wrap(bytes("5\r\nhello\r\n0\r\nA: b\r\n\r\nGET"));
        BodyDecoder decoder = BodyDecoder.of(BodyFraming.CHUNKED, Http1Limits.DEFAULTS);
        ByteBuffer content = decoder.decode(input);
        assertEquals("hello", Http1ParserHarness.text(content));
        assertSame(input.array(), content.array());
        // The framing that follows the data was consumed in the same call: the body is complete.
        assertTrue(decoder.isComplete());
        assertEquals("GET", Http1ParserHarness.text(input));
        assertEquals("b", decoder.trailers().get("A"));
        assertEquals(5, decoder.contentLength());
    }

    @Test
    @DisplayName("trailers() is empty until the body is complete")
    void trailersAreEmptyUntilComplete() throws HttpParseException {
        BodyDecoder decoder = BodyDecoder.of(BodyFraming.CHUNKED, Http1Limits.DEFAULTS);
        decoder.decode(ByteBuffer.wrap(bytes("0\r\nA: b\r\n")));
        assertFalse(decoder.isComplete());
        assertTrue(decoder.trailers().isEmpty());
        decoder.decode(ByteBuffer.wrap(bytes("\r\n")));
        assertTrue(decoder.isComplete());
        assertEquals("b", decoder.trailers().get("A"));
    }

    @Test
    @DisplayName("content before bad framing is handed out first; the error comes with the next call")
    void deliversContentBeforeAFramingError() throws HttpParseException {
        BodyDecoder decoder = BodyDecoder.of(BodyFraming.CHUNKED, Http1Limits.DEFAULTS);
        ByteBuffer input = ByteBuffer.wrap(bytes("5\r\nhelloXY"));
        assertEquals("hello", Http1ParserHarness.text(decoder.decode(input)));
        HttpParseException e = assertThrows(HttpParseException.class, () -> decoder.decode(input));
        assertEquals(400, e.status());
    }

    @Test
    @DisplayName("one call hands out one chunk's data at most; the next chunk waits for the next call")
    void handsOutOneChunkPerCall() throws HttpParseException {
        BodyDecoder decoder = BodyDecoder.of(BodyFraming.CHUNKED, Http1Limits.DEFAULTS);
        ByteBuffer input = ByteBuffer.wrap(bytes("2\r\nab\r\n3\r\ncde\r\n0\r\n\r\n"));
        assertEquals("ab", Http1ParserHarness.text(decoder.decode(input)));
        assertEquals("cde", Http1ParserHarness.text(decoder.decode(input)));
        assertTrue(decoder.isComplete());
        assertFalse(input.hasRemaining());
    }
}
