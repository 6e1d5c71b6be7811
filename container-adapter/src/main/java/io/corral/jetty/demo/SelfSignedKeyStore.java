package io.corral.jetty.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's self-signed certificate, made at start with the JDK's own {@code keytool}: a fresh EC key for
 * {@code localhost}, {@code 127.0.0.1} and the demo's host, valid for 30 days, in a PKCS12 keystore with a random
 * password, in a new temporary directory; beside it the certificate in PEM ({@value #PEM_NAME}), for clients to
 * trust ({@code curl --cacert}, {@code openssl s_client -CAfile}). Nothing is written into the repository, and a
 * restart makes a new key: a demo, not a deployment.
 *
 * @param keyStore    the PKCS12 keystore
 * @param password    its password (and the key's)
 * @param certificate the certificate in PEM
 */
public record SelfSignedKeyStore(Path keyStore, String password, Path certificate) {

    public static final String KEYSTORE_NAME = "demo-keystore.p12";
    public static final String PEM_NAME = "demo-certificate.pem";
    private static final String ALIAS = "corral-demo";

    /**
     * Makes the keystore and the PEM.
     *
     * @param host the host the demo binds; named in the certificate too unless it is a wildcard address
     * @throws IOException when keytool cannot run or fails (its output is in the message)
     */
    public static SelfSignedKeyStore create(String host) throws IOException {
        Path dir = Files.createTempDirectory("corral-demo-tls");
        Path keyStore = dir.resolve(KEYSTORE_NAME);
        Path pem = dir.resolve(PEM_NAME);
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=" + subjectAlternativeNames(host), "-validity", "30",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keyStore.toString(), "-storepass", password,
                "-file", pem.toString());
        keyStore.toFile().deleteOnExit();
        pem.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return new SelfSignedKeyStore(keyStore, password, pem);
    }

    private static String subjectAlternativeNames(String host) {
        List<String> names = new ArrayList<>(List.of("dns:localhost", "ip:127.0.0.1", "ip:::1"));
        boolean wildcard = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!wildcard && !bare.equals("localhost") && !bare.equals("127.0.0.1") && !bare.equals("::1")) {
            boolean address = bare.indexOf(':') >= 0 || bare.chars().allMatch(c -> c == '.' || Character.isDigit(c));
            names.add((address ? "ip:" : "dns:") + bare);
        }
        return String.join(",", names);
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keytool", e);
        }
    }
}
