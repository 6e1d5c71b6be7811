package io.corral.connector.proxy;

import io.corral.connector.proxy.ProxyHeader.Command;
import io.corral.connector.proxy.ProxyHeader.Family;
import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Writes PROXY protocol headers, as Ranch's {@code ranch_proxy_header:header/1,2} does: what a proxy written in
 * Java (or a test standing in for HAProxy) sends in front of a client's bytes. The inverse of
 * {@link ProxyHeaderParser}.
 */
public final class ProxyHeaderEncoder {

    private ProxyHeaderEncoder() {
    }

    /**
     * The version 1 (text) form: {@code PROXY TCP4 src dst sport dport\r\n}, or {@code PROXY UNKNOWN\r\n} for a header
     * without IP addresses. Vectors have no version 1 form and are left out.
     */
    public static byte[] v1(ProxyHeader header) {
        if (!(header.source() instanceof InetSocketAddress source)
                || !(header.destination() instanceof InetSocketAddress destination)) {
            return "PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII);
        }
        boolean v4 = source.getAddress() instanceof Inet4Address;
        String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + literal(source.getAddress()) + " "
                + literal(destination.getAddress()) + " " + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** The version 2 (binary) form, with the header's vectors in order. */
    public static byte[] v2(ProxyHeader header) {
        return v2(header, false);
    }

    /** The version 2 form; with {@code checksum}, a {@code PP2_TYPE_CRC32C} vector is added last and filled in. */
    public static byte[] v2(ProxyHeader header, boolean checksum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ProxyHeaderParser.V2_SIGNATURE);
        out.write(header.command() == Command.LOCAL ? 0x20 : 0x21);
        Family family = header.command() == Command.LOCAL ? Family.UNSPEC : header.family();
        out.write(switch (family) {
            case UNSPEC -> 0x00;
            case INET -> 0x11;
            case INET6 -> 0x21;
            case UNIX -> 0x31;
        });
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (header.command() == Command.PROXY && header.hasAddresses()) {
            switch (family) {
                case INET, INET6 -> {
                    InetSocketAddress source = (InetSocketAddress) header.source();
                    InetSocketAddress destination = (InetSocketAddress) header.destination();
                    body.writeBytes(bytes(source.getAddress(), family));
                    body.writeBytes(bytes(destination.getAddress(), family));
                    writeU16(body, source.getPort());
                    writeU16(body, destination.getPort());
                }
                case UNIX -> {
                    body.writeBytes(path((UnixDomainSocketAddress) header.source()));
                    body.writeBytes(path((UnixDomainSocketAddress) header.destination()));
                }
                case UNSPEC -> { }
            }
        }
        for (ProxyTlv tlv : header.tlvs()) {
            writeTlv(body, tlv.type(), tlv.value());
        }
        int crcAt = -1;
        if (checksum) {
            crcAt = ProxyHeaderParser.V2_FIXED_LENGTH + body.size() + 3;
            writeTlv(body, ProxyTlv.PP2_TYPE_CRC32C, new byte[4]);
        }
        writeU16(out, body.size());
        out.writeBytes(body.toByteArray());
        byte[] bytes = out.toByteArray();
        if (checksum) {
            CRC32C crc = new CRC32C();
            crc.update(bytes);
            long value = crc.getValue();
            for (int i = 0; i < 4; i++) {
                bytes[crcAt + i] = (byte) (value >>> (24 - 8 * i));
            }
        }
        return bytes;
    }

    /** The value of a {@code PP2_TYPE_SSL} vector: client bits, verify result, sub-vectors. */
    public static byte[] sslValue(int client, long verify, ProxyTlv... subTlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(client);
        for (int shift = 24; shift >= 0; shift -= 8) {
            out.write((int) (verify >>> shift) & 0xFF);
        }
        for (ProxyTlv sub : subTlvs) {
            writeTlv(out, sub.type(), sub.value());
        }
        return out.toByteArray();
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    private static byte[] bytes(InetAddress address, Family family) {
        byte[] raw = address.getAddress();
        if (family == Family.INET6 && raw.length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(raw, 0, mapped, 12, 4);
            return mapped;
        }
        return raw;
    }

    private static byte[] path(UnixDomainSocketAddress address) {
        // All 108 bytes may be the path, without a NUL, as HAProxy copies a sun_path and the parser reads one
        // (a build's fuzz run found the path of 108 bytes that a 107-byte cut changed).
        byte[] path = new byte[108];
        byte[] text = address.getPath().toString().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, path, 0, Math.min(text.length, path.length));
        return path;
    }

    private static void writeTlv(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        writeU16(out, value.length);
        out.writeBytes(value);
    }

    private static void writeU16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xFF);
    }

    /** Shorthand for tests and proxies: a relayed TCP connection from {@code source} to {@code destination}. */
    public static ProxyHeader tcp(InetSocketAddress source, InetSocketAddress destination, ProxyTlv... tlvs) {
        Family family = source.getAddress() instanceof Inet6Address ? Family.INET6 : Family.INET;
        return new ProxyHeader(2, Command.PROXY, family, source, destination, java.util.List.of(tlvs));
    }
}
