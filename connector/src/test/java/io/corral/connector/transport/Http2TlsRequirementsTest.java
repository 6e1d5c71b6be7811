package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9113 §9.2 as {@link Http2TlsRequirements} reads it: TLS 1.2 or later, and no cipher suite of Appendix A. The
 * suites below are picked from each family of the list and from the ones it spares; the whole list is compared name by
 * name with Jetty's copy in container-adapter's {@code Http2CipherBlocklistTest}.
 */
class Http2TlsRequirementsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "TLS_NULL_WITH_NULL_NULL", "TLS_RSA_WITH_RC4_128_SHA", "SSL_RSA_WITH_3DES_EDE_CBC_SHA",
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256", // no forward secrecy, even with GCM
        "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", // static (EC)DH
        "TLS_DH_anon_WITH_AES_128_GCM_SHA256", "TLS_PSK_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", // ephemeral but CBC
        "TLS_ECDHE_ECDSA_WITH_NULL_SHA", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "SSL_NULL_WITH_NULL_NULL", ""})
    void appendixASuitesAreBlocklisted(String cipherSuite) {
        assertTrue(Http2TlsRequirements.isBlocklisted(cipherSuite), cipherSuite);
        assertFalse(Http2TlsRequirements.permit("TLSv1.2", cipherSuite), cipherSuite);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
        "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"})
    void ephemeralAeadSuitesAndTls13SuitesPass(String cipherSuite) {
        assertFalse(Http2TlsRequirements.isBlocklisted(cipherSuite), cipherSuite);
        assertTrue(Http2TlsRequirements.permit("TLSv1.2", cipherSuite), cipherSuite);
    }

    @Test
    void versionsBeforeTls12AreRefusedWhateverTheSuite() {
        // §9.2: "Implementations of HTTP/2 MUST use TLS version 1.2 [TLS12] or higher for HTTP/2 over TLS."
        String good = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
        assertTrue(Http2TlsRequirements.permit("TLSv1.3", "TLS_AES_128_GCM_SHA256"));
        assertTrue(Http2TlsRequirements.permit("TLSv1.2", good));
        for (String old : new String[] {"TLSv1.1", "TLSv1", "SSLv3", "SSLv2Hello", "NONE", "", null}) {
            assertFalse(Http2TlsRequirements.permit(old, good), String.valueOf(old));
        }
        assertFalse(Http2TlsRequirements.permit(null), "no session yet");
    }
}
