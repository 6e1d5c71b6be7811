package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.FRAME_SIZE_ERROR;
import static io.corral.connector.http2.Http2ErrorCode.PROTOCOL_ERROR;
import static io.corral.connector.http2.Http2Exception.connectionError;
import static io.corral.connector.http2.Http2Exception.streamError;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads HTTP/2 frames (RFC 9113 §4, §6) from a buffer, one whole frame at a time, and checks every rule that a
 * frame's own bytes can break: lengths (FRAME_SIZE_ERROR, checked on the 9-octet header before any payload is
 * waited for, so an oversized frame is refused before it is buffered), the stream a type may or may not use,
 * padding longer than the payload, SETTINGS values out of range, a zero WINDOW_UPDATE increment, PUSH_PROMISE
 * from a client, and the field block sequence (§4.3: after HEADERS or PUSH_PROMISE without END_HEADERS, only
 * CONTINUATION frames of the same stream may come, and CONTINUATION nowhere else). Rules that need stream state
 * (which streams are open, flow-control windows) are the connection's.
 *
 * <p>Connection errors leave the parser where it was: the connection is over. A stream error (PRIORITY of the
 * wrong length or depending on itself, a zero increment on a stream) is thrown after the frame was consumed, so
 * the connection can reset that stream and read on. Unknown frame types are returned as
 * {@link Http2Frame.Unknown}, their payload skipped. One parser per connection; not thread-safe.
 */
public final class Http2FrameParser {

    private final boolean server;
    private int maxFrameSize;
    /** The stream whose field block is still open, waiting for CONTINUATION; 0 when none is. */
    private int openFieldBlock;

    private Http2FrameParser(boolean server, int maxFrameSize) {
        this.server = server;
        setMaxFrameSize(maxFrameSize);
    }

    /** A server's parser: PUSH_PROMISE is a connection error (§8.4). */
    public static Http2FrameParser forServer(int maxFrameSize) {
        return new Http2FrameParser(true, maxFrameSize);
    }

    /** A client's parser, for test clients. */
    public static Http2FrameParser forClient(int maxFrameSize) {
        return new Http2FrameParser(false, maxFrameSize);
    }

    /**
     * The largest payload accepted: the SETTINGS_MAX_FRAME_SIZE we advertised (once the peer acknowledged it).
     * The caller's buffer must hold {@code HEADER_LENGTH + maxFrameSize} octets.
     */
    public void setMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < Http2Frame.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > Http2Frame.LARGEST_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Reads the next frame from the buffer's position.
     *
     * @return the frame, its bytes consumed; or null when the buffer does not hold a whole frame yet (nothing
     *         consumed): read more and call again
     * @throws Http2Exception the frame breaks RFC 9113: a connection error, or a stream error for a frame that
     *                        has been consumed
     */
    public Http2Frame parse(ByteBuffer in) throws Http2Exception {
        if (in.remaining() < Http2Frame.HEADER_LENGTH) {
            return null;
        }
        int start = in.position();
        int length = ((in.get(start) & 0xFF) << 16) | ((in.get(start + 1) & 0xFF) << 8) | (in.get(start + 2) & 0xFF);
        int type = in.get(start + 3) & 0xFF;
        int flags = in.get(start + 4) & 0xFF;
        // §4.1: the reserved bit "MUST remain unset (0x0) when sending and MUST be ignored when receiving".
        int streamId = in.getInt(start + 5) & 0x7FFF_FFFF;
        // §4.2: "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined in
        // SETTINGS_MAX_FRAME_SIZE". Corral makes it a connection error whatever the type: any error may be.
        if (length > maxFrameSize) {
            throw connectionError(FRAME_SIZE_ERROR, "frame larger than SETTINGS_MAX_FRAME_SIZE");
        }
        checkFieldBlockSequence(type, streamId);
        if (in.remaining() < Http2Frame.HEADER_LENGTH + length) {
            return null;
        }
        ByteBuffer payload = in.slice(start + Http2Frame.HEADER_LENGTH, length);
        in.position(start + Http2Frame.HEADER_LENGTH + length);
        return switch (type) {
            case Http2Frame.DATA -> data(payload, flags, streamId);
            case Http2Frame.HEADERS -> headers(payload, flags, streamId);
            case Http2Frame.PRIORITY -> priority(payload, streamId);
            case Http2Frame.RST_STREAM -> rstStream(payload, streamId);
            case Http2Frame.SETTINGS -> settings(payload, flags, streamId);
            case Http2Frame.PUSH_PROMISE -> pushPromise(payload, flags, streamId);
            case Http2Frame.PING -> ping(payload, flags, streamId);
            case Http2Frame.GOAWAY -> goAway(payload, streamId);
            case Http2Frame.WINDOW_UPDATE -> windowUpdate(payload, streamId);
            case Http2Frame.CONTINUATION -> continuation(payload, flags, streamId);
            default -> new Http2Frame.Unknown(type, flags, streamId, length);
        };
    }

    /**
     * §4.3: "Each field block is processed as a discrete unit. Field blocks MUST be transmitted as a contiguous
     * sequence of frames, with no interleaved frames of any other type or from any other stream." and §6.10:
     * a CONTINUATION not preceded by an open field block of its stream is a connection error.
     */
    private void checkFieldBlockSequence(int type, int streamId) throws Http2Exception {
        if (openFieldBlock != 0) {
            if (type != Http2Frame.CONTINUATION || streamId != openFieldBlock) {
                throw connectionError(PROTOCOL_ERROR, "field block interrupted");
            }
        } else if (type == Http2Frame.CONTINUATION) {
            throw connectionError(PROTOCOL_ERROR, "CONTINUATION without a field block");
        }
    }

    private static void requireStream(int streamId, String type) throws Http2Exception {
        if (streamId == 0) {
            throw connectionError(PROTOCOL_ERROR, type + " on stream 0");
        }
    }

    private static void requireConnection(int streamId, String type) throws Http2Exception {
        if (streamId != 0) {
            throw connectionError(PROTOCOL_ERROR, type + " on a stream");
        }
    }

    /**
     * Strips the Pad Length octet and the padding (§6.1, §6.2, §6.6): "If the length of the padding is the length
     * of the frame payload or greater, the recipient MUST treat this as a connection error of type
     * PROTOCOL_ERROR". Leaves the payload between the pad length octet and the padding.
     *
     * @param fixed the octets the type has after the pad length and before its data (priority, promised id)
     * @return the pad length
     */
    private static int unpad(ByteBuffer payload, int fixed) throws Http2Exception {
        if (payload.remaining() < 1 + fixed) {
            throw connectionError(FRAME_SIZE_ERROR, "padded frame too short");
        }
        int padLength = payload.get() & 0xFF;
        if (padLength > payload.remaining() - fixed) {
            throw connectionError(PROTOCOL_ERROR, "padding longer than the payload");
        }
        payload.limit(payload.limit() - padLength);
        return padLength;
    }

    private static byte[] rest(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return bytes;
    }

    private static Http2Frame data(ByteBuffer payload, int flags, int streamId) throws Http2Exception {
        requireStream(streamId, "DATA");
        int padLength = (flags & Http2Frame.FLAG_PADDED) != 0 ? unpad(payload, 0) : Http2Frame.NOT_PADDED;
        return new Http2Frame.Data(streamId, rest(payload), (flags & Http2Frame.FLAG_END_STREAM) != 0, padLength);
    }

    private Http2Frame headers(ByteBuffer payload, int flags, int streamId) throws Http2Exception {
        requireStream(streamId, "HEADERS");
        boolean hasPriority = (flags & Http2Frame.FLAG_PRIORITY) != 0;
        int fixed = hasPriority ? 5 : 0;
        int padLength = Http2Frame.NOT_PADDED;
        if ((flags & Http2Frame.FLAG_PADDED) != 0) {
            padLength = unpad(payload, fixed);
        } else if (payload.remaining() < fixed) {
            throw connectionError(FRAME_SIZE_ERROR, "HEADERS too short for its priority");
        }
        // A priority that names the stream itself is a stream error (§5.3.1), but only after the field block has
        // been decoded: the connection checks it, as it owns the decoder.
        Http2Frame.Priority priority = hasPriority ? priorityFields(payload) : null;
        boolean endHeaders = (flags & Http2Frame.FLAG_END_HEADERS) != 0;
        if (!endHeaders) {
            openFieldBlock = streamId;
        }
        return new Http2Frame.Headers(streamId, rest(payload), (flags & Http2Frame.FLAG_END_STREAM) != 0,
                endHeaders, priority, padLength);
    }

    private static Http2Frame.Priority priorityFields(ByteBuffer payload) {
        int word = payload.getInt();
        return new Http2Frame.Priority(word & 0x7FFF_FFFF, word < 0, (payload.get() & 0xFF) + 1);
    }

    private static Http2Frame priority(ByteBuffer payload, int streamId) throws Http2Exception {
        requireStream(streamId, "PRIORITY");
        // §6.3: "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error".
        if (payload.remaining() != 5) {
            throw streamError(streamId, FRAME_SIZE_ERROR, "PRIORITY length not 5");
        }
        Http2Frame.Priority priority = priorityFields(payload);
        if (priority.dependency() == streamId) {
            throw streamError(streamId, PROTOCOL_ERROR, "stream depends on itself");
        }
        return new Http2Frame.PriorityFrame(streamId, priority);
    }

    private static Http2Frame rstStream(ByteBuffer payload, int streamId) throws Http2Exception {
        requireStream(streamId, "RST_STREAM");
        if (payload.remaining() != 4) {
            throw connectionError(FRAME_SIZE_ERROR, "RST_STREAM length not 4");
        }
        return new Http2Frame.RstStream(streamId, payload.getInt());
    }

    private static Http2Frame settings(ByteBuffer payload, int flags, int streamId) throws Http2Exception {
        requireConnection(streamId, "SETTINGS");
        if ((flags & Http2Frame.FLAG_ACK) != 0) {
            // §6.5: "Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0
            // MUST be treated as a connection error of type FRAME_SIZE_ERROR."
            if (payload.hasRemaining()) {
                throw connectionError(FRAME_SIZE_ERROR, "SETTINGS ACK with a payload");
            }
            return Http2Frame.Settings.ACK;
        }
        if (payload.remaining() % 6 != 0) {
            throw connectionError(FRAME_SIZE_ERROR, "SETTINGS length not a multiple of 6");
        }
        List<Http2Frame.Setting> settings = new ArrayList<>(payload.remaining() / 6);
        while (payload.hasRemaining()) {
            int id = payload.getShort() & 0xFFFF;
            long value = payload.getInt() & 0xFFFF_FFFFL;
            checkSetting(id, value);
            settings.add(new Http2Frame.Setting(id, value));
        }
        return new Http2Frame.Settings(false, settings);
    }

    /** §6.5.2's ranges; RFC 8441 §3 and RFC 9218 §2.1 for the two boolean extensions. Unknown ids pass. */
    private static void checkSetting(int id, long value) throws Http2Exception {
        switch (id) {
            case Http2Frame.Settings.ENABLE_PUSH, Http2Frame.Settings.ENABLE_CONNECT_PROTOCOL,
                    Http2Frame.Settings.NO_RFC7540_PRIORITIES -> {
                if (value > 1) {
                    throw connectionError(PROTOCOL_ERROR, "boolean setting neither 0 nor 1");
                }
            }
            case Http2Frame.Settings.INITIAL_WINDOW_SIZE -> {
                if (value > Integer.MAX_VALUE) {
                    throw connectionError(FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE over 2^31-1");
                }
            }
            case Http2Frame.Settings.MAX_FRAME_SIZE -> {
                if (value < Http2Frame.DEFAULT_MAX_FRAME_SIZE || value > Http2Frame.LARGEST_MAX_FRAME_SIZE) {
                    throw connectionError(PROTOCOL_ERROR, "SETTINGS_MAX_FRAME_SIZE out of range");
                }
            }
            default -> {
                // HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE take any value; §6.5.2:
                // "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST
                // ignore that setting."
            }
        }
    }

    private Http2Frame pushPromise(ByteBuffer payload, int flags, int streamId) throws Http2Exception {
        // §8.4: "A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE frame as a
        // connection error of type PROTOCOL_ERROR."
        if (server) {
            throw connectionError(PROTOCOL_ERROR, "PUSH_PROMISE from a client");
        }
        requireStream(streamId, "PUSH_PROMISE");
        int padLength = Http2Frame.NOT_PADDED;
        if ((flags & Http2Frame.FLAG_PADDED) != 0) {
            padLength = unpad(payload, 4);
        } else if (payload.remaining() < 4) {
            throw connectionError(FRAME_SIZE_ERROR, "PUSH_PROMISE too short");
        }
        int promised = payload.getInt() & 0x7FFF_FFFF;
        boolean endHeaders = (flags & Http2Frame.FLAG_END_HEADERS) != 0;
        if (!endHeaders) {
            openFieldBlock = streamId;
        }
        return new Http2Frame.PushPromise(streamId, promised, rest(payload), endHeaders, padLength);
    }

    private static Http2Frame ping(ByteBuffer payload, int flags, int streamId) throws Http2Exception {
        requireConnection(streamId, "PING");
        if (payload.remaining() != 8) {
            throw connectionError(FRAME_SIZE_ERROR, "PING length not 8");
        }
        return new Http2Frame.Ping((flags & Http2Frame.FLAG_ACK) != 0, payload.getLong());
    }

    private static Http2Frame goAway(ByteBuffer payload, int streamId) throws Http2Exception {
        requireConnection(streamId, "GOAWAY");
        if (payload.remaining() < 8) {
            throw connectionError(FRAME_SIZE_ERROR, "GOAWAY shorter than 8");
        }
        int lastStreamId = payload.getInt() & 0x7FFF_FFFF;
        int errorCode = payload.getInt();
        return new Http2Frame.GoAway(lastStreamId, errorCode, rest(payload));
    }

    private static Http2Frame windowUpdate(ByteBuffer payload, int streamId) throws Http2Exception {
        if (payload.remaining() != 4) {
            throw connectionError(FRAME_SIZE_ERROR, "WINDOW_UPDATE length not 4");
        }
        int increment = payload.getInt() & 0x7FFF_FFFF;
        // §6.9: "A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control window increment
        // of 0 as a stream error of type PROTOCOL_ERROR; errors on the connection flow-control window MUST be
        // treated as a connection error".
        if (increment == 0) {
            throw streamId == 0 ? connectionError(PROTOCOL_ERROR, "WINDOW_UPDATE of 0")
                    : streamError(streamId, PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
        }
        return new Http2Frame.WindowUpdate(streamId, increment);
    }

    private Http2Frame continuation(ByteBuffer payload, int flags, int streamId) {
        boolean endHeaders = (flags & Http2Frame.FLAG_END_HEADERS) != 0;
        if (endHeaders) {
            openFieldBlock = 0;
        }
        return new Http2Frame.Continuation(streamId, rest(payload), endHeaders);
    }
}
