package io.corral.it.haproxy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate for {@code localhost} made with the {@code openssl} command, in the two forms the tests
 * need: a PEM with certificate and key for HAProxy's {@code bind ... ssl crt}, and a PKCS12 keystore for Jetty's
 * {@code SslContextFactory.Server}. Its certificate trusts itself, so {@link #clientContext()} trusts whichever
 * server presents it. Nothing is kept in the repository; nothing expires while a test runs (one day).
 *
 * @param pem      certificate then private key, PEM
 * @param keyStore the same as PKCS12, password {@link #PASSWORD}
 */
public record SelfSignedCertificate(Path pem, Path keyStore) {

    public static final String PASSWORD = "corral-test";

    /** Makes one under {@code directory}. */
    public static SelfSignedCertificate create(Path directory) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Files.createDirectories(directory), "cert");
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("cert.pem");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        Path pem = dir.resolve("haproxy.pem");
        Files.writeString(pem, Files.readString(cert) + Files.readString(key));
        Path keyStore = dir.resolve("keystore.p12");
        run(dir, "openssl", "pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(),
                "-out", keyStore.toString(), "-passout", "pass:" + PASSWORD, "-name", "localhost");
        return new SelfSignedCertificate(pem, keyStore);
    }

    /** A client context that trusts this certificate. */
    public SSLContext clientContext() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static void run(Path directory, String... command) throws IOException, InterruptedException {
        Path output = directory.resolve("openssl.txt");
        Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " still running after 2 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(output, StandardCharsets.UTF_8));
        }
    }
}
