package io.corral.jetty;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw TLS client's probe of a test server's {@code /info} servlet, on a kept-alive HTTP/1.1 connection: the TLS
 * tests' way to ask whether a connection (still) serves, and what a given Host gets, byte for byte the same on both
 * connectors.
 */
final class TlsInfoRequest {

    private TlsInfoRequest() {
    }

    /** A TLS socket to {@code localhost:port}, its handshake done; every read bounded by {@code timeout}. */
    static SSLSocket connect(SSLContext context, int port, Duration timeout) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", port);
        socket.setSoTimeout((int) timeout.toMillis());
        socket.startHandshake();
        return socket;
    }

    /** One GET /info with {@code host} as its Host; the response's status line, with its body read. */
    static String statusLine(SSLSocket socket, String host) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /info HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("ended in the response head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return head.substring(0, head.indexOf("\r\n"));
    }
}
