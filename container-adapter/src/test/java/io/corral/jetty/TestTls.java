package io.corral.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * TLS for the HTTPS and WSS tests: a self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made once
 * per test JVM with the JDK's own {@code keytool} into a temporary PKCS12 keystore (no key material in the
 * repository, none that expires); Jetty's {@link SslContextFactory.Server} presenting it, and JDK clients that trust
 * it — the same for both connectors.
 */
public final class TestTls {

    public static final String PASSWORD = "corral-test";
    private static Path keyStore;

    private TestTls() {
    }

    /** The keystore; its certificate also serves as a client certificate, and as its own trust anchor. */
    public static synchronized Path keyStore() {
        if (keyStore == null) {
            keyStore = generate();
        }
        return keyStore;
    }

    /** A fresh server-side factory presenting the certificate (a connector starts and stops it as its bean). */
    public static SslContextFactory.Server serverFactory() {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStorePath(keyStore().toString());
        factory.setKeyStorePassword(PASSWORD);
        factory.setKeyStoreType("PKCS12");
        return factory;
    }

    /** As {@link #serverFactory()}, asking clients for a certificate (optional) and trusting the test one. */
    public static SslContextFactory.Server serverFactoryWantingClientCertificates() {
        SslContextFactory.Server factory = serverFactory();
        factory.setTrustStorePath(keyStore().toString());
        factory.setTrustStorePassword(PASSWORD);
        factory.setTrustStoreType("PKCS12");
        factory.setWantClientAuth(true);
        return factory;
    }

    /** A client context trusting the test certificate; with {@code presentCertificate}, also presenting it. */
    public static SSLContext clientContext(boolean presentCertificate) {
        try (InputStream in = Files.newInputStream(keyStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(presentCertificate ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the test keystore", e);
        }
    }

    /** A client context trusting nothing of ours: its handshake with the test server fails. */
    public static SSLContext untrustingClientContext() {
        try {
            KeyStore empty = KeyStore.getInstance("PKCS12");
            empty.load(null, null);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(empty);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JDK's HTTP client over HTTP/1.1, trusting the test certificate. */
    public static HttpClient httpClient(SSLContext context) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(context)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static Path generate() {
        try {
            Path dir = Files.createTempDirectory("corral-tls-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("localhost.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "localhost",
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
