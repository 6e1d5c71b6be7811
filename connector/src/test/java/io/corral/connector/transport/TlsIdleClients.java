package io.corral.connector.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Idle HTTPS keep-alive clients in a JVM of their own, so that a heap measured in the test's JVM holds the server's
 * side only: opens {@code count} TLS connections to {@code 127.0.0.1:port}, sends one {@code GET /x} on each and
 * reads its answer, prints {@code ready}, and keeps them open until its standard input ends.
 * Arguments: {@code port count keyStore password}.
 */
public final class TlsIdleClients {

    private TlsIdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            store.load(in, args[3].toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        List<SSLSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /x HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            while (!answer.toString().endsWith("\r\n\r\n/x")) {
                int b = in.read();
                if (b < 0) {
                    throw new IllegalStateException("connection " + i + " ended: " + answer);
                }
                answer.append((char) b);
            }
            sockets.add(socket);
        }
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until the test closes our input
        for (SSLSocket socket : sockets) {
            socket.close();
        }
    }
}
