package io.corral.connector.http2;

import java.util.List;

/**
 * One HTTP/2 frame (RFC 9113 §4.1, §6), as {@link Http2FrameParser} reads it and {@link Http2FrameWriter} writes
 * it: a closed set, one record per frame type, plus {@link Unknown} for the extension types a receiver must
 * ignore (§5.5). Flags a type does not define are not kept (§4.1: "MUST be ignored on receipt"). Byte arrays
 * are owned by the frame; nobody modifies them after construction.
 */
public sealed interface Http2Frame {

    int DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4, PUSH_PROMISE = 0x5,
            PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;

    /** Flags, by the frame types that define them. */
    int FLAG_END_STREAM = 0x1, FLAG_ACK = 0x1, FLAG_END_HEADERS = 0x4, FLAG_PADDED = 0x8, FLAG_PRIORITY = 0x20;

    /** The frame header's length: 24-bit length, type, flags, reserved bit and 31-bit stream id. */
    int HEADER_LENGTH = 9;

    /** SETTINGS_MAX_FRAME_SIZE's initial value and its bounds (§6.5.2). */
    int DEFAULT_MAX_FRAME_SIZE = 16_384, LARGEST_MAX_FRAME_SIZE = 16_777_215;

    /** The stream the frame belongs to; 0 for the connection. */
    int streamId();

    /** Padding is absent ({@link #NOT_PADDED}) or a pad length of 0-255 octets, which the frame also counts. */
    int NOT_PADDED = -1;

    /** §6.1 DATA. Its whole payload, padding included, counts against flow control (§6.9.1). */
    record Data(int streamId, byte[] data, boolean endStream, int padLength) implements Http2Frame {
        public Data(int streamId, byte[] data, boolean endStream) {
            this(streamId, data, endStream, NOT_PADDED);
        }

        /** The octets flow control counts: data, the pad length octet and the padding. */
        public int flowControlledLength() {
            return data.length + (padLength == NOT_PADDED ? 0 : 1 + padLength);
        }
    }

    /** The priority fields of HEADERS and PRIORITY (§5.3.2 of RFC 7540, deprecated by RFC 9113 and ignored). */
    record Priority(int dependency, boolean exclusive, int weight) {
    }

    /**
     * §6.2 HEADERS: the first fragment of a field block; CONTINUATION frames follow unless {@code endHeaders}.
     *
     * @param priority null when the PRIORITY flag was not set
     */
    record Headers(int streamId, byte[] fragment, boolean endStream, boolean endHeaders, Priority priority,
            int padLength) implements Http2Frame {
        public Headers(int streamId, byte[] fragment, boolean endStream, boolean endHeaders) {
            this(streamId, fragment, endStream, endHeaders, null, NOT_PADDED);
        }
    }

    /** §6.3 PRIORITY. */
    record PriorityFrame(int streamId, Priority priority) implements Http2Frame {
    }

    /** §6.4 RST_STREAM, with the error code as sent. */
    record RstStream(int streamId, int errorCode) implements Http2Frame {
    }

    /** One parameter of a SETTINGS frame: its identifier and its unsigned 32-bit value. */
    record Setting(int id, long value) {
    }

    /** §6.5 SETTINGS on stream 0: parameters in the order sent (§6.5.3 processes them in order), or an ACK. */
    record Settings(boolean ack, List<Setting> settings) implements Http2Frame {
        public static final int HEADER_TABLE_SIZE = 0x1, ENABLE_PUSH = 0x2, MAX_CONCURRENT_STREAMS = 0x3,
                INITIAL_WINDOW_SIZE = 0x4, MAX_FRAME_SIZE = 0x5, MAX_HEADER_LIST_SIZE = 0x6,
                ENABLE_CONNECT_PROTOCOL = 0x8, NO_RFC7540_PRIORITIES = 0x9;

        public static final Settings ACK = new Settings(true, List.of());

        public Settings {
            settings = List.copyOf(settings);
        }

        @Override
        public int streamId() {
            return 0;
        }
    }

    /** §6.6 PUSH_PROMISE: only servers send it; a server receiving one fails the connection (§8.4). */
    record PushPromise(int streamId, int promisedStreamId, byte[] fragment, boolean endHeaders, int padLength)
            implements Http2Frame {
    }

    /** §6.7 PING on stream 0: eight opaque octets, returned in an ACK. */
    record Ping(boolean ack, long opaqueData) implements Http2Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** §6.8 GOAWAY on stream 0. */
    record GoAway(int lastStreamId, int errorCode, byte[] debugData) implements Http2Frame {
        @Override
        public int streamId() {
            return 0;
        }
    }

    /** §6.9 WINDOW_UPDATE for a stream, or for the connection on stream 0. */
    record WindowUpdate(int streamId, int increment) implements Http2Frame {
    }

    /** §6.10 CONTINUATION: the next fragment of a field block. */
    record Continuation(int streamId, byte[] fragment, boolean endHeaders) implements Http2Frame {
    }

    /** A frame type RFC 9113 does not define (§5.5): its payload is skipped and the frame is to be ignored. */
    record Unknown(int type, int flags, int streamId, int length) implements Http2Frame {
    }
}
