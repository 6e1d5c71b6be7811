package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.proxy.ProxyHeader.Command;
import io.corral.connector.proxy.ProxyHeader.Family;
import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.connector.proxy.ProxyHeaderParser.Result;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PROXY protocol version 1, the human-readable header (HAProxy's {@code proxy-protocol.txt}, section 2.1), byte by
 * byte through {@link ProxyHeaderParser}: each test quotes the clause it enforces.
 */
class ProxyProtocolV1Test {

    private final ProxyHeaderParser parser = new ProxyHeaderParser();

    private Result parse(String text) throws ProxyHeaderException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return parser.parse(bytes, bytes.length);
    }

    private ProxyHeader complete(String text) throws ProxyHeaderException {
        Result result = parse(text);
        Result.Complete complete = assertInstanceOf(Result.Complete.class, result, text);
        return complete.header();
    }

    private ProxyHeaderException refused(String text) {
        return assertThrows(ProxyHeaderException.class, () -> parse(text), () -> "accepted: " + text);
    }

    @Test
    @DisplayName("\"PROXY TCP4 <src> <dst> <sport> <dport>\\r\\n\": the client's IPv4 address and port, and the one it reached")
    void tcp4() throws Exception {
        ProxyHeader header = complete("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n");
        assertEquals(1, header.version());
        assertEquals(Command.PROXY, header.command());
        assertEquals(Family.INET, header.family());
        assertEquals(new InetSocketAddress("192.0.2.1", 56324), header.source());
        assertEquals(new InetSocketAddress("198.51.100.2", 443), header.destination());
        assertTrue(header.tlvs().isEmpty());
    }

    @Test
    @DisplayName("TCP6: IPv6 literals, compressed or not")
    void tcp6() throws Exception {
        ProxyHeader header = complete("PROXY TCP6 2001:db8::1 2001:db8:0:0:0:0:0:2 65535 0\r\n");
        assertEquals(Family.INET6, header.family());
        assertEquals(new InetSocketAddress("2001:db8::1", 65535), header.source());
        assertEquals(new InetSocketAddress("2001:db8::2", 0), header.destination());
    }

    @Test
    @DisplayName("Section 2.1: the length of a whole header is what the parser consumed; the bytes after it are the client's")
    void lengthIsTheLineWithItsCrlf() throws Exception {
        String line = "PROXY TCP4 10.0.0.1 10.0.0.2 1 2\r\n";
        Result result = parse(line + "GET / HTTP/1.1\r\n");
        assertEquals(line.length(), assertInstanceOf(Result.Complete.class, result).length());
    }

    @Test
    @DisplayName("\"PROXY UNKNOWN\": the receiver must ignore anything presented before the CRLF and keep the real addresses")
    void unknownIgnoresTheRest() throws Exception {
        for (String text : new String[] {"PROXY UNKNOWN\r\n", "PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n",
                "PROXY UNKNOWN whatever is here\r\n"}) {
            ProxyHeader header = complete(text);
            assertEquals(Family.UNSPEC, header.family());
            assertFalse(header.hasAddresses(), text);
        }
    }

    @Test
    @DisplayName("\"a receiver ... has to stop reading at 107 bytes\": 107 bytes with CRLF pass, 108 do not")
    void longestHeaderIs107Bytes() throws Exception {
        String unknown = "PROXY UNKNOWN ";
        String exactly107 = unknown + "x".repeat(107 - unknown.length() - 2) + "\r\n";
        assertEquals(107, exactly107.length());
        complete(exactly107);
        String bytes108 = unknown + "x".repeat(108 - unknown.length() - 2) + "\r\n";
        assertEquals(Failure.TOO_LARGE, refused(bytes108).failure());
        assertEquals(Failure.TOO_LARGE, refused(unknown + "x".repeat(200)).failure(), "no CRLF within 107 bytes");
    }

    @Test
    @DisplayName("The header may arrive in pieces: a prefix asks for more, never fails")
    void everyPrefixNeedsMore() throws Exception {
        String line = "PROXY TCP6 ::1 ::2 12345 80\r\n";
        for (int n = 1; n < line.length(); n++) {
            Result result = parse(line.substring(0, n));
            Result.NeedMore more = assertInstanceOf(Result.NeedMore.class, result, "prefix of " + n);
            assertTrue(more.atLeast() > n, "asks for more than it has");
        }
        complete(line);
    }

    @ParameterizedTest(name = "not a header: {0}")
    @ValueSource(strings = {"GET / HTTP/1.1\r\n", "PUT /x HTTP/1.1\r\n", "POST /", "\u0016\u0003\u0001", "PROXYTCP4"})
    @DisplayName("Bytes that cannot begin \"PROXY \" are the client's own")
    void absent(String text) throws Exception {
        assertInstanceOf(Result.Absent.class, parse(text));
    }

    @ParameterizedTest(name = "malformed: {0}")
    @ValueSource(strings = {
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324\r\n",          // a field missing
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443 7\r\n",    // a field too many
            "PROXY TCP4  192.0.2.1 198.51.100.2 56324 443\r\n",     // two spaces
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443 \r\n",     // trailing space
            "PROXY TCP5 192.0.2.1 198.51.100.2 56324 443\r\n",      // unknown protocol
            "PROXY tcp4 192.0.2.1 198.51.100.2 56324 443\r\n",      // protocol is case-sensitive
            "PROXY  \r\n",                                          // no protocol
            "PROXY \r\n",
            "PROXY TCP4 192.0.2 198.51.100.2 56324 443\r\n",        // three octets
            "PROXY TCP4 192.0.2.256 198.51.100.2 56324 443\r\n",    // octet over 255
            "PROXY TCP4 192.0.02.1 198.51.100.2 56324 443\r\n",     // leading zero (octal to some)
            "PROXY TCP4 localhost 198.51.100.2 56324 443\r\n",      // a name, never looked up
            "PROXY TCP4 ::1 198.51.100.2 56324 443\r\n",            // IPv6 under TCP4
            "PROXY TCP6 192.0.2.1 ::2 56324 443\r\n",               // IPv4 under TCP6
            "PROXY TCP6 ::g ::2 56324 443\r\n",                     // not hex
            "PROXY TCP6 fe80::1%eth0 ::2 56324 443\r\n",            // scope id
            "PROXY TCP6 1:2:3:4:5:6:7:8:9 ::2 56324 443\r\n",       // nine groups
            "PROXY TCP4 192.0.2.1 198.51.100.2 65536 443\r\n",      // port over 65535
            "PROXY TCP4 192.0.2.1 198.51.100.2 -1 443\r\n",         // negative port
            "PROXY TCP4 192.0.2.1 198.51.100.2 0443 443\r\n",       // leading zero
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 44a\r\n",      // not a number
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\rX",       // CR without LF
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\n",        // LF without CR
            "PROXY TCP4 192.0.2.1\u0000198.51.100.2 56324 443\r\n", // control byte
            "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\u00ff\r\n" // byte over 0x7E
    })
    @DisplayName("Anything else breaks the grammar and is refused at once")
    void malformed(String text) {
        assertEquals(Failure.MALFORMED, refused(text).failure());
    }

    @Test
    @DisplayName("A malformed byte is refused before the CRLF arrives: a broken peer does not hold its slot until the deadline")
    void refusedWithoutWaitingForTheEnd() {
        assertEquals(Failure.MALFORMED, refused("PROXY TCP4 192.0.2.1\n").failure());
    }

    @Test
    @DisplayName("ProxyHeaderEncoder.v1 writes what the parser reads back")
    void encoderRoundTrip() throws Exception {
        ProxyHeader sent = ProxyHeaderEncoder.tcp(new InetSocketAddress("203.0.113.9", 40000),
                new InetSocketAddress("203.0.113.10", 8443));
        byte[] bytes = ProxyHeaderEncoder.v1(sent);
        assertEquals("PROXY TCP4 203.0.113.9 203.0.113.10 40000 8443\r\n", new String(bytes, StandardCharsets.US_ASCII));
        ProxyHeader read = complete(new String(bytes, StandardCharsets.US_ASCII));
        assertEquals(sent.source(), read.source());
        assertEquals(sent.destination(), read.destination());
    }
}
