package io.corral.jetty;

import io.corral.connector.testing.ControlClients;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A raw-socket HTTP/1.1 client for wire-level tests: sends exactly the bytes given and parses responses
 * itself, so tests see framing, interim responses and connection state as the server left them. Every
 * read is bounded by a socket timeout.
 */
final class RawConnection implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 5000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(int port) throws IOException {
        this(null, port);
    }

    /** Connects from {@code source} (127.0.0.2, 127.0.0.3… need no set-up on Linux), or from any when null. */
    RawConnection(java.net.InetAddress source, int port) throws IOException {
        socket = new Socket();
        if (source != null) {
            socket.bind(new InetSocketAddress(source, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** A control client's connection ({@link ControlClients}) over a new RawConnection to {@code port}. */
    static ControlClients.Connection controlConnection(int port) throws IOException {
        RawConnection connection = new RawConnection(port);
        return new ControlClients.Connection() {
            @Override
            public ControlClients.Answer get(String path) throws IOException {
                RawResponse response = connection.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
                return new ControlClients.Answer(response.status(), response.text());
            }

            @Override
            public void close() throws IOException {
                connection.close();
            }
        };
    }

    /** Whether a connection to {@code port} is refused now: nothing accepts there (stopped, suspended). */
    static boolean refused(int port) {
        try (RawConnection probe = new RawConnection(port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    Socket socket() {
        return socket;
    }

    /** The buffered input the responses were parsed from: bytes after a response may already be in it. */
    InputStream input() {
        return in;
    }

    RawConnection send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads the next response (an interim 1xx counts as one). */
    RawResponse read() throws IOException {
        return read(false);
    }

    /** Reads the next response to a HEAD request: a head only, whatever its Content-Length says. */
    RawResponse readHead() throws IOException {
        return read(true);
    }

    private RawResponse read(boolean headRequest) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        int firstSpace = statusLine.indexOf(' ');
        int secondSpace = statusLine.indexOf(' ', firstSpace + 1);
        String version = statusLine.substring(0, firstSpace);
        int status = Integer.parseInt(statusLine.substring(firstSpace + 1, secondSpace < 0 ? statusLine.length() : secondSpace));
        String reason = secondSpace < 0 ? "" : statusLine.substring(secondSpace + 1);
        List<RawResponse.Field> headers = fields();
        RawResponse head = new RawResponse(version, status, reason, headers, new byte[0], List.of(), false);
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return head;
        }
        String transferEncoding = head.header("Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase().contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                if (sizeLine == null) {
                    throw new EOFException("connection closed inside a chunked body");
                }
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                if (size == 0) {
                    break;
                }
                body.write(in.readNBytes(size));
                String end = line();
                if (!"".equals(end)) {
                    throw new IOException("chunk not followed by CRLF: " + end);
                }
            }
            return new RawResponse(version, status, reason, headers, body.toByteArray(), fields(), true);
        }
        String contentLength = head.header("Content-Length");
        if (contentLength != null) {
            int length = Integer.parseInt(contentLength.trim());
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
            }
            return new RawResponse(version, status, reason, headers, body, List.of(), false);
        }
        return new RawResponse(version, status, reason, headers, in.readAllBytes(), List.of(), false);
    }

    /** Reads a final response, skipping any interim 1xx responses before it. */
    RawResponse readFinal() throws IOException {
        RawResponse response = read();
        while (response.status() < 200) {
            response = read();
        }
        return response;
    }

    /**
     * Whether the server closed (or reset) the connection: true as soon as the read sees the end, false
     * when the connection stays open with nothing to read for {@code waitMs}. Bytes that arrive are an error.
     */
    boolean isClosedByServer(int waitMs) throws IOException {
        socket.setSoTimeout(waitMs);
        try {
            int next = in.read();
            if (next >= 0) {
                throw new IOException("unexpected byte from the server: " + next);
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        } finally {
            socket.setSoTimeout(READ_TIMEOUT_MS);
        }
    }

    /** Reads whatever the server sends until it closes; for responses the client cannot frame. */
    byte[] readToEnd() throws IOException {
        try {
            return in.readAllBytes();
        } catch (SocketException reset) {
            return new byte[0];
        }
    }

    private List<RawResponse.Field> fields() throws IOException {
        List<RawResponse.Field> fields = new ArrayList<>();
        while (true) {
            String line = line();
            if (line == null) {
                throw new EOFException("connection closed inside a header section");
            }
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            fields.add(new RawResponse.Field(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
    }

    /** One CRLF-terminated line without its terminator, or null at the end of the stream. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int next = in.read();
            if (next < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            if (next == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) next);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
