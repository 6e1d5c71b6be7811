package io.corral.connector.http2;

import io.corral.connector.http1.DateHeader;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.stream.HttpHeaders;
import io.corral.connector.stream.HttpResponse;
import io.corral.connector.stream.ResponseOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A stream's response as HTTP/2 frames: HEADERS (with {@code :status}), DATA under flow control, and trailers as
 * a final HEADERS. The engine owns the framing here as on HTTP/1.1: connection-specific fields a handler sets
 * ({@code connection}, {@code transfer-encoding}…) are dropped, since RFC 9113 §8.2.2 makes a message carrying
 * them malformed; names go out in lowercase; a body written in one call gets its {@code content-length}; and
 * values are sanitised (NUL, CR, LF and chars above U+00FF become a space) so a handler's text never makes the
 * peer reject the stream.
 *
 * <p>A 2xx answer to an extended CONNECT makes its stream a tunnel (RFC 8441 §4, RFC 9110 §9.3.6; see
 * {@link Http2Tunnel}), whether or not the handler has registered the upgrade yet (Jetty's handshaker writes its 200
 * first): that answer is a head alone, and content for it is refused; ending it sends HEADERS without END_STREAM and without {@code content-length} (RFC 9110 §9.3.6), and the
 * tunnel's bytes follow as DATA through {@link #tunnelData}.
 */
final class Http2Response implements HttpResponse {

    /** What {@link #asOutputStream()} gathers before it commits and streams: a smaller body gets a content-length. */
    private static final int OUTPUT_BUFFER_SIZE = 8192;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /**
     * Field names as handlers and Jetty usually spell them, each with its lowercase form made once: a response's
     * common fields are neither lowercased nor checked again (none of them is connection-specific or needs
     * sanitising).
     */
    private static final Map<String, String> KNOWN_NAMES = lowercaseForms("Accept-Ranges", "Access-Control-Allow-Origin",
            "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers", "Age", "Allow", "Cache-Control",
            "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length", "Content-Location",
            "Content-Range", "Content-Security-Policy", "Content-Type", "Date", "ETag", "Expires", "Last-Modified",
            "Link", "Location", "Pragma", "Retry-After", "Server", "Set-Cookie", "Strict-Transport-Security", "Vary",
            "WWW-Authenticate", "X-Content-Type-Options", "X-Frame-Options", "X-Powered-By");

    /** {@code :status} fields for the statuses a response can have, made once. */
    private static final HeaderField[] STATUS_FIELDS = new HeaderField[1000];

    static {
        for (int status = 100; status < STATUS_FIELDS.length; status++) {
            STATUS_FIELDS[status] = new HeaderField(":status", Integer.toString(status).intern());
        }
    }

    private final Http2Stream stream;
    private final HttpHeaders headers = new HttpHeaders();
    private int status = 200;
    private Supplier<HttpHeaders> trailers;
    private volatile boolean committed;
    private volatile boolean complete;
    private OutputStream out;
    /** Octets still owed to a content-length the handler set; -1 when it set none. */
    private long declaredRemaining = -1;

    Http2Response(Http2Stream stream) {
        this.stream = stream;
    }

    @Override
    public HttpResponse status(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status " + status);
        }
        if (!committed) {
            this.status = status;
        }
        return this;
    }

    @Override
    public int status() {
        return status;
    }

    /** HTTP/2 has no reason phrase (RFC 9113 §8.3.2). */
    @Override
    public HttpResponse reason(String reason) {
        return this;
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }

    @Override
    public void write(ByteBuffer content, boolean last) throws IOException {
        if (complete) {
            if (content.hasRemaining()) {
                throw new IOException("response already complete");
            }
            return;
        }
        stream.checkWritable();
        if (stream.request().isExtendedConnect() && status / 100 == 2) {
            writeTunnelHead(content);
            return;
        }
        boolean bodyless = stream.request().isHead() || status == 204 || status == 304;
        if (bodyless) {
            content.position(content.limit());
        }
        checkDeclaredLength(content.remaining(), last, bodyless);
        if (!committed && commitWith(content, last)) {
            return;
        }
        if (writeData(content, last && trailers == null)) {
            return;
        }
        if (last) {
            ending();
            if (trailers != null) {
                stream.connection().output().writeFieldBlock(stream.id(), fields(trailers.get(), null), true);
            } else {
                stream.connection().output().writeData(stream.id(), EMPTY, 0, true);
            }
            bodyEnded();
        }
    }

    /**
     * Commits with the head, and with the content's first DATA frame when the send window is open: the two leave
     * in one write (a small response whole). Returns true when that ended the stream.
     */
    private boolean commitWith(ByteBuffer content, boolean last) throws IOException {
        boolean endWithHeaders = last && !content.hasRemaining() && trailers == null;
        List<HeaderField> head = head(last ? content.remaining() : -1);
        Http2Output output = stream.connection().output();
        int first = content.hasRemaining()
                ? stream.tryAcquireWindow(Math.min(content.remaining(), stream.connection().peerMaxFrameSize())) : 0;
        if (first == 0) {
            if (endWithHeaders) {
                ending();
            }
            output.writeFieldBlock(stream.id(), head, endWithHeaders);
            if (endWithHeaders) {
                bodyEnded();
            }
            return endWithHeaders;
        }
        boolean end = last && first == content.remaining() && trailers == null;
        if (end) {
            ending();
        }
        output.writeFieldBlockAndData(stream.id(), head, content, first, end);
        if (end) {
            bodyEnded();
        }
        return end;
    }

    /**
     * The content as DATA frames under flow control, blocking while the window is shut; {@code end} puts END_STREAM
     * on the last. Returns true when that ended the stream.
     */
    private boolean writeData(ByteBuffer content, boolean end) throws IOException {
        Http2Output output = stream.connection().output();
        while (content.hasRemaining()) {
            int n = stream.acquireWindow(Math.min(content.remaining(), stream.connection().peerMaxFrameSize()));
            boolean last = end && n == content.remaining();
            if (last) {
                ending();
            }
            output.writeData(stream.id(), content, n, last);
            if (last) {
                bodyEnded();
                return true;
            }
        }
        return false;
    }

    private void writeTunnelHead(ByteBuffer content) throws IOException {
        if (content.hasRemaining()) {
            throw new IOException("a 2xx answer to CONNECT has no content: the tunnel carries the bytes");
        }
        if (!committed) {
            headers.remove("content-length");
            stream.connection().output().writeFieldBlock(stream.id(), head(-1), false);
        }
    }

    /**
     * The tunnel's bytes once its head went out: DATA frames under flow control, blocking while the window is shut;
     * {@code end} ends our side with END_STREAM, a tunnel's FIN (RFC 8441 §4).
     */
    void tunnelData(ByteBuffer content, boolean end) throws IOException {
        stream.checkWritable();
        if (!committed) {
            throw new IOException("tunnel bytes before the answer's head");
        }
        if (complete) {
            throw new IOException("tunnel output already ended");
        }
        if (writeData(content, end)) {
            return;
        }
        if (end) {
            ending();
            stream.connection().output().writeData(stream.id(), EMPTY, 0, true);
            bodyEnded();
        }
    }

    /**
     * Holds the body to a content-length the handler set, as HTTP/1.1 does ({@link HttpResponse}'s contract): a
     * body that would run past it, or end short of it, fails the write before any of it goes out, since the
     * client would take the response as malformed (RFC 9113 §8.1.1).
     */
    private void checkDeclaredLength(int length, boolean last, boolean bodyless) throws IOException {
        if (bodyless) {
            return;
        }
        if (!committed && declaredRemaining < 0) {
            String declared = headers.get("content-length");
            if (declared != null) {
                declaredRemaining = parseContentLength(declared);
            }
        }
        if (declaredRemaining < 0) {
            return;
        }
        if (length > declaredRemaining) {
            throw new IOException("response body longer than its content-length of " + headers.get("content-length"));
        }
        if (last && length < declaredRemaining) {
            throw new IOException("response body ended " + (declaredRemaining - length)
                    + " bytes short of its content-length");
        }
        declaredRemaining -= length;
    }

    private static long parseContentLength(String value) throws IOException {
        try {
            long length = Long.parseLong(value.trim());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through to the error below
        }
        throw new IOException("handler set an invalid content-length: " + value);
    }

    /** Commits: the head's fields, from now on fixed. */
    private List<HeaderField> head(long knownLength) {
        committed = true;
        if (status == 204) {
            headers.remove("content-length"); // RFC 9110 §8.6: never on a 204, as on HTTP/1.1
        }
        if (knownLength >= 0 && headers.get("content-length") == null && status != 204 && status != 304
                && !stream.request().isHead()) {
            headers.set("content-length", Long.toString(knownLength));
        }
        if (headers.get("date") == null) {
            headers.set("date", DateHeader.value());
        }
        return fields(headers, STATUS_FIELDS[status]);
    }

    /** Just before the frame that ends the stream is written (see {@link Http2Stream#endingLocally()}). */
    private void ending() {
        stream.connection().streamEnding(stream);
    }

    private void bodyEnded() {
        complete = true;
        stream.localEnded();
    }

    /**
     * The fields of a head or trailers as they go out: connection-specific, empty and pseudo-header names dropped
     * (RFC 9113 §8.2.2, §8.3), names in lowercase (§8.2.1), names and values sanitised.
     */
    private static List<HeaderField> fields(HttpHeaders source, HeaderField status) {
        List<HeaderField> fields = new ArrayList<>((source == null ? 0 : source.size()) + 1);
        if (status != null) {
            fields.add(status);
        }
        if (source == null) {
            return fields;
        }
        for (HttpHeaders.Field field : source) {
            String name = KNOWN_NAMES.get(field.name());
            if (name == null) {
                name = field.name().toLowerCase(Locale.ROOT);
                if (name.isEmpty() || name.charAt(0) == ':' || isConnectionSpecific(name)) {
                    continue;
                }
                name = sanitise(name);
            }
            fields.add(new HeaderField(name, sanitise(field.value())));
        }
        return fields;
    }

    /** §8.2.2: {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade}. */
    private static boolean isConnectionSpecific(String lowercaseName) {
        return switch (lowercaseName.length()) {
            case 7 -> lowercaseName.equals("upgrade");
            case 10 -> lowercaseName.equals("connection") || lowercaseName.equals("keep-alive");
            case 16 -> lowercaseName.equals("proxy-connection");
            case 17 -> lowercaseName.equals("transfer-encoding");
            default -> false;
        };
    }

    /** NUL, CR, LF and chars above U+00FF become a space, and the result is trimmed; most text passes unchanged. */
    private static String sanitise(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (isUnsafe(text.charAt(i))) {
                char[] chars = text.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (isUnsafe(chars[j])) {
                        chars[j] = ' ';
                    }
                }
                return new String(chars).strip();
            }
        }
        return text;
    }

    /** One comparison for the usual printable char, the exact checks only below 0x0E or above 0xFF. */
    private static boolean isUnsafe(char c) {
        return c < 0x0E ? c == 0 || c == '\r' || c == '\n' : c > 0xFF;
    }

    private static Map<String, String> lowercaseForms(String... names) {
        Map<String, String> forms = new HashMap<>();
        for (String name : names) {
            String lowercase = name.toLowerCase(Locale.ROOT).intern();
            forms.put(name, lowercase);
            forms.put(lowercase, lowercase);
        }
        return Map.copyOf(forms);
    }

    @Override
    public OutputStream asOutputStream() {
        if (out == null) {
            out = new ResponseOutputStream(this, OUTPUT_BUFFER_SIZE);
        }
        return out;
    }

    /** Ends the response if the handler did not: what its output stream holds goes out, then END_STREAM. */
    void finish() throws IOException {
        if (out != null) {
            out.close();
        }
        if (!complete) {
            end();
        }
    }

    /** The engine's own answer in place of an uncommitted response: plain text, as on HTTP/1.1. */
    void errorResponse(int status, String message) throws IOException {
        headers.clear();
        declaredRemaining = -1; // the handler's content-length went with its headers
        headers.add("content-type", "text/plain; charset=utf-8");
        status(status);
        trailers(null);
        write(ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), true);
    }

    /** As on HTTP/1.1: a status outside 1xx (or 101, which HTTP/2 has not) is refused; after the final one, none. */
    @Override
    public void sendInformational(int status, HttpHeaders fields) throws IOException {
        if (status < 100 || status > 199 || status == 101) {
            throw new IllegalArgumentException("not an interim status: " + status);
        }
        if (committed) {
            return;
        }
        stream.checkWritable();
        stream.connection().output().writeFieldBlock(stream.id(), fields(fields, STATUS_FIELDS[status]), false);
    }

    @Override
    public void trailers(Supplier<HttpHeaders> trailers) {
        this.trailers = trailers;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }
}
