package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.transport.Http2TlsRequirements;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.junit.jupiter.api.Test;

/**
 * Corral's reading of RFC 9113 Appendix A (the TLS 1.2 cipher suites HTTP/2 must not run on), a rule in
 * {@link Http2TlsRequirements}, against Jetty's copy of the list ({@link HTTP2Cipher}), which ServerConnector's
 * HTTP/2 factory applies: name by name, for every suite the JDK knows and every suite Jetty lists, the two agree.
 * Jetty holds its list in upper case ({@code TLS_DH_ANON_…}) and upper-cases the name it is asked about; Corral's rule
 * reads names in either case.
 */
class Http2CipherBlocklistTest {

    @Test
    void corralsRuleAgreesWithJettysListOnEveryKnownSuite() throws Exception {
        TreeSet<String> suites = new TreeSet<>(Arrays.asList(
                SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
        suites.addAll(jettysList());
        // Suites on either side of the rule that neither list above need hold.
        suites.addAll(List.of("TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", "TLS_DHE_RSA_WITH_AES_256_CCM_8",
                "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_8_SHA256"));
        List<String> disagreements = new ArrayList<>();
        int blocklisted = 0;
        for (String suite : suites) {
            boolean jetty = HTTP2Cipher.isBlackListCipher(suite);
            blocklisted += jetty ? 1 : 0;
            if (jetty != Http2TlsRequirements.isBlocklisted(suite)) {
                disagreements.add(suite + (jetty ? " (Jetty: blocklisted)" : " (Jetty: allowed)"));
            }
        }
        assertEquals(List.of(), disagreements, "of " + suites.size() + " suites");
        // RFC 9113 Appendix A has 276 entries (as RFC 7540's had).
        assertTrue(blocklisted >= 276, "the comparison saw the whole list: " + blocklisted);
    }

    /**
     * Every name of Jetty's copy of Appendix A. Jetty offers no public way to list them, only to ask about one: read
     * its private set, and fail loudly (not skip) when a Jetty bump moves it, so that the comparison is never lost.
     */
    private static Set<String> jettysList() throws Exception {
        Field field = HTTP2Cipher.class.getDeclaredField("__blackCiphers");
        field.setAccessible(true);
        Set<String> names = new TreeSet<>();
        for (Object name : (Collection<?>) field.get(null)) {
            names.add(name.toString());
        }
        return names;
    }
}
