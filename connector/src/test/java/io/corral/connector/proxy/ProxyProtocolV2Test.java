package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.proxy.ProxyHeader.Command;
import io.corral.connector.proxy.ProxyHeader.Family;
import io.corral.connector.proxy.ProxyHeaderException.Failure;
import io.corral.connector.proxy.ProxyHeaderParser.Result;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PROXY protocol version 2, the binary header (HAProxy's {@code proxy-protocol.txt}, section 2.2), through
 * {@link ProxyHeaderParser}: hand-written bytes for each family and command, the type-length-value vectors with the
 * SSL sub-vectors, and every way to break it. Each test quotes the clause it enforces.
 */
class ProxyProtocolV2Test {

    private static final HexFormat HEX = HexFormat.of();
    private static final String SIGNATURE = "0d0a0d0a000d0a515549540a";
    /** PROXY, TCP over IPv4, 12 bytes: 192.0.2.1:56324 -> 198.51.100.2:443. */
    private static final String TCP4 = SIGNATURE + "21" + "11" + "000c" + "c0000201" + "c6336402" + "dc04" + "01bb";

    private final ProxyHeaderParser parser = new ProxyHeaderParser();

    private Result parse(byte[] bytes) throws ProxyHeaderException {
        return parser.parse(bytes, bytes.length);
    }

    private ProxyHeader complete(byte[] bytes) throws ProxyHeaderException {
        Result.Complete complete = assertInstanceOf(Result.Complete.class, parse(bytes));
        assertEquals(bytes.length, complete.length(), "the whole header, nothing more");
        return complete.header();
    }

    private static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    @Test
    @DisplayName("\\x21\\x11: PROXY over TCP/IPv4, source and destination addresses then ports, network byte order")
    void tcp4() throws Exception {
        ProxyHeader header = complete(hex(TCP4));
        assertEquals(2, header.version());
        assertEquals(Command.PROXY, header.command());
        assertEquals(Family.INET, header.family());
        assertEquals(new InetSocketAddress("192.0.2.1", 56324), header.source());
        assertEquals(new InetSocketAddress("198.51.100.2", 443), header.destination());
    }

    @Test
    @DisplayName("\\x21\\x21: PROXY over TCP/IPv6, 36 bytes of addresses")
    void tcp6() throws Exception {
        String source = "20010db8000000000000000000000001";
        String destination = "20010db8000000000000000000000002";
        ProxyHeader header = complete(hex(SIGNATURE + "2121" + "0024" + source + destination + "0050" + "1f90"));
        assertEquals(Family.INET6, header.family());
        assertEquals(new InetSocketAddress("2001:db8::1", 80), header.source());
        assertEquals(new InetSocketAddress("2001:db8::2", 8080), header.destination());
    }

    @Test
    @DisplayName("An IPv4-mapped IPv6 address (an IPv4 client of a dual-stack proxy) is the IPv4 address")
    void ipv4MappedIsIpv4() throws Exception {
        String mapped = "00000000000000000000ffffc0000201";
        String destination = "20010db8000000000000000000000002";
        ProxyHeader header = complete(hex(SIGNATURE + "2121" + "0024" + mapped + destination + "0050" + "1f90"));
        assertEquals(new InetSocketAddress("192.0.2.1", 80), header.source());
        assertEquals(new InetSocketAddress("2001:db8::2", 8080), header.destination());
    }

    @Test
    @DisplayName("\\x21\\x31: PROXY over a Unix stream socket, two 108-byte NUL-padded paths")
    void unix() throws Exception {
        byte[] block = new byte[216];
        byte[] from = "/run/client.sock".getBytes(StandardCharsets.US_ASCII);
        byte[] to = "/run/haproxy.sock".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(from, 0, block, 0, from.length);
        System.arraycopy(to, 0, block, 108, to.length);
        byte[] bytes = concat(hex(SIGNATURE + "2131" + "00d8"), block);
        ProxyHeader header = complete(bytes);
        assertEquals(Family.UNIX, header.family());
        assertEquals(UnixDomainSocketAddress.of("/run/client.sock"), header.source());
        assertEquals(UnixDomainSocketAddress.of("/run/haproxy.sock"), header.destination());
        assertArrayEquals(bytes, ProxyHeaderEncoder.v2(header), "the encoder writes the same bytes");
    }

    @Test
    @DisplayName("\\x21\\x31: a path may fill all 108 bytes, no NUL after it; 108 are read and written back, not 107")
    void unixPathOf108Bytes() throws Exception {
        byte[] block = new byte[216];
        String longest = "/" + "p".repeat(107);
        byte[] from = longest.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(from, 0, block, 0, from.length);
        byte[] bytes = concat(hex(SIGNATURE + "2131" + "00d8"), block);
        ProxyHeader header = complete(bytes);
        assertEquals(UnixDomainSocketAddress.of(longest), header.source());
        assertEquals(UnixDomainSocketAddress.of(""), header.destination());
        assertArrayEquals(bytes, ProxyHeaderEncoder.v2(header), "the encoder writes the same 108 bytes");
    }

    @Test
    @DisplayName("\\x20 LOCAL: \"the receiver must accept this connection as valid and must use the real connection "
            + "endpoints and discard the protocol block including the family\"")
    void local() throws Exception {
        for (String family : new String[] {"00", "11", "21"}) {
            // A LOCAL header may still carry a block (HAProxy's health checks send an empty one): it is skipped.
            String block = family.equals("00") ? "" : "00".repeat(family.equals("11") ? 12 : 36);
            ProxyHeader header = complete(hex(SIGNATURE + "20" + family + String.format("%04x", block.length() / 2) + block));
            assertEquals(Command.LOCAL, header.command());
            assertFalse(header.hasAddresses(), "real addresses are kept");
        }
    }

    @Test
    @DisplayName("\\x21\\x00 UNSPEC: \"the receiver is free to accept the connection anyway and use the real endpoint addresses\"")
    void unspecifiedFamily() throws Exception {
        ProxyHeader header = complete(hex(SIGNATURE + "2100" + "0000"));
        assertEquals(Command.PROXY, header.command());
        assertEquals(Family.UNSPEC, header.family());
        assertFalse(header.hasAddresses());
    }

    @Test
    @DisplayName("Section 2.2.1-2.2.7: ALPN, AUTHORITY, UNIQUE_ID, NETNS and custom vectors after the addresses; NOOP is padding")
    void tlvs() throws Exception {
        byte[] bytes = ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(new InetSocketAddress("192.0.2.1", 1),
                new InetSocketAddress("192.0.2.2", 2),
                new ProxyTlv(ProxyTlv.PP2_TYPE_ALPN, "h2".getBytes(StandardCharsets.US_ASCII)),
                new ProxyTlv(ProxyTlv.PP2_TYPE_NOOP, new byte[3]),
                new ProxyTlv(ProxyTlv.PP2_TYPE_AUTHORITY, "example.com".getBytes(StandardCharsets.UTF_8)),
                new ProxyTlv(ProxyTlv.PP2_TYPE_UNIQUE_ID, new byte[128]),
                new ProxyTlv(ProxyTlv.PP2_TYPE_NETNS, "blue".getBytes(StandardCharsets.US_ASCII)),
                new ProxyTlv(0xE0, new byte[] {1, 2, 3}),
                new ProxyTlv(0xE1, new byte[0])));
        ProxyHeader header = complete(bytes);
        assertEquals("h2", header.alpn());
        assertEquals("example.com", header.authority());
        assertArrayEquals(new byte[128], header.uniqueId());
        assertEquals("blue", header.tlv(ProxyTlv.PP2_TYPE_NETNS).text());
        assertArrayEquals(new byte[] {1, 2, 3}, header.tlv(0xE0).value());
        assertEquals(0, header.tlv(0xE1).value().length);
        assertNull(header.tlv(ProxyTlv.PP2_TYPE_NOOP), "padding is not kept");
        assertEquals(List.of(0x01, 0x02, 0x05, 0x30, 0xE0, 0xE1), header.tlvs().stream().map(ProxyTlv::type).toList());
        assertNull(header.ssl());
        assertFalse(header.clientSsl());
    }

    @Test
    @DisplayName("Section 2.2.5 PP2_TYPE_SSL: client bits, verify, then VERSION, CN, CIPHER, SIG_ALG, KEY_ALG sub-vectors")
    void ssl() throws Exception {
        byte[] value = ProxyHeaderEncoder.sslValue(ProxySsl.PP2_CLIENT_SSL | ProxySsl.PP2_CLIENT_CERT_CONN
                        | ProxySsl.PP2_CLIENT_CERT_SESS, 0,
                sub(ProxySsl.PP2_SUBTYPE_SSL_VERSION, "TLSv1.3"),
                sub(ProxySsl.PP2_SUBTYPE_SSL_CN, "client.example"),
                sub(ProxySsl.PP2_SUBTYPE_SSL_CIPHER, "TLS_AES_128_GCM_SHA256"),
                sub(ProxySsl.PP2_SUBTYPE_SSL_SIG_ALG, "SHA256"),
                sub(ProxySsl.PP2_SUBTYPE_SSL_KEY_ALG, "RSA2048"));
        ProxyHeader header = complete(ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(
                new InetSocketAddress("192.0.2.1", 1), new InetSocketAddress("192.0.2.2", 2),
                new ProxyTlv(ProxyTlv.PP2_TYPE_SSL, value))));
        ProxySsl ssl = header.ssl();
        assertTrue(header.clientSsl());
        assertTrue(ssl.clientCertificateOnConnection());
        assertTrue(ssl.clientCertificateVerified());
        assertEquals("TLSv1.3", ssl.version());
        assertEquals("client.example", ssl.commonName());
        assertEquals("TLS_AES_128_GCM_SHA256", ssl.cipher());
        assertEquals("SHA256", ssl.signatureAlgorithm());
        assertEquals("RSA2048", ssl.keyAlgorithm());

        ProxyHeader unverified = complete(ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(
                new InetSocketAddress("192.0.2.1", 1), new InetSocketAddress("192.0.2.2", 2),
                new ProxyTlv(ProxyTlv.PP2_TYPE_SSL, ProxyHeaderEncoder.sslValue(ProxySsl.PP2_CLIENT_CERT_CONN, 1)))));
        assertFalse(unverified.clientSsl(), "a certificate bit without PP2_CLIENT_SSL");
        assertFalse(unverified.ssl().clientCertificateVerified(), "verify != 0");
    }

    @Test
    @DisplayName("Section 2.2.3 PP2_TYPE_CRC32C: a header whose checksum matches passes; one changed byte is refused")
    void crc32c() throws Exception {
        byte[] bytes = ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(new InetSocketAddress("192.0.2.1", 1),
                new InetSocketAddress("192.0.2.2", 2), new ProxyTlv(ProxyTlv.PP2_TYPE_ALPN, new byte[] {'h', '2'})), true);
        complete(bytes);
        bytes[20] ^= 1; // the destination address
        assertEquals(Failure.MALFORMED, assertThrows(ProxyHeaderException.class, () -> parse(bytes)).failure());
    }

    @Test
    @DisplayName("The bytes after the header are the client's: length is 16 + len")
    void lengthLeavesTheClientsBytes() throws Exception {
        byte[] bytes = concat(hex(TCP4), "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(28, assertInstanceOf(Result.Complete.class, parse(bytes)).length());
    }

    @Test
    @DisplayName("Every prefix of a header asks for more, and says how much at least (16, then 16 + len)")
    void everyPrefixNeedsMore() throws Exception {
        byte[] bytes = hex(TCP4);
        for (int n = 1; n < bytes.length; n++) {
            Result.NeedMore more = assertInstanceOf(Result.NeedMore.class, parser.parse(bytes, n), "prefix of " + n);
            assertEquals(n < 12 ? 12 : n < 16 ? 16 : 28, more.atLeast(), "prefix of " + n);
        }
    }

    @Test
    @DisplayName("The length is bounded: at the limit it passes, one byte past it is refused before the rest is read")
    void lengthLimit() throws Exception {
        ProxyHeaderParser small = new ProxyHeaderParser(20);
        byte[] atLimit = hex(SIGNATURE + "2111" + "0014" + "c0000201c6336402dc0401bb" + "e00005" + "0102030405");
        assertEquals(36, atLimit.length);
        assertInstanceOf(Result.Complete.class, small.parse(atLimit, atLimit.length));
        byte[] pastLimit = hex(SIGNATURE + "2111" + "0015");
        ProxyHeaderException e = assertThrows(ProxyHeaderException.class, () -> small.parse(pastLimit, pastLimit.length));
        assertEquals(Failure.TOO_LARGE, e.failure());
        assertEquals(Failure.TOO_LARGE, assertThrows(ProxyHeaderException.class,
                () -> parse(hex(SIGNATURE + "2111" + "ffff"))).failure(), "65535 past the default of 2048");
    }

    static Stream<Arguments> malformations() {
        return Stream.of(
                Arguments.of("version 1 in the binary form", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "21", SIGNATURE + "11")),
                Arguments.of("version 3", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "21", SIGNATURE + "31")),
                Arguments.of("command 2", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "21", SIGNATURE + "22")),
                Arguments.of("command 15", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "21", SIGNATURE + "2f")),
                Arguments.of("family 4", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "2111", SIGNATURE + "2141")),
                Arguments.of("transport 3", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "2111", SIGNATURE + "2113")),
                Arguments.of("INET over DGRAM", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "2111", SIGNATURE + "2112")),
                Arguments.of("INET over UNSPEC transport", (UnaryOperator<String>) h -> h.replace(SIGNATURE + "2111", SIGNATURE + "2110")),
                Arguments.of("INET block too short", (UnaryOperator<String>) h -> h.replace("2111000c", "2111000b").substring(0, h.length() - 2)),
                Arguments.of("INET6 in 12 bytes", (UnaryOperator<String>) h -> h.replace("2111000c", "2121000c")),
                Arguments.of("truncated vector header", (UnaryOperator<String>) h -> h.replace("2111000c", "2111000e") + "0100"),
                Arguments.of("vector past the end", (UnaryOperator<String>) h -> h.replace("2111000c", "21110010") + "010002" + "68"),
                Arguments.of("SSL vector under 5 bytes", (UnaryOperator<String>) h -> h.replace("2111000c", "21110013") + "200004" + "01000000"),
                Arguments.of("SSL sub-vector past its end", (UnaryOperator<String>) h -> h.replace("2111000c", "21110018") + "200009" + "0100000000" + "210005" + "74"),
                Arguments.of("CRC32C of 3 bytes", (UnaryOperator<String>) h -> h.replace("2111000c", "21110012") + "030003" + "000000"),
                Arguments.of("CRC32C wrong", (UnaryOperator<String>) h -> h.replace("2111000c", "21110013") + "030004" + "00000000"),
                Arguments.of("unique id of 129 bytes", (UnaryOperator<String>) h -> h.replace("2111000c", "21110090") + "050081" + "00".repeat(129)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformations")
    @DisplayName("Anything the specification does not allow is refused as malformed")
    void malformed(String what, UnaryOperator<String> change) {
        byte[] bytes = hex(change.apply(TCP4));
        ProxyHeaderException e = assertThrows(ProxyHeaderException.class, () -> parse(bytes), what);
        assertEquals(Failure.MALFORMED, e.failure(), what + ": " + e.getMessage());
    }

    @Test
    @DisplayName("A signature that goes wrong part of the way is not a header (the client's bytes, e.g. a blank line)")
    void brokenSignatureIsAbsent() throws Exception {
        assertInstanceOf(Result.Absent.class, parse(hex("0d0a0d0a000d0a5155495420")));
        assertInstanceOf(Result.Absent.class, parse("\r\nGET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    @DisplayName("ProxyHeaderEncoder.v2 writes the hand-written bytes above")
    void encoderWritesTheSameBytes() {
        byte[] written = ProxyHeaderEncoder.v2(ProxyHeaderEncoder.tcp(new InetSocketAddress("192.0.2.1", 56324),
                new InetSocketAddress("198.51.100.2", 443)));
        assertEquals(TCP4, HEX.formatHex(written));
    }

    private static ProxyTlv sub(int type, String text) {
        return new ProxyTlv(type, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
