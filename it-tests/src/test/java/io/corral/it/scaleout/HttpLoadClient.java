package io.corral.it.scaleout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One keep-alive HTTP client of the scale-out load: {@code GET path} one request after another on one connection
 * to haproxy, until told to stop or {@code maxRequests} is reached (the load is bounded whatever happens). Every
 * request must come back 200 with the expected body: anything else — another status, a cut or missing response,
 * haproxy closing the connection — is a failed request, kept with what happened for the test's message.
 */
final class HttpLoadClient implements Runnable {

    private final int port;
    private final String path;
    private final String expectedBody;
    private final int maxRequests;
    private final BooleanSupplier stop;
    private final AtomicLong answeredByAll;
    private long answered;
    private final List<String> failures = new ArrayList<>();

    HttpLoadClient(int port, String path, String expectedBody, int maxRequests, BooleanSupplier stop,
            AtomicLong answeredByAll) {
        this.port = port;
        this.path = path;
        this.expectedBody = expectedBody;
        this.maxRequests = maxRequests;
        this.stop = stop;
        this.answeredByAll = answeredByAll;
    }

    @Override
    public void run() {
        int sent = 0;
        while (sent < maxRequests && !stop.getAsBoolean()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(30_000);
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                while (sent < maxRequests && !stop.getAsBoolean()) {
                    sent++;
                    out.write(request);
                    out.flush();
                    String failure = readResponse(in);
                    if (failure != null) {
                        failures.add("request " + sent + ": " + failure);
                        break; // a new connection for the next one
                    }
                    answered++;
                    answeredByAll.incrementAndGet();
                }
            } catch (IOException e) {
                failures.add("request " + sent + ": " + e);
            }
        }
    }

    long answered() {
        return answered;
    }

    List<String> failures() {
        return failures;
    }

    /** Null when one whole 200 response with the expected body was read; what went wrong otherwise. */
    private String readResponse(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            return "the connection closed without a response";
        }
        int length = -1;
        boolean close = false;
        for (String field = line(in); field != null && !field.isEmpty(); field = line(in)) {
            String lower = field.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(field.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (length < 0) {
            return status + " without a Content-Length";
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        if (!status.startsWith("HTTP/1.1 200") || !body.equals(expectedBody)) {
            return status + " " + body;
        }
        // haproxy keeps the client's connection whatever the server did; a close here would be haproxy's own.
        return close ? "haproxy closed the client connection" : null;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (b == '\n') {
                int end = line.length();
                return line.substring(0, end > 0 && line.charAt(end - 1) == '\r' ? end - 1 : end);
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }
}
