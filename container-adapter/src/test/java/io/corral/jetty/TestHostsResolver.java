package io.corral.jetty;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Resolves every name under {@code .test} (reserved for testing, RFC 6761) to 127.0.0.1 in the test JVM, and
 * anything else as the JDK would: lets SNI tests reach the local server as {@code alpha.test} or {@code beta.test}
 * with an unmodified JDK {@code HttpClient}, which sends the URI's host name as SNI. Installed through
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider} (JDK 18+).
 */
public final class TestHostsResolver extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (host.toLowerCase(Locale.ROOT).endsWith(".test")) {
                    return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "corral-test-hosts";
    }
}
