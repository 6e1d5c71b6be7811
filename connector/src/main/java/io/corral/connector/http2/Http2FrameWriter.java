package io.corral.connector.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes HTTP/2 frames (RFC 9113 §4.1, §6) as the RFC lays them out: reserved bits unset, padding octets zero,
 * and only the flags the frame's fields call for. It checks nothing the caller decides (stream states, the peer's
 * SETTINGS_MAX_FRAME_SIZE, flow control): those belong to the connection, which also splits a field block with
 * {@link #fieldBlock}. Stateless.
 */
public final class Http2FrameWriter {

    private Http2FrameWriter() {
    }

    /** The frame's size on the wire, header included. */
    public static int length(Http2Frame frame) {
        return Http2Frame.HEADER_LENGTH + payloadLength(frame);
    }

    /** The frame as a new array. */
    public static byte[] toBytes(Http2Frame frame) {
        ByteBuffer out = ByteBuffer.allocate(length(frame));
        write(frame, out);
        return out.array();
    }

    /**
     * Writes the frame at the buffer's position.
     *
     * @throws java.nio.BufferOverflowException when the buffer has less room than {@link #length}
     */
    public static void write(Http2Frame frame, ByteBuffer out) {
        switch (frame) {
            case Http2Frame.Data data -> {
                header(out, payloadLength(frame), Http2Frame.DATA,
                        flag(data.endStream(), Http2Frame.FLAG_END_STREAM) | padded(data.padLength()), data.streamId());
                padLength(out, data.padLength());
                out.put(data.data());
                padding(out, data.padLength());
            }
            case Http2Frame.Headers headers -> {
                header(out, payloadLength(frame), Http2Frame.HEADERS,
                        flag(headers.endStream(), Http2Frame.FLAG_END_STREAM)
                                | flag(headers.endHeaders(), Http2Frame.FLAG_END_HEADERS)
                                | flag(headers.priority() != null, Http2Frame.FLAG_PRIORITY)
                                | padded(headers.padLength()), headers.streamId());
                padLength(out, headers.padLength());
                if (headers.priority() != null) {
                    priority(out, headers.priority());
                }
                out.put(headers.fragment());
                padding(out, headers.padLength());
            }
            case Http2Frame.PriorityFrame priority -> {
                header(out, 5, Http2Frame.PRIORITY, 0, priority.streamId());
                priority(out, priority.priority());
            }
            case Http2Frame.RstStream reset -> {
                header(out, 4, Http2Frame.RST_STREAM, 0, reset.streamId());
                out.putInt(reset.errorCode());
            }
            case Http2Frame.Settings settings -> {
                header(out, 6 * settings.settings().size(), Http2Frame.SETTINGS,
                        flag(settings.ack(), Http2Frame.FLAG_ACK), 0);
                for (Http2Frame.Setting setting : settings.settings()) {
                    out.putShort((short) setting.id());
                    out.putInt((int) setting.value());
                }
            }
            case Http2Frame.PushPromise promise -> {
                header(out, payloadLength(frame), Http2Frame.PUSH_PROMISE,
                        flag(promise.endHeaders(), Http2Frame.FLAG_END_HEADERS) | padded(promise.padLength()),
                        promise.streamId());
                padLength(out, promise.padLength());
                out.putInt(promise.promisedStreamId() & 0x7FFF_FFFF);
                out.put(promise.fragment());
                padding(out, promise.padLength());
            }
            case Http2Frame.Ping ping -> {
                header(out, 8, Http2Frame.PING, flag(ping.ack(), Http2Frame.FLAG_ACK), 0);
                out.putLong(ping.opaqueData());
            }
            case Http2Frame.GoAway goAway -> {
                header(out, payloadLength(frame), Http2Frame.GOAWAY, 0, 0);
                out.putInt(goAway.lastStreamId() & 0x7FFF_FFFF);
                out.putInt(goAway.errorCode());
                out.put(goAway.debugData());
            }
            case Http2Frame.WindowUpdate update -> {
                header(out, 4, Http2Frame.WINDOW_UPDATE, 0, update.streamId());
                out.putInt(update.increment() & 0x7FFF_FFFF);
            }
            case Http2Frame.Continuation continuation -> {
                header(out, continuation.fragment().length, Http2Frame.CONTINUATION,
                        flag(continuation.endHeaders(), Http2Frame.FLAG_END_HEADERS), continuation.streamId());
                out.put(continuation.fragment());
            }
            case Http2Frame.Unknown unknown -> {
                // An extension frame with a zero payload of the recorded length: for tests of §5.5.
                header(out, unknown.length(), unknown.type(), unknown.flags(), unknown.streamId());
                out.put(new byte[unknown.length()]);
            }
        }
    }

    /**
     * A field block as HEADERS followed by as many CONTINUATION frames as {@code maxFrameSize} asks for
     * (§4.3, §6.10); END_STREAM goes on the HEADERS frame, END_HEADERS on the last frame.
     */
    public static List<Http2Frame> fieldBlock(int streamId, byte[] block, boolean endStream, int maxFrameSize) {
        List<Http2Frame> frames = new ArrayList<>(1 + block.length / maxFrameSize);
        int first = Math.min(block.length, maxFrameSize);
        frames.add(new Http2Frame.Headers(streamId, java.util.Arrays.copyOf(block, first), endStream,
                first == block.length));
        for (int offset = first; offset < block.length; offset += maxFrameSize) {
            int end = Math.min(block.length, offset + maxFrameSize);
            frames.add(new Http2Frame.Continuation(streamId, java.util.Arrays.copyOfRange(block, offset, end),
                    end == block.length));
        }
        return frames;
    }

    private static int payloadLength(Http2Frame frame) {
        return switch (frame) {
            case Http2Frame.Data data -> data.flowControlledLength();
            case Http2Frame.Headers headers -> headers.fragment().length + (headers.priority() != null ? 5 : 0)
                    + paddingOverhead(headers.padLength());
            case Http2Frame.PriorityFrame ignored -> 5;
            case Http2Frame.RstStream ignored -> 4;
            case Http2Frame.Settings settings -> 6 * settings.settings().size();
            case Http2Frame.PushPromise promise -> 4 + promise.fragment().length + paddingOverhead(promise.padLength());
            case Http2Frame.Ping ignored -> 8;
            case Http2Frame.GoAway goAway -> 8 + goAway.debugData().length;
            case Http2Frame.WindowUpdate ignored -> 4;
            case Http2Frame.Continuation continuation -> continuation.fragment().length;
            case Http2Frame.Unknown unknown -> unknown.length();
        };
    }

    private static int paddingOverhead(int padLength) {
        return padLength == Http2Frame.NOT_PADDED ? 0 : 1 + padLength;
    }

    private static void header(ByteBuffer out, int length, int type, int flags, int streamId) {
        out.put((byte) (length >>> 16)).put((byte) (length >>> 8)).put((byte) length);
        out.put((byte) type).put((byte) flags);
        out.putInt(streamId & 0x7FFF_FFFF);
    }

    /** A frame header (§4.1) at {@code out[offset..offset + 9)}: the reserved bit of the stream id unset. */
    static void header(byte[] out, int offset, int length, int type, int flags, int streamId) {
        out[offset] = (byte) (length >>> 16);
        out[offset + 1] = (byte) (length >>> 8);
        out[offset + 2] = (byte) length;
        out[offset + 3] = (byte) type;
        out[offset + 4] = (byte) flags;
        int id = streamId & 0x7FFF_FFFF;
        out[offset + 5] = (byte) (id >>> 24);
        out[offset + 6] = (byte) (id >>> 16);
        out[offset + 7] = (byte) (id >>> 8);
        out[offset + 8] = (byte) id;
    }

    private static int flag(boolean set, int flag) {
        return set ? flag : 0;
    }

    private static int padded(int padLength) {
        return padLength == Http2Frame.NOT_PADDED ? 0 : Http2Frame.FLAG_PADDED;
    }

    private static void padLength(ByteBuffer out, int padLength) {
        if (padLength != Http2Frame.NOT_PADDED) {
            out.put((byte) padLength);
        }
    }

    private static void padding(ByteBuffer out, int padLength) {
        for (int i = 0; i < padLength; i++) {
            out.put((byte) 0);
        }
    }

    private static void priority(ByteBuffer out, Http2Frame.Priority priority) {
        out.putInt((priority.dependency() & 0x7FFF_FFFF) | (priority.exclusive() ? 0x8000_0000 : 0));
        out.put((byte) (priority.weight() - 1));
    }
}
