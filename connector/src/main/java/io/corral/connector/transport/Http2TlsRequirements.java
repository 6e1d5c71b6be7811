package io.corral.connector.transport;

import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLSession;

/**
 * What RFC 9113 §9.2 asks of a TLS connection before it may carry HTTP/2: TLS 1.2 or later (§9.2: "Implementations of
 * HTTP/2 MUST use TLS version 1.2 or higher"), and under TLS 1.2 none of the cipher suites of Appendix A, the
 * blocklist (§9.2.2). {@link TlsTransport}'s ALPN selector asks it while the handshake is under way, once the engine has
 * chosen the version and the suite: a session that fails it does not get {@code h2} (the client gets its next choice,
 * {@code http/1.1}, or no ALPN at all), so that an inadequate connection never starts HTTP/2 — cleaner for the client
 * than the INADEQUATE_SECURITY connection error §9.2.2 allows after the fact.
 *
 * <p>Appendix A lists some 275 TLS 1.2 suites by name; they are exactly those without both an ephemeral key exchange
 * and an AEAD cipher, which is the rule written here: a TLS 1.2 suite passes when its key exchange is ECDHE or DHE (also
 * with PSK), not anonymous, and its cipher is GCM, CCM or ChaCha20-Poly1305. TLS 1.3 suites pass (the list predates
 * them and they all are). A container-adapter test checks the rule against Jetty's copy of Appendix A, name by name.
 * The §9.2.1 features need nothing here: the JDK does no TLS compression, and {@link TlsConnection} refuses
 * renegotiation.
 */
public final class Http2TlsRequirements {

    /** Versions older than TLS 1.2, as {@link SSLSession#getProtocol()} names them. */
    private static final Set<String> TOO_OLD = Set.of("SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1", "DTLSv1.0");
    /** Key exchanges with a fresh key per connection (forward secrecy); anonymous ones are excluded separately. */
    private static final String[] EPHEMERAL_KEY_EXCHANGES = {"ECDHE_", "DHE_", "PSK_DHE_"};
    /** Ciphers that authenticate what they encrypt (AEAD). */
    private static final String[] AEAD_CIPHERS = {"_GCM_", "_CCM", "CHACHA20_POLY1305"};

    private Http2TlsRequirements() {
    }

    /** Whether the handshake (or established) session may carry HTTP/2; false when it is not known yet. */
    public static boolean permit(SSLSession session) {
        return session != null && permit(session.getProtocol(), session.getCipherSuite());
    }

    /**
     * Whether a TLS connection of this version ({@code "TLSv1.3"}) and cipher suite ({@code
     * "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}) may carry HTTP/2.
     */
    public static boolean permit(String tlsProtocol, String cipherSuite) {
        return tlsProtocol != null && !TOO_OLD.contains(tlsProtocol) && tlsProtocol.startsWith("TLS")
                && !isBlocklisted(cipherSuite);
    }

    /** Whether RFC 9113 Appendix A lists this cipher suite (or it is unknown: null, empty, the "no suite yet" name). */
    public static boolean isBlocklisted(String name) {
        // IANA's names are upper case but for "anon"; Jetty's list holds them all in upper case: read them either way.
        String cipherSuite = name == null ? null : name.toUpperCase(Locale.ROOT);
        if (cipherSuite == null || !cipherSuite.startsWith("TLS_") || cipherSuite.contains("_NULL_")) {
            return true; // also the JDK's "SSL_…" names (all RC4, DES, 3DES or export) and SSL_NULL_WITH_NULL_NULL
        }
        int with = cipherSuite.indexOf("_WITH_");
        if (with < 0) {
            // A TLS 1.3 suite (TLS_AES_128_GCM_SHA256…) names no key exchange; all of them are AEAD.
            return !containsAny(cipherSuite, AEAD_CIPHERS);
        }
        String keyExchange = cipherSuite.substring("TLS_".length(), with + 1);
        String cipher = cipherSuite.substring(with + "_WITH".length());
        boolean ephemeral = startsWithAny(keyExchange, EPHEMERAL_KEY_EXCHANGES) && !keyExchange.contains("ANON");
        return !(ephemeral && containsAny(cipher, AEAD_CIPHERS));
    }

    private static boolean startsWithAny(String text, String[] prefixes) {
        for (String prefix : prefixes) {
            if (text.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsAny(String text, String[] parts) {
        for (String part : parts) {
            if (text.contains(part)) {
                return true;
            }
        }
        return false;
    }
}
