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
import org.eclipse.jetty.http2.client.HTTP2Client;
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
    private static Path twoHostKeyStore;

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
        return serverFactory(keyStore());
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

    /** Jetty's HTTP/2 client, unstarted, trusting the test certificate: h2 agreed by ALPN. */
    public static HTTP2Client http2Client() {
        HTTP2Client http2 = new HTTP2Client();
        SslContextFactory.Client tls = new SslContextFactory.Client();
        tls.setSslContext(clientContext(false));
        http2.getClientConnector().setSslContextFactory(tls);
        return http2;
    }

    /**
     * A keystore holding two certificates, one per host name — alias {@code alpha} for {@code alpha.test}, alias
     * {@code beta} for {@code beta.test} — for SNI tests ({@code .test} is reserved for testing, RFC 6761; test JVMs
     * resolve it to 127.0.0.1 through {@link TestHostsResolver}). Its certificates also serve as trust anchors.
     */
    public static synchronized Path twoHostKeyStore() {
        if (twoHostKeyStore == null) {
            Path file = temporaryFile("two-hosts.p12");
            keytool(file, "alpha", "alpha.test");
            keytool(file, "beta", "beta.test");
            twoHostKeyStore = file;
        }
        return twoHostKeyStore;
    }

    /** A new keystore, in a directory of its own, with a fresh certificate for {@code localhost} (a new key each call). */
    public static Path newLocalhostKeyStore() {
        Path file = temporaryFile("localhost.p12");
        keytool(file, "localhost", "localhost");
        return file;
    }

    /** A server-side factory presenting the keystore at {@code keyStore}. */
    public static SslContextFactory.Server serverFactory(Path keyStore) {
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStorePath(keyStore.toString());
        factory.setKeyStorePassword(PASSWORD);
        factory.setKeyStoreType("PKCS12");
        return factory;
    }

    /** A client context trusting every certificate in the given keystores. */
    public static SSLContext clientContextTrusting(Path... keyStores) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (Path keyStore : keyStores) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(keyStore)) {
                    store.load(in, PASSWORD.toCharArray());
                }
                for (String alias : java.util.Collections.list(store.aliases())) {
                    trusted.setCertificateEntry(keyStore.getFileName() + "/" + alias + "/" + trusted.size(),
                            store.getCertificate(alias));
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + java.util.Arrays.toString(keyStores), e);
        }
    }

    private static Path generate() {
        Path file = temporaryFile("localhost.p12");
        keytool(file, "localhost", "localhost");
        return file;
    }

    private static Path temporaryFile(String name) {
        try {
            Path dir = Files.createTempDirectory("corral-tls-test");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve(name);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds a self-signed EC certificate for {@code host} (and 127.0.0.1) under {@code alias}, with the JDK's keytool. */
    private static void keytool(Path file, String alias, String host) {
        try {
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", alias,
                    "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + host,
                    "-ext", "SAN=dns:" + host + ",ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", file.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
