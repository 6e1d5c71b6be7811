package io.corral.connector.proxy;

import io.corral.connector.proxy.ProxyHeader.Command;
import io.corral.connector.proxy.ProxyHeader.Family;
import io.corral.connector.proxy.ProxyHeaderException.Failure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Parses a PROXY protocol header from the first bytes of a connection (HAProxy's {@code proxy-protocol.txt},
 * versions 1 and 2), strictly: whatever the specification does not allow is refused, because the header decides
 * which address the application trusts as its client's. No I/O: the caller hands in what it has read so far and
 * learns whether that is a whole header, whether more is needed, or whether the bytes cannot begin one.
 *
 * <p>Addresses are parsed as literals; a name is never looked up. Version 1 is at most 107 bytes, CRLF included
 * (section 2.1); version 2's length is bounded by {@code maxV2Length}. A {@code PP2_TYPE_CRC32C} vector is checked.
 * Thread-safe and stateless apart from its limit.
 */
public final class ProxyHeaderParser {

    /** Section 2.1: "a receiver ... knows it has to stop reading at 107 bytes" — CRLF included. */
    public static final int V1_MAX_LENGTH = 107;
    /** The fixed part of a version 2 header: signature, version and command, family, length. */
    public static final int V2_FIXED_LENGTH = 16;
    /**
     * The default bound of a version 2 header's variable part: the largest address block (two Unix paths, 216
     * bytes) and room for HAProxy's vectors (ALPN, authority, a 128-byte unique id, the TLS facts with a
     * certificate's common name). Jetty's {@code ProxyConnectionFactory} allows 1024.
     */
    public static final int DEFAULT_MAX_V2_LENGTH = 2048;

    static final byte[] V1_SIGNATURE = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** "PROXY UNKNOWN\r\n", the shortest version 1 header. */
    private static final int V1_MIN_LENGTH = 15;
    private static final int INET_BLOCK = 12, INET6_BLOCK = 36, UNIX_BLOCK = 216, UNIX_PATH = 108;
    private static final int MAX_UNIQUE_ID = 128;

    /** What the bytes read so far amount to. */
    public sealed interface Result {
        /** A whole header, {@code length} bytes long; what follows is the client's. */
        record Complete(ProxyHeader header, int length) implements Result { }

        /** A header may be under way: read until there are at least {@code atLeast} bytes, then parse again. */
        record NeedMore(int atLeast) implements Result { }

        /** The bytes cannot begin a header (they are the client's own, e.g. an HTTP request or a TLS hello). */
        record Absent() implements Result { }
    }

    private static final Result ABSENT = new Result.Absent();

    private final int maxV2Length;

    /** A parser allowing {@link #DEFAULT_MAX_V2_LENGTH}. */
    public ProxyHeaderParser() {
        this(DEFAULT_MAX_V2_LENGTH);
    }

    /** @param maxV2Length the largest version 2 variable part accepted, 0 to 65535 */
    public ProxyHeaderParser(int maxV2Length) {
        if (maxV2Length < 0 || maxV2Length > 0xFFFF) {
            throw new IllegalArgumentException("maxV2Length must be within 0..65535: " + maxV2Length);
        }
        this.maxV2Length = maxV2Length;
    }

    public int maxV2Length() {
        return maxV2Length;
    }

    /**
     * Parses the first {@code length} bytes of {@code bytes}.
     *
     * @throws ProxyHeaderException ({@link Failure#MALFORMED} or {@link Failure#TOO_LARGE}) as soon as the bytes
     *     break the specification, without waiting for the rest
     */
    public Result parse(byte[] bytes, int length) throws ProxyHeaderException {
        if (length == 0) {
            return new Result.NeedMore(1);
        }
        if (bytes[0] == V2_SIGNATURE[0]) {
            return startsWith(bytes, length, V2_SIGNATURE) ? parseV2(bytes, length) : undecided(bytes, length, V2_SIGNATURE);
        }
        if (bytes[0] == V1_SIGNATURE[0]) {
            return startsWith(bytes, length, V1_SIGNATURE) ? parseV1(bytes, length) : undecided(bytes, length, V1_SIGNATURE);
        }
        return ABSENT;
    }

    private static boolean startsWith(byte[] bytes, int length, byte[] signature) {
        return length >= signature.length && Arrays.equals(bytes, 0, signature.length, signature, 0, signature.length);
    }

    /** A prefix of the signature so far: more is needed; anything else is not a header. */
    private static Result undecided(byte[] bytes, int length, byte[] signature) {
        int n = Math.min(length, signature.length);
        return Arrays.equals(bytes, 0, n, signature, 0, n) ? new Result.NeedMore(signature.length) : ABSENT;
    }

    // ---- version 1: "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n" ----

    private static Result parseV1(byte[] bytes, int length) throws ProxyHeaderException {
        int limit = Math.min(length, V1_MAX_LENGTH);
        for (int i = V1_SIGNATURE.length; i < limit; i++) {
            byte b = bytes[i];
            if (b == '\r') {
                if (i + 1 >= V1_MAX_LENGTH) {
                    throw new ProxyHeaderException(Failure.TOO_LARGE, "version 1 header longer than 107 bytes");
                }
                if (i + 1 >= length) {
                    return new Result.NeedMore(i + 2);
                }
                if (bytes[i + 1] != '\n') {
                    throw malformed("version 1 header: CR not followed by LF");
                }
                return new Result.Complete(v1Line(new String(bytes, 0, i, StandardCharsets.US_ASCII)), i + 2);
            }
            if (b < 0x20 || b > 0x7E) {
                throw malformed("version 1 header: byte 0x" + Integer.toHexString(b & 0xFF) + " at " + i);
            }
        }
        if (length >= V1_MAX_LENGTH) {
            throw new ProxyHeaderException(Failure.TOO_LARGE, "version 1 header without CRLF within 107 bytes");
        }
        return new Result.NeedMore(Math.max(length + 1, V1_MIN_LENGTH));
    }

    private static ProxyHeader v1Line(String line) throws ProxyHeaderException {
        String[] fields = line.split(" ", -1); // one space between fields, none around: an empty field is an error
        String protocol = fields[1];
        if (protocol.equals("UNKNOWN")) {
            // Section 2.1: "the receiver must ignore anything presented before the CRLF".
            return new ProxyHeader(1, Command.PROXY, Family.UNSPEC, null, null, List.of());
        }
        Family family = switch (protocol) {
            case "TCP4" -> Family.INET;
            case "TCP6" -> Family.INET6;
            default -> throw malformed("version 1 header: unknown protocol '" + protocol + "'");
        };
        if (fields.length != 6) {
            throw malformed("version 1 header: " + fields.length + " fields instead of 6");
        }
        InetAddress source = family == Family.INET ? ipv4(fields[2]) : ipv6(fields[2]);
        InetAddress destination = family == Family.INET ? ipv4(fields[3]) : ipv6(fields[3]);
        return new ProxyHeader(1, Command.PROXY, family, new InetSocketAddress(source, port(fields[4])),
                new InetSocketAddress(destination, port(fields[5])), List.of());
    }

    /** Dotted quad, as {@code inet_pton} takes it: four decimal bytes, no leading zero. */
    private static InetAddress ipv4(String text) throws ProxyHeaderException {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw malformed("version 1 header: not an IPv4 address: '" + text + "'");
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            address[i] = (byte) decimal(parts[i], 255, "IPv4 address '" + text + "'");
        }
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** An IPv6 literal; only hex digits, colons and dots reach the JDK, which then never looks a name up. */
    private static InetAddress ipv6(String text) throws ProxyHeaderException {
        // The first character a hex digit or a colon, with a colon somewhere: what InetAddress.getByName reads as a
        // literal and nothing else. A text starting with '.' (".::") would be looked up by name, a DNS query chosen
        // by the peer (found by the build's fuzz run, whose outcome varied with the resolver).
        if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0
                || !(text.charAt(0) == ':' || Character.digit(text.charAt(0), 16) >= 0)) {
            throw malformed("version 1 header: not an IPv6 address: '" + text + "'");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                throw malformed("version 1 header: not an IPv6 address: '" + text + "'");
            }
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw malformed("version 1 header: not an IPv6 address: '" + text + "'");
        }
    }

    private static int port(String text) throws ProxyHeaderException {
        return decimal(text, 0xFFFF, "port");
    }

    private static int decimal(String text, int max, String what) throws ProxyHeaderException {
        int length = text.length();
        if (length == 0 || length > 5 || (length > 1 && text.charAt(0) == '0')) {
            throw malformed("version 1 header: bad " + what + ": '" + text + "'");
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed("version 1 header: bad " + what + ": '" + text + "'");
            }
            value = value * 10 + (c - '0');
        }
        if (value > max) {
            throw malformed("version 1 header: bad " + what + ": '" + text + "'");
        }
        return value;
    }

    // ---- version 2: 12-byte signature, version/command, family/transport, length, addresses, vectors ----

    private Result parseV2(byte[] bytes, int length) throws ProxyHeaderException {
        if (length < V2_FIXED_LENGTH) {
            return new Result.NeedMore(V2_FIXED_LENGTH);
        }
        int versionAndCommand = bytes[12] & 0xFF;
        if (versionAndCommand >> 4 != 2) {
            throw malformed("version 2 header: version " + (versionAndCommand >> 4));
        }
        Command command = switch (versionAndCommand & 0x0F) {
            case 0 -> Command.LOCAL;
            case 1 -> Command.PROXY;
            default -> throw malformed("version 2 header: command " + (versionAndCommand & 0x0F));
        };
        int familyAndTransport = bytes[13] & 0xFF;
        Family family = switch (familyAndTransport >> 4) {
            case 0 -> Family.UNSPEC;
            case 1 -> Family.INET;
            case 2 -> Family.INET6;
            case 3 -> Family.UNIX;
            default -> throw malformed("version 2 header: address family " + (familyAndTransport >> 4));
        };
        int transport = familyAndTransport & 0x0F;
        if (transport > 2) {
            throw malformed("version 2 header: transport protocol " + transport);
        }
        int variable = u16(bytes, 14);
        if (variable > maxV2Length) {
            throw new ProxyHeaderException(Failure.TOO_LARGE,
                    "version 2 header of " + variable + " bytes past its fixed part, more than " + maxV2Length);
        }
        int total = V2_FIXED_LENGTH + variable;
        if (length < total) {
            return new Result.NeedMore(total);
        }
        if (command == Command.LOCAL) {
            // Section 2.2: "the receiver must accept this connection as valid and must use the real connection
            // endpoints and discard the protocol block including the family which is ignored".
            return new Result.Complete(new ProxyHeader(2, Command.LOCAL, Family.UNSPEC, null, null, List.of()), total);
        }
        if (family != Family.UNSPEC && transport != 1) {
            // The connection it arrived on is a stream: a datagram's addresses would describe another one.
            throw malformed("version 2 header: " + family + " over " + (transport == 2 ? "DGRAM" : "UNSPEC")
                    + " on a stream connection");
        }
        int block = switch (family) {
            case UNSPEC -> 0;
            case INET -> INET_BLOCK;
            case INET6 -> INET6_BLOCK;
            case UNIX -> UNIX_BLOCK;
        };
        if (variable < block) {
            throw malformed("version 2 header: " + variable + " bytes cannot hold the " + family + " addresses");
        }
        SocketAddress source = null;
        SocketAddress destination = null;
        int at = V2_FIXED_LENGTH;
        switch (family) {
            case INET, INET6 -> {
                int size = family == Family.INET ? 4 : 16;
                InetAddress sourceAddress = inet(bytes, at, size);
                InetAddress destinationAddress = inet(bytes, at + size, size);
                source = new InetSocketAddress(sourceAddress, u16(bytes, at + 2 * size));
                destination = new InetSocketAddress(destinationAddress, u16(bytes, at + 2 * size + 2));
            }
            case UNIX -> {
                source = unixPath(bytes, at);
                destination = unixPath(bytes, at + UNIX_PATH);
            }
            case UNSPEC -> { }
        }
        List<ProxyTlv> tlvs = tlvs(bytes, at + block, total, true);
        checkCrc(bytes, total, tlvs, at + block);
        return new Result.Complete(new ProxyHeader(2, Command.PROXY, family, source, destination, tlvs), total);
    }

    private static InetAddress inet(byte[] bytes, int at, int size) {
        try {
            // Never a lookup. An IPv4-mapped IPv6 address (::ffff:192.0.2.1, an IPv4 client of a dual-stack proxy)
            // becomes the IPv4 address, as in version 1 and on Jetty's ProxyConnectionFactory.
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, at, at + size));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static UnixDomainSocketAddress unixPath(byte[] bytes, int at) throws ProxyHeaderException {
        int end = at;
        while (end < at + UNIX_PATH && bytes[end] != 0) {
            end++;
        }
        try {
            return UnixDomainSocketAddress.of(new String(bytes, at, end - at, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw malformed("version 2 header: bad Unix socket path");
        }
    }

    /** The vectors from {@code at} to {@code end}, which they must fill exactly; padding left out at the top level. */
    private static List<ProxyTlv> tlvs(byte[] bytes, int at, int end, boolean topLevel) throws ProxyHeaderException {
        List<ProxyTlv> tlvs = new ArrayList<>();
        while (at < end) {
            if (end - at < 3) {
                throw malformed("version 2 header: truncated vector at " + at);
            }
            int type = bytes[at] & 0xFF;
            int valueLength = u16(bytes, at + 1);
            at += 3;
            if (end - at < valueLength) {
                throw malformed("version 2 header: vector 0x" + Integer.toHexString(type) + " of " + valueLength
                        + " bytes runs past the header");
            }
            byte[] value = Arrays.copyOfRange(bytes, at, at + valueLength);
            at += valueLength;
            if (topLevel) {
                check(type, value);
                if (type == ProxyTlv.PP2_TYPE_NOOP) {
                    continue;
                }
            }
            tlvs.add(new ProxyTlv(type, value));
        }
        return tlvs;
    }

    private static void check(int type, byte[] value) throws ProxyHeaderException {
        switch (type) {
            case ProxyTlv.PP2_TYPE_CRC32C -> {
                if (value.length != 4) {
                    throw malformed("version 2 header: CRC32C vector of " + value.length + " bytes");
                }
            }
            case ProxyTlv.PP2_TYPE_UNIQUE_ID -> {
                if (value.length > MAX_UNIQUE_ID) {
                    throw malformed("version 2 header: unique id of " + value.length + " bytes, more than 128");
                }
            }
            case ProxyTlv.PP2_TYPE_SSL -> parseSsl(value);
            default -> { }
        }
    }

    /** Section 2.2.5: client (1 byte), verify (4), then sub-vectors filling the rest exactly. */
    static ProxySsl parseSsl(byte[] value) throws ProxyHeaderException {
        if (value.length < 5) {
            throw malformed("version 2 header: SSL vector of " + value.length + " bytes, fewer than 5");
        }
        long verify = ((long) (value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8)
                | (value[4] & 0xFF);
        return new ProxySsl(value[0] & 0xFF, verify, tlvs(value, 5, value.length, false));
    }

    /** The SSL facts of a vector that was checked when its header was parsed. */
    static ProxySsl sslOf(ProxyTlv tlv) {
        try {
            return parseSsl(tlv.value());
        } catch (ProxyHeaderException e) {
            throw new IllegalStateException("an SSL vector that was not checked: " + tlv, e);
        }
    }

    /** Section 2.2.3: the checksum covers the whole header with its own value taken as zero. */
    private static void checkCrc(byte[] bytes, int total, List<ProxyTlv> tlvs, int firstTlv) throws ProxyHeaderException {
        ProxyTlv crc = null;
        for (ProxyTlv tlv : tlvs) {
            if (tlv.type() == ProxyTlv.PP2_TYPE_CRC32C) {
                crc = tlv;
                break;
            }
        }
        if (crc == null) {
            return;
        }
        int valueAt = firstTlv;
        while ((bytes[valueAt] & 0xFF) != ProxyTlv.PP2_TYPE_CRC32C) {
            valueAt += 3 + u16(bytes, valueAt + 1);
        }
        valueAt += 3;
        CRC32C checksum = new CRC32C();
        checksum.update(bytes, 0, valueAt);
        checksum.update(new byte[4]);
        checksum.update(bytes, valueAt + 4, total - valueAt - 4);
        long expected = ((long) (crc.value()[0] & 0xFF) << 24) | ((crc.value()[1] & 0xFF) << 16)
                | ((crc.value()[2] & 0xFF) << 8) | (crc.value()[3] & 0xFF);
        if (checksum.getValue() != expected) {
            throw malformed("version 2 header: CRC32C mismatch");
        }
    }

    private static int u16(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
    }

    private static ProxyHeaderException malformed(String message) {
        return new ProxyHeaderException(Failure.MALFORMED, message);
    }
}
