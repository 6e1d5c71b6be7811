package io.corral.connector.http1;

import io.corral.connector.stream.RequestHead;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.corral.connector.http1.Http1ParserHarness.error;
import static io.corral.connector.http1.Http1ParserHarness.head;
import static io.corral.connector.http1.Http1ParserHarness.request;
import static io.corral.connector.http1.Http1ParserHarness.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RFC 9112 §5 (field syntax, §5.1 no whitespace before the colon, §5.2 obsolete line folding) and RFC
 * 9110 §5.5 (field values), with the header section limits: size (431) and field count (431).
 */
class Rfc9112FieldSyntaxTest {

    private static String valueOf(String fieldLine) {
        return head(request("GET / HTTP/1.1", "Host: a", fieldLine)).headers().get("X");
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
    @DisplayName("§5.1: field-line = field-name \":\" OWS field-value OWS — the OWS is not part of the value")
    @CsvSource(delimiter = '|', value = {
            "X: v          | v",
            "X:v           | v",
            "'X:   v   '   | v",
            "'X:\tv\t'     | v",
            "'X: a b  c '  | a b  c",
            "'X: a\tb'     | a\tb",
            "X:            | ''",
            "'X:    '      | ''",
    })
    void trimsOptionalWhitespaceAroundTheValue(String fieldLine, String value) {
        assertEquals(value, valueOf(fieldLine));
    }

    @ParameterizedTest(name = "[{index}] byte 0x{0}")
    @DisplayName("RFC 9110 §5.5: obs-text (0x80-0xFF) is kept, as ISO-8859-1 characters")
    @ValueSource(strings = {"80", "a0", "e9", "ff"})
    void keepsObsTextAsIso88591(String hex) {
        char c = (char) Integer.parseInt(hex, 16);
        assertEquals("a" + c + "b", valueOf("X: a" + c + "b"));
    }

    @ParameterizedTest(name = "[{index}] byte 0x{0}")
    @DisplayName("RFC 9110 §5.5: NUL, CR, LF and other CTLs in a value are 400")
    @ValueSource(strings = {"00", "01", "07", "08", "0b", "0c", "0d", "1b", "1f", "7f"})
    void refusesControlCharactersInValues(String hex) {
        char c = (char) Integer.parseInt(hex, 16);
        assertEquals(400, status(request("GET / HTTP/1.1", "Host: a", "X: a" + c + "b")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§5.1: \"No whitespace is allowed between the field name and colon\" — such a request is 400")
    @ValueSource(strings = {"Host : a", "Host\t: a", "X-Y  : z"})
    void refusesWhitespaceBeforeTheColon(String fieldLine) {
        assertEquals(400, status(request("GET / HTTP/1.1", "Accept: */*", fieldLine)));
    }

    @Test
    @DisplayName("the error says what and where: whitespace before the colon at line 3")
    void namesTheLineOfTheError() {
        HttpParseException e = error(request("GET / HTTP/1.1", "Host: a", "X-Y : z"), Http1Limits.DEFAULTS);
        assertTrue(e.getMessage().contains("whitespace before the colon") && e.getMessage().endsWith("line 3"),
                e.getMessage());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("§5.2: obs-fold (a line starting with SP or HTAB) in a request is 400")
    @ValueSource(strings = {"X: a\r\n b", "X: a\r\n\tb", "X: a\r\n    "})
    void refusesObsoleteLineFolding(String lines) {
        assertEquals(400, status(request("GET / HTTP/1.1", "Host: a", lines)));
    }

    @Test
    @DisplayName("§2.2: whitespace between the start-line and the first field is 400")
    void refusesWhitespaceBeforeTheFirstField() {
        assertEquals(400, status(request("GET / HTTP/1.1", " Host: a")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @DisplayName("RFC 9110 §5.1: field-name = token; an empty name, a non-token byte or no colon is 400")
    @ValueSource(strings = {": v", "X(Y: v", "X/Y: v", "X\"Y: v", "\u00c4: v", "X@: v", "{X}: v", "NoColon",
            "X;Y: v", "X Y: v"})
    void refusesBadFieldNames(String fieldLine) {
        assertEquals(400, status(request("GET / HTTP/1.1", "Host: a", fieldLine)));
    }

    @Test
    @DisplayName("names keep the spelling they arrived with; well-known ones come out as shared strings")
    void keepsNameSpelling() {
        RequestHead head = head(request("GET / HTTP/1.1", "Host: a", "content-type: text/plain",
                "X-CUSTOM: 1", "Accept: */*"));
        List<String> names = new java.util.ArrayList<>();
        head.headers().forEach(field -> names.add(field.name()));
        assertEquals(List.of("Host", "content-type", "X-CUSTOM", "Accept"), names);
        assertSame("Host", names.get(0));
        assertSame("content-type", names.get(1));
        assertSame("Accept", names.get(3));
    }

    @Test
    @DisplayName("RFC 9110 §5.3: repeated fields are kept in order")
    void keepsRepeatedFieldsInOrder() {
        RequestHead head = head(request("GET / HTTP/1.1", "Host: a", "Accept: 1", "X: y", "Accept: 2"));
        assertEquals(List.of("1", "2"), head.headers().getAll("accept"));
    }

    @Test
    @DisplayName("maxHeaderCount fields are accepted")
    void acceptsExactlyMaxHeaderCountFields() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderCount(4);
        assertEquals(4, head(request("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3"), limits).headers().size());
    }

    @Test
    @DisplayName("maxHeaderCount + 1 fields is 431 (RFC 6585 §5)")
    void refusesOneFieldOverMaxHeaderCount() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderCount(4);
        assertEquals(431, status(request("GET / HTTP/1.1", "Host: a", "A: 1", "B: 2", "C: 3", "D: 4"), limits));
    }

    /** A head of exactly {@code size} bytes, request line and final empty line included. */
    private static String headOfSize(int size) {
        String start = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
        String end = "\r\n\r\n";
        return start + "v".repeat(size - start.length() - end.length()) + end;
    }

    @Test
    @DisplayName("a header section of exactly maxHeaderSectionSize bytes is accepted")
    void acceptsAHeadOfExactlyTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderSectionSize(200);
        String raw = headOfSize(200);
        assertEquals(200, raw.length());
        int framingBytes = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n".length();
        assertEquals(200 - framingBytes, head(raw, limits).headers().get("X").length());
    }

    @Test
    @DisplayName("a header section one byte over maxHeaderSectionSize is 431")
    void refusesAHeadOneByteOverTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderSectionSize(200);
        assertEquals(431, status(headOfSize(201), limits));
    }

    @Test
    @DisplayName("the section limit applies while bytes arrive: a field that never ends is 431, not buffered")
    void refusesAnEndlessFieldOnceOverTheLimit() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderSectionSize(200);
        assertEquals(431, status("GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(300), limits));
        assertEquals(431, status("GET / HTTP/1.1\r\nHost: a\r\n" + "X".repeat(300), limits));
    }

    @Test
    @DisplayName("a method longer than the section limit is 431")
    void refusesAnEndlessMethod() {
        Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderSectionSize(64);
        assertEquals(431, status("G".repeat(65), limits));
    }

    @Test
    @DisplayName("a long field line cut across many reads is put together again")
    void reassemblesALongValueCutAcrossReads() {
        String value = "x".repeat(3000);
        assertEquals(value, valueOf("X: " + value));
    }
}
