package io.corral.connector.http2.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import io.corral.connector.http2.Http2ErrorCode;
import io.corral.connector.http2.Http2Frame;
import io.corral.connector.http2.Http2FrameParser;
import io.corral.connector.http2.Http2FrameWriter;
import io.corral.connector.http2.hpack.HeaderField;
import io.corral.connector.http2.hpack.HpackDecoder;
import io.corral.connector.http2.hpack.HpackEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A raw HTTP/2 client for wire tests: Corral's own frame writer, parser and HPACK on a plain socket, so a test can
 * send any frame, well-formed or not, and see every frame the server sends. Reads wait at most 10 s.
 */
final class H2Client implements AutoCloseable {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One response as the client assembled it. */
    record Response(int status, List<HeaderField> headers, String body, List<HeaderField> trailers) {
        String header(String name) {
            return headers.stream().filter(f -> f.name().equals(name)).map(HeaderField::value).findFirst()
                    .orElse(null);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Http2FrameParser parser = Http2FrameParser.forClient(Http2Frame.LARGEST_MAX_FRAME_SIZE);
    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE, Integer.MAX_VALUE);
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20).flip();
    /** The fields of every HEADERS frame read, decoded on arrival. */
    private final java.util.Map<Http2Frame, List<HeaderField>> decoded = new java.util.IdentityHashMap<>();
    /** Frames read while looking for another, kept in order for later calls. */
    private final List<Http2Frame> pending = new ArrayList<>();

    H2Client(int port) throws IOException {
        this(new Socket("127.0.0.1", port));
    }

    /** Over a socket that already carried something else, e.g. an HTTP/1.1 upgrade to h2c. */
    H2Client(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The preface, our SETTINGS, the server's SETTINGS acknowledged; returns the server's SETTINGS. */
    Http2Frame.Settings handshake(Http2Frame.Setting... settings) throws IOException {
        sendRaw(PREFACE);
        send(new Http2Frame.Settings(false, List.of(settings)));
        Http2Frame.Settings server = assertInstanceOf(Http2Frame.Settings.class, next(), "the server's first frame");
        send(Http2Frame.Settings.ACK);
        assertEquals(Http2Frame.Settings.ACK, nextMatching(f -> f instanceof Http2Frame.Settings s && s.ack()));
        return server;
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void send(Http2Frame frame) throws IOException {
        sendRaw(Http2FrameWriter.toBytes(frame));
    }

    byte[] encode(List<HeaderField> fields) {
        return encoder.encode(fields);
    }

    /** HEADERS for a request on {@code streamId}, in one frame. */
    void request(int streamId, List<HeaderField> fields, boolean endStream) throws IOException {
        send(new Http2Frame.Headers(streamId, encode(fields), endStream, true));
    }

    static List<HeaderField> get(String path) {
        return List.of(new HeaderField(":method", "GET"), new HeaderField(":scheme", "http"),
                new HeaderField(":path", path), new HeaderField(":authority", "localhost"));
    }

    static List<HeaderField> with(List<HeaderField> fields, String name, String value) {
        List<HeaderField> more = new ArrayList<>(fields);
        more.add(new HeaderField(name, value));
        return more;
    }

    /** The next frame from the server, first from those read earlier while looking for another. */
    Http2Frame next() throws IOException {
        if (!pending.isEmpty()) {
            return pending.removeFirst();
        }
        return read();
    }

    private Http2Frame read() throws IOException {
        while (true) {
            Http2Frame frame = parser.parse(buffer);
            if (frame instanceof Http2Frame.Headers headers) {
                // HPACK blocks must be decoded in the order they arrive, whichever stream a test reads first.
                if (!headers.endHeaders()) {
                    throw new AssertionError("CONTINUATION from the server: not supported by this client");
                }
                decoded.put(headers, decodeOrFail(headers.fragment()));
            }
            if (frame != null) {
                return frame;
            }
            buffer.compact();
            int n = in.read(buffer.array(), buffer.position(), buffer.remaining());
            if (n > 0) {
                buffer.position(buffer.position() + n);
            }
            buffer.flip();
            if (n < 0) {
                throw new java.io.EOFException("server closed the connection");
            }
        }
    }

    /** Reads until a frame matches, keeping the others for {@link #next()}. */
    Http2Frame nextMatching(Predicate<Http2Frame> wanted) throws IOException {
        for (int i = 0; i < pending.size(); i++) {
            if (wanted.test(pending.get(i))) {
                return pending.remove(i);
            }
        }
        while (true) {
            Http2Frame frame = read();
            if (wanted.test(frame)) {
                return frame;
            }
            pending.add(frame);
        }
    }

    /**
     * Waits for the server's final GOAWAY, then for the connection to close. The first GOAWAY of a graceful
     * shutdown (last stream id 2^31-1, RFC 9113 §6.8) is passed over; its PING is left unanswered, so the final
     * GOAWAY comes after the server's bounded wait.
     */
    Http2Frame.GoAway goAway() throws IOException {
        Http2Frame.GoAway goAway = finalGoAway();
        assertClosed();
        return goAway;
    }

    /** The server's final GOAWAY (see {@link #goAway()}), without waiting for the close. */
    Http2Frame.GoAway finalGoAway() throws IOException {
        return (Http2Frame.GoAway) nextMatching(f -> f instanceof Http2Frame.GoAway goAway && !isGraceful(goAway));
    }

    /** The first GOAWAY of a graceful shutdown: NO_ERROR with the largest stream id. */
    static boolean isGraceful(Http2Frame.GoAway goAway) {
        return goAway.lastStreamId() == Integer.MAX_VALUE && goAway.errorCode() == 0;
    }

    void assertClosed() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (java.io.EOFException | java.net.SocketException expected) {
            // closed, or reset after close
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection");
        }
    }

    /**
     * Sends a PING and returns every frame the server sent before answering it, the frames read earlier and kept
     * included: since the server handles frames in order, this is all it had to say about what was sent before.
     */
    List<Http2Frame> framesBeforePingAck(long opaqueData) throws IOException {
        send(new Http2Frame.Ping(false, opaqueData));
        List<Http2Frame> before = new ArrayList<>();
        while (true) {
            Http2Frame frame = next();
            if (frame instanceof Http2Frame.Ping ping && ping.ack() && ping.opaqueData() == opaqueData) {
                return before;
            }
            before.add(frame);
        }
    }

    Http2Frame.RstStream reset(int streamId) throws IOException {
        return (Http2Frame.RstStream) nextMatching(f -> f instanceof Http2Frame.RstStream r && r.streamId() == streamId);
    }

    /** Reads one stream's whole response (HEADERS, DATA, trailers) up to END_STREAM; fails on a reset. */
    Response response(int streamId) throws IOException {
        int status = -1;
        List<HeaderField> headers = null;
        List<HeaderField> trailers = List.of();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Http2Frame frame = nextMatching(f -> f.streamId() == streamId);
            boolean end;
            switch (frame) {
                case Http2Frame.Headers h -> {
                    List<HeaderField> fields = decoded.remove(h);
                    end = h.endStream();
                    if (headers == null) {
                        int code = Integer.parseInt(fields.getFirst().value());
                        if (code < 200) {
                            continue; // an informational response
                        }
                        status = code;
                        headers = fields;
                    } else {
                        trailers = fields;
                    }
                }
                case Http2Frame.Data d -> {
                    body.writeBytes(d.data());
                    end = d.endStream();
                    if (d.data().length > 0) {
                        send(new Http2Frame.WindowUpdate(0, d.flowControlledLength()));
                        if (!end) {
                            send(new Http2Frame.WindowUpdate(streamId, d.flowControlledLength()));
                        }
                    }
                }
                case Http2Frame.WindowUpdate ignored -> {
                    continue; // the server reopening the request body's window
                }
                case Http2Frame.RstStream r -> throw new AssertionError("stream " + streamId + " reset: "
                        + Http2ErrorCode.nameOf(r.errorCode()));
                default -> throw new AssertionError("unexpected " + frame);
            }
            if (end) {
                return new Response(status, headers, body.toString(StandardCharsets.ISO_8859_1), trailers);
            }
        }
    }

    /** The fields of a HEADERS frame read earlier (decoded on arrival, in order); once per frame. */
    List<HeaderField> decoded(Http2Frame.Headers headers) {
        return decoded.remove(headers);
    }

    private List<HeaderField> decodeOrFail(byte[] block) {
        try {
            return decoder.decode(ByteBuffer.wrap(block));
        } catch (Exception e) {
            throw new AssertionError("the server's field block does not decode", e);
        }
    }

    /** A half-close: a FIN after what was sent, the socket still reading. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
