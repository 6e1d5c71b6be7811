package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §5.1.1 on the wire, the same raw frames to ServerConnector (Jetty's HTTP/2) and CorralConnector: a client
 * may jump over stream ids, and the ids it jumped over are closed; HEADERS on one of them is "an unexpected stream
 * identifier", a connection error PROTOCOL_ERROR on Corral — Jetty says STREAM_CLOSED (README: what differs) —
 * while HEADERS reusing a stream that did open and close is STREAM_CLOSED on both.
 */
class Http2StreamIdDifferentialTest {

    private static final int PROTOCOL_ERROR = 0x1;
    private static final int STREAM_CLOSED = 0x5;

    static final class Ok extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print("ok");
        }
    }

    /** The error code and last stream id of the GOAWAY a connector answers the script with. */
    record GoAway(int lastStreamId, int errorCode) {
    }

    @FunctionalInterface
    interface Script {
        void run(RawH2 client) throws IOException;
    }

    private static Map<ConnectorKind, GoAway> onBoth(Script script) throws Exception {
        Map<ConnectorKind, GoAway> results = new EnumMap<>(ConnectorKind.class);
        for (ConnectorKind kind : ConnectorKind.values()) {
            try (ServletServer server = ServletServer.on(kind).h2c().servlet("/", new Ok()).start();
                    RawH2 client = new RawH2(server.port())) {
                script.run(client);
                results.put(kind, client.goAway());
            }
        }
        return results;
    }

    @Test
    void headersOnAnIdJumpedOverIsAConnectionError() throws Exception {
        Map<ConnectorKind, GoAway> results = onBoth(client -> {
            client.get(1);
            client.awaitEnd(1);
            client.get(7); // 3 and 5 jumped over: closed, never used
            client.awaitEnd(7);
            client.get(3);
        });
        assertEquals(new GoAway(7, STREAM_CLOSED), results.get(ConnectorKind.JETTY));
        assertEquals(new GoAway(7, PROTOCOL_ERROR), results.get(ConnectorKind.CORRAL));
    }

    @Test
    void headersReusingAClosedStreamIsStreamClosedOnBoth() throws Exception {
        Map<ConnectorKind, GoAway> results = onBoth(client -> {
            client.get(1);
            client.awaitEnd(1);
            client.get(3);
            client.awaitEnd(3);
            client.get(1);
        });
        assertEquals(new GoAway(3, STREAM_CLOSED), results.get(ConnectorKind.JETTY));
        assertEquals(results.get(ConnectorKind.JETTY), results.get(ConnectorKind.CORRAL));
    }

    /** Just enough of an HTTP/2 client for raw frames: preface, GET by static-table HPACK, frames read whole. */
    static final class RawH2 implements AutoCloseable {
        private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final int DATA = 0x0;
        private static final int HEADERS = 0x1;
        private static final int SETTINGS = 0x4;
        private static final int GOAWAY = 0x7;
        private static final int END_STREAM = 0x1;

        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;
        private GoAway goAway;

        RawH2(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            out.write(PREFACE);
            frame(SETTINGS, 0, 0, new byte[0]);
        }

        /** GET / with END_STREAM: :method GET, :scheme http, :path / indexed, :authority a literal. */
        void get(int streamId) throws IOException {
            byte[] authority = "127.0.0.1".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer block = ByteBuffer.allocate(5 + authority.length);
            block.put((byte) 0x82).put((byte) 0x86).put((byte) 0x84).put((byte) 0x01).put((byte) authority.length)
                    .put(authority);
            frame(HEADERS, END_STREAM | 0x4, streamId, block.array());
        }

        /** Reads frames until one ends the stream (its response done); acknowledges the server's SETTINGS. */
        void awaitEnd(int streamId) throws IOException {
            while (true) {
                int[] header = readFrame();
                if (header == null) {
                    throw new IOException("GOAWAY before stream " + streamId + " ended: " + goAway);
                }
                if ((header[1] == DATA || header[1] == HEADERS) && header[3] == streamId
                        && (header[2] & END_STREAM) != 0) {
                    return;
                }
            }
        }

        /** Reads frames until the server's GOAWAY. */
        GoAway goAway() throws IOException {
            while (goAway == null) {
                readFrame();
            }
            return goAway;
        }

        /** One frame: {length, type, flags, stream id}; null for a GOAWAY, which it records. */
        private int[] readFrame() throws IOException {
            int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int streamId = in.readInt() & 0x7fff_ffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == SETTINGS && (flags & 0x1) == 0) {
                frame(SETTINGS, 0x1, 0, new byte[0]);
            }
            if (type == GOAWAY) {
                ByteBuffer body = ByteBuffer.wrap(payload);
                goAway = new GoAway(body.getInt() & 0x7fff_ffff, body.getInt());
                return null;
            }
            return new int[] {length, type, flags, streamId};
        }

        void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
            ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
            frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                    .put((byte) type).put((byte) flags).putInt(streamId).put(payload);
            out.write(frame.array());
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
