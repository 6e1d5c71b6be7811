package io.corral.connector.http1.wire;

import io.corral.connector.testing.ControlClients;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client on a raw socket: sends exact bytes and reads responses with a small, strict response parser
 * of its own, so tests see precisely what went on the wire.
 */
final class RawClient implements AutoCloseable {

    /** A response as read off the wire; header names lower-cased, last value wins. */
    record Response(int status, String reason, Map<String, String> headers, byte[] body, Map<String, String> trailers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** A control client's connection ({@link ControlClients}) over a new RawClient to {@code port}. */
    static ControlClients.Connection controlConnection(int port) throws IOException {
        RawClient client = new RawClient(port);
        return new ControlClients.Connection() {
            @Override
            public ControlClients.Answer get(String path) throws IOException {
                Response response = client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
                return new ControlClients.Answer(response.status(), response.text());
            }

            @Override
            public void close() throws IOException {
                client.close();
            }
        };
    }

    RawClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    Response read() throws IOException {
        return read(false);
    }

    /** Reads one response; {@code head} says the request was HEAD (no body whatever the headers say). */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.1 ")) {
            throw new IOException("bad status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        String reason = statusLine.length() > 13 ? statusLine.substring(13) : "";
        Map<String, String> headers = fields();
        byte[] body;
        Map<String, String> trailers = Map.of();
        if (head || status < 200 || status == 204 || status == 304) {
            body = new byte[0];
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
                if (size == 0) {
                    break;
                }
                content.write(in.readNBytes(size));
                if (!line().isEmpty()) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
            trailers = fields();
            body = content.toByteArray();
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("body cut at " + body.length + " of " + length);
            }
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, reason, headers, body, trailers);
    }

    private Map<String, String> fields() throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            fields.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return fields;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new IOException("CR without LF after: " + line);
                }
                return line.toString();
            }
            line.append((char) b);
        }
    }

    /** Whether the server closed the connection (reads to EOF; fails if bytes or nothing arrive in time). */
    boolean isClosedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
