package io.corral.jetty.demo;

import java.nio.file.Path;

/**
 * HTTPS (and WSS) for the demo, on the demo's one port: a keystore of the user's ({@code --keystore=PATH}, its
 * password from {@code --keystore-password=…} or the {@code CORRAL_KEYSTORE_PASSWORD} environment variable), or a
 * self-signed certificate made at start ({@code --tls}, see {@link SelfSignedKeyStore}).
 *
 * @param keyStore a PKCS12 or JKS keystore, or null for a self-signed certificate made at start
 * @param password the keystore's password; null with a self-signed certificate
 */
public record DemoTls(Path keyStore, String password) {

    /** The environment variable a keystore's password may come from, so that it stays off the command line. */
    public static final String PASSWORD_VARIABLE = "CORRAL_KEYSTORE_PASSWORD";

    /** {@code --tls} alone: a self-signed certificate for localhost made at start. */
    public static final DemoTls SELF_SIGNED = new DemoTls(null, null);

    public DemoTls {
        if (keyStore != null && (password == null || password.isEmpty())) {
            throw new IllegalArgumentException("--keystore needs a password: --keystore-password=… or "
                    + PASSWORD_VARIABLE);
        }
    }

    public boolean selfSigned() {
        return keyStore == null;
    }
}
