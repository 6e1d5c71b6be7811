package io.corral.jetty.websocket;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A raw-socket WebSocket client for wire-level tests: writes exactly the bytes a test builds (masked or
 * not, any opcode, any RSV bit, split or pipelined anywhere) and reads the server's answer with a parser
 * of its own, independent of both Jetty's and Corral's, so that it can judge either. Every read is
 * bounded by a socket timeout.
 */
final class RawWebSocket implements AutoCloseable {

    static final int READ_TIMEOUT_MS = 5000;
    /** A valid key (RFC 6455 §1.3's example) and the accept value it must produce. */
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==", ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    static final int RSV1 = 0x40, RSV2 = 0x20, RSV3 = 0x10;
    private static final byte[] MASK = {0x37, (byte) 0xFA, 0x21, 0x3D};

    /** The HTTP response head to a handshake; header names are matched ignoring case. */
    record Response(int status, List<String[]> headers, String body) {
        String header(String name) {
            for (String[] field : headers) {
                if (field[0].equalsIgnoreCase(name)) {
                    return field[1];
                }
            }
            return null;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder().append(status);
            headers.forEach(field -> text.append(" | ").append(field[0]).append(": ").append(field[1]));
            return text.append(" | ").append(body).toString();
        }
    }

    /** One frame as the server sent it. */
    record ServerFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, 1005 (no status) for an empty one. */
        int closeCode() {
            return payload.length < 2 ? 1005 : (payload[0] & 0xFF) << 8 | payload[1] & 0xFF;
        }

        String closeReason() {
            return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "frame[fin=" + fin + ",rsv=" + rsv + ",op=" + opcode + ",masked=" + masked + ",len=" + payload.length
                    + (opcode == CLOSE ? ",code=" + closeCode() + ",reason=" + closeReason() : "") + "]";
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    static RawWebSocket connect(int port) throws IOException {
        return connect(port, 0);
    }

    /** @param receiveBuffer the socket's receive buffer size, or 0 for the system's default */
    static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        return new RawWebSocket(socket);
    }

    /** A complete opening handshake for {@code path}; each extra line is a header field without CRLF. */
    static byte[] handshake(String path, String... extraHeaderLines) {
        return handshakeWith(path, KEY, "13", extraHeaderLines);
    }

    /** A handshake with the given key and version (either left out when null). */
    static byte[] handshakeWith(String path, String key, String version, String... extraHeaderLines) {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n");
        if (key != null) {
            request.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
        }
        if (version != null) {
            request.append("Sec-WebSocket-Version: ").append(version).append("\r\n");
        }
        for (String line : extraHeaderLines) {
            request.append(line).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends the handshake and reads the response head; a 101 leaves the socket to frames. */
    Response upgrade(String path, String... extraHeaderLines) throws IOException {
        send(handshake(path, extraHeaderLines));
        return readResponse();
    }

    /** Upgrades and fails unless the server switched protocols with the right accept value. */
    Response open(String path, String... extraHeaderLines) throws IOException {
        Response response = upgrade(path, extraHeaderLines);
        if (response.status() != 101 || !ACCEPT.equals(response.header("Sec-WebSocket-Accept"))) {
            throw new AssertionError("handshake to " + path + " refused: " + response);
        }
        return response;
    }

    RawWebSocket send(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            out.write(part);
        }
        out.flush();
        return this;
    }

    /** A masked frame (as a client must send, RFC 6455 §5.3) with a fixed masking key. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        return frame(fin, rsv, opcode, payload, true);
    }

    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        int length = payload.length;
        int lengthBytes = length < 126 ? 0 : length <= 0xFFFF ? 2 : 8;
        byte[] frame = new byte[2 + lengthBytes + (masked ? 4 : 0) + length];
        frame[0] = (byte) ((fin ? 0x80 : 0) | rsv | opcode);
        int i = 2;
        if (lengthBytes == 0) {
            frame[1] = (byte) length;
        } else if (lengthBytes == 2) {
            frame[1] = 126;
            frame[i++] = (byte) (length >>> 8);
            frame[i++] = (byte) length;
        } else {
            frame[1] = 127;
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame[i++] = (byte) ((long) length >>> shift);
            }
        }
        if (masked) {
            frame[1] |= (byte) 0x80;
            System.arraycopy(MASK, 0, frame, i, 4);
            i += 4;
        }
        for (int j = 0; j < length; j++) {
            frame[i + j] = masked ? (byte) (payload[j] ^ MASK[j & 3]) : payload[j];
        }
        return frame;
    }

    static byte[] textFrame(String text) {
        return frame(true, 0, TEXT, utf8(text));
    }

    static byte[] closeFrame(int code, String reason) {
        byte[] reasonBytes = utf8(reason);
        byte[] payload = new byte[2 + reasonBytes.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reasonBytes, 0, payload, 2, reasonBytes.length);
        return frame(true, 0, CLOSE, payload);
    }

    /** The parts one after another, to send as one packet. */
    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    RawWebSocket sendText(String text) throws IOException {
        return send(textFrame(text));
    }

    /** The next frame, or null when the server closed (or reset) TCP. */
    ServerFrame readFrame() throws IOException {
        try {
            return readFrame(in);
        } catch (SocketException reset) {
            return null;
        }
    }

    /** Every whole frame in {@code bytes} (what a server wrote), in order. */
    static List<ServerFrame> parseFrames(byte[] bytes) throws IOException {
        DataInputStream frames = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
        List<ServerFrame> parsed = new ArrayList<>();
        for (ServerFrame frame = readFrame(frames); frame != null; frame = readFrame(frames)) {
            parsed.add(frame);
        }
        return parsed;
    }

    private static ServerFrame readFrame(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        int second = in.readUnsignedByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        if (length > 64L * 1024 * 1024) {
            throw new AssertionError("frame of " + length + " bytes from the server");
        }
        boolean masked = (second & 0x80) != 0;
        byte[] mask = new byte[4];
        if (masked) {
            in.readFully(mask);
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if (masked) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        return new ServerFrame((first & 0x80) != 0, first & 0x70, first & 0x0F, masked, payload);
    }

    ServerFrame expectFrame() throws IOException {
        ServerFrame frame = readFrame();
        if (frame == null) {
            throw new AssertionError("the server closed TCP; a frame was expected");
        }
        if (frame.masked()) {
            throw new AssertionError("a server must not mask its frames (RFC 6455 §5.1): " + frame);
        }
        return frame;
    }

    /** A whole message: the first frame's opcode and RSV bits, and every fragment's payload joined. */
    record Message(int opcode, int rsv, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** The next whole message, which may arrive in fragments (control frames between them fail the test). */
    Message expectMessage() throws IOException {
        ServerFrame first = expectFrame();
        if (first.opcode() != TEXT && first.opcode() != BINARY) {
            throw new AssertionError("expected a data frame, got " + first);
        }
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(first.payload());
        ServerFrame frame = first;
        for (int i = 0; !frame.fin(); i++) {
            if (i > 100_000) {
                throw new AssertionError("message of more than 100000 fragments");
            }
            frame = expectFrame();
            if (frame.opcode() != CONTINUATION || frame.rsv() != 0) {
                throw new AssertionError("expected a continuation frame without RSV bits, got " + frame);
            }
            message.writeBytes(frame.payload());
        }
        return new Message(first.opcode(), first.rsv(), message.toByteArray());
    }

    String expectText() throws IOException {
        Message message = expectMessage();
        if (message.opcode() != TEXT || message.rsv() != 0) {
            throw new AssertionError("expected an uncompressed text message, got opcode " + message.opcode() + " rsv " + message.rsv());
        }
        return message.text();
    }

    byte[] expectBinary() throws IOException {
        Message message = expectMessage();
        if (message.opcode() != BINARY || message.rsv() != 0) {
            throw new AssertionError("expected an uncompressed binary message, got opcode " + message.opcode() + " rsv " + message.rsv());
        }
        return message.payload();
    }

    /** Skips data frames up to the server's close frame. */
    ServerFrame expectClose() throws IOException {
        for (int i = 0; i < 100_000; i++) {
            ServerFrame frame = expectFrame();
            if (frame.opcode() == CLOSE) {
                return frame;
            }
        }
        throw new AssertionError("no close frame among 100000 frames");
    }

    /** Whether the server closes TCP (end of stream or reset) within the read timeout, skipping frames. */
    boolean awaitEndOfStream() throws IOException {
        try {
            for (int i = 0; i < 100_000; i++) {
                if (readFrame() == null) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException timeout) {
            return false;
        } catch (EOFException | SocketException closed) {
            return true;
        }
    }

    /** Reads an HTTP response head and, when it announces one, its body. */
    Response readResponse() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        int firstSpace = statusLine.indexOf(' ');
        int secondSpace = statusLine.indexOf(' ', firstSpace + 1);
        int status = Integer.parseInt(statusLine.substring(firstSpace + 1, secondSpace < 0 ? statusLine.length() : secondSpace));
        List<String[]> headers = new ArrayList<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        String body = "";
        Response head = new Response(status, headers, body);
        String contentLength = head.header("Content-Length");
        if (status != 101 && contentLength != null) {
            byte[] bytes = new byte[Integer.parseInt(contentLength)];
            in.readFully(bytes);
            body = new String(bytes, StandardCharsets.UTF_8);
        } else if (status != 101 && "chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            body = chunkedBody();
        }
        return new Response(status, headers, body);
    }

    private String chunkedBody() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 10_000; i++) {
            String sizeLine = line();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                for (String trailer = line(); trailer != null && !trailer.isEmpty(); trailer = line()) {
                    // trailers are not needed by these tests
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            byte[] chunk = new byte[size];
            in.readFully(chunk);
            body.writeBytes(chunk);
            line();
        }
        throw new AssertionError("more than 10000 chunks");
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 16 * 1024; i++) {
            int b = in.read();
            if (b < 0) {
                return line.isEmpty() ? null : line.toString();
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
        throw new AssertionError("response line longer than 16 KiB");
    }

    Socket socket() {
        return socket;
    }

    /** The extension names and parameters of a response's {@code Sec-WebSocket-Extensions}, lower-cased. */
    static String extensions(Response response) {
        String value = response.header("Sec-WebSocket-Extensions");
        return value == null ? null : value.toLowerCase(Locale.ROOT).replace(" ", "");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
