package io.corral.connector.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version 1 address is a literal, never a name to look up: {@code PROXY TCP6 .:: ::2 …} passes the character check
 * of an IPv6 literal, but {@link java.net.InetAddress#getByName} reads a text that starts with '.' as a host name and
 * asks the resolver — a DNS query of the peer's choosing on the connection's thread. Shown in a JVM of its own whose
 * resolver knows that name ({@code jdk.net.hosts.file}, read once per JVM): with the lookup the header would parse
 * to the address the hosts file gives; it must be refused as malformed.
 */
class ProxyProtocolV1NoLookupTest {

    @Test
    void anAddressThatIsAHostNameIsRefusedWithoutALookup(@TempDir Path dir) throws Exception {
        Path hosts = Files.writeString(dir.resolve("hosts"), "2001:db8::7 .::\n2001:db8::8 .1::\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process probe = new ProcessBuilder(List.of(java, "-Djdk.net.hosts.file=" + hosts,
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe JVM ends");
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertEquals("resolver knows .:: as .::/2001:db8:0:0:0:0:0:7\nMALFORMED\nMALFORMED", output);
    }

    /** Runs in the probe JVM: shows that the resolver knows the name, then parses headers naming it. */
    static final class Probe {
        public static void main(String[] args) throws IOException {
            System.out.println("resolver knows .:: as " + java.net.InetAddress.getByName(".::"));
            for (String address : List.of(".::", ".1::")) {
                byte[] header = ("PROXY TCP6 " + address + " ::2 56324 443\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    System.out.println(new ProxyHeaderParser().parse(header, header.length));
                } catch (ProxyHeaderException refused) {
                    System.out.println(refused.failure());
                }
            }
        }
    }
}
