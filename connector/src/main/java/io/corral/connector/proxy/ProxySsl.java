package io.corral.connector.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code PP2_TYPE_SSL} vector of a PROXY protocol version 2 header (section 2.2.5): whether the client spoke TLS
 * to the proxy, whether it sent a certificate and whether that verified, and what was negotiated (the sub-vectors).
 * The proxy says so; nothing here is proven to the server, which is why a connector trusts it only when its
 * operator says so.
 *
 * @param client  the {@code client} bit field: {@link #PP2_CLIENT_SSL}, {@link #PP2_CLIENT_CERT_CONN},
 *                {@link #PP2_CLIENT_CERT_SESS}
 * @param verify  0 when the client's certificate was presented and verified, anything else when not
 * @param subTlvs the sub-vectors, as sent
 */
public record ProxySsl(int client, long verify, List<ProxyTlv> subTlvs) {

    /** The client connected to the proxy over TLS. */
    public static final int PP2_CLIENT_SSL = 0x01;
    /** The client sent a certificate on this connection. */
    public static final int PP2_CLIENT_CERT_CONN = 0x02;
    /** The client sent a certificate at least once on this TLS session (maybe on a resumed one). */
    public static final int PP2_CLIENT_CERT_SESS = 0x04;

    /** The TLS version, e.g. {@code TLSv1.3}. */
    public static final int PP2_SUBTYPE_SSL_VERSION = 0x21;
    /** The common name of the client certificate's subject. */
    public static final int PP2_SUBTYPE_SSL_CN = 0x22;
    /** The cipher suite, e.g. {@code ECDHE-RSA-AES128-GCM-SHA256}. */
    public static final int PP2_SUBTYPE_SSL_CIPHER = 0x23;
    /** The algorithm the client certificate was signed with. */
    public static final int PP2_SUBTYPE_SSL_SIG_ALG = 0x24;
    /** The algorithm of the client certificate's public key. */
    public static final int PP2_SUBTYPE_SSL_KEY_ALG = 0x25;

    public ProxySsl {
        subTlvs = List.copyOf(subTlvs);
    }

    /** Whether the client spoke TLS to the proxy. */
    public boolean clientSsl() {
        return (client & PP2_CLIENT_SSL) != 0;
    }

    /** Whether the client presented a certificate on this connection. */
    public boolean clientCertificateOnConnection() {
        return (client & PP2_CLIENT_CERT_CONN) != 0;
    }

    /** Whether the client presented a certificate that the proxy verified. */
    public boolean clientCertificateVerified() {
        return verify == 0 && (client & (PP2_CLIENT_CERT_CONN | PP2_CLIENT_CERT_SESS)) != 0;
    }

    /** The TLS version, or null when not sent. */
    public String version() {
        return subText(PP2_SUBTYPE_SSL_VERSION);
    }

    /** The client certificate's common name, or null when not sent. */
    public String commonName() {
        return subText(PP2_SUBTYPE_SSL_CN);
    }

    /** The cipher suite, or null when not sent. */
    public String cipher() {
        return subText(PP2_SUBTYPE_SSL_CIPHER);
    }

    /** The certificate's signature algorithm, or null when not sent. */
    public String signatureAlgorithm() {
        return subText(PP2_SUBTYPE_SSL_SIG_ALG);
    }

    /** The certificate's key algorithm, or null when not sent. */
    public String keyAlgorithm() {
        return subText(PP2_SUBTYPE_SSL_KEY_ALG);
    }

    private String subText(int type) {
        for (ProxyTlv tlv : subTlvs) {
            if (tlv.type() == type) {
                return new String(tlv.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
