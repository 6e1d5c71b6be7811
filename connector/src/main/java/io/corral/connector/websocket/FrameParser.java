package io.corral.connector.websocket;

import java.nio.ByteBuffer;

/**
 * Reads WebSocket frames (RFC 6455 §5.2) incrementally: bytes may arrive split anywhere, one at a time if
 * need be, and the parser keeps its place between calls. It checks everything that can be checked from
 * a header and fails with a {@link WebSocketException} carrying the close code as soon as a header byte
 * breaks a rule: reserved opcodes, RSV bits no extension allows, fragmented or oversized (&gt; 125)
 * control frames, a 64-bit length with its top bit set, wrong masking (all 1002) and a payload over the
 * configured frame limit (1009, before a payload byte is buffered). Non-minimal length encodings are
 * accepted, as the RFC's receiver rules allow.
 *
 * <p>Two ways to use it. The streaming way — {@link #parseHeader(byte[], int, int)}, then
 * {@link #consumePayload} until {@link #remaining()} is 0, then {@link #endFrame()} — never copies a
 * payload: it unmasks bytes in place wherever they are, which is how Corral's connection loop reads
 * straight into message buffers. The frame-at-a-time way, {@link #parse(ByteBuffer)}, returns whole
 * {@link Frame}s, for callers such as test clients. One parser per connection; not thread-safe.
 */
public final class FrameParser {

    /** The RSV bits as they sit in the first header byte. */
    public static final int RSV1 = 0x40, RSV2 = 0x20, RSV3 = 0x10, ANY_RSV = RSV1 | RSV2 | RSV3;

    private static final int FIRST_BYTE = 0, SECOND_BYTE = 1, EXTENDED_LENGTH = 2, MASKING_KEY = 3, PAYLOAD = 4;

    /** Whether frames must be masked (a server's parser) or must not be (a client's). */
    private final boolean requireMasked;
    private final int allowedRsv;
    private final long maxFrameSize;

    private int state = FIRST_BYTE;
    private int firstByte;
    private Opcode opcode;
    private boolean masked;
    private int bytesToRead;
    private long payloadLength;
    private int maskKey;
    private long remaining;

    /** Frame-at-a-time mode only: the payload gathered so far when it arrived in pieces. */
    private byte[] pieces;
    private int piecesFilled;

    private FrameParser(boolean requireMasked, int allowedRsv, long maxFrameSize) {
        if (maxFrameSize < 0 || (allowedRsv & ~ANY_RSV) != 0) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize + ", allowedRsv " + allowedRsv);
        }
        this.requireMasked = requireMasked;
        this.allowedRsv = allowedRsv;
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * A server's parser: every frame must be masked (§5.1) and payloads are unmasked in place.
     *
     * @param allowedRsv the RSV bits a negotiated extension gives meaning to ({@link #RSV1} for
     *                   permessage-deflate, which may set it on data frames), 0 without extensions
     */
    public static FrameParser forServer(long maxFrameSize, int allowedRsv) {
        return new FrameParser(true, allowedRsv, maxFrameSize);
    }

    /** A client's parser: a masked frame fails the connection (§5.1). For test clients. */
    public static FrameParser forClient(long maxFrameSize, int allowedRsv) {
        return new FrameParser(false, allowedRsv, maxFrameSize);
    }

    /**
     * Consumes header bytes from {@code data[offset, offset + length)}, stopping at the end of the header.
     *
     * @return how many bytes it consumed; the header is complete when {@link #inPayload()} turns true
     */
    public int parseHeader(byte[] data, int offset, int length) throws WebSocketException {
        if (state == PAYLOAD) {
            throw new IllegalStateException("endFrame() not called after the previous frame");
        }
        int i = offset, end = offset + length;
        while (i < end && state != PAYLOAD) {
            int b = data[i++] & 0xFF;
            switch (state) {
                case FIRST_BYTE -> onFirstByte(b);
                case SECOND_BYTE -> onSecondByte(b);
                case EXTENDED_LENGTH -> {
                    payloadLength = (payloadLength << 8) | b;
                    if (--bytesToRead == 0) {
                        onLengthComplete();
                    }
                }
                default -> {
                    maskKey = (maskKey << 8) | b;
                    if (--bytesToRead == 0) {
                        state = PAYLOAD;
                    }
                }
            }
        }
        return i - offset;
    }

    /** The same over a buffer, advancing its position; answers whether the header is complete. */
    public boolean parseHeader(ByteBuffer in) throws WebSocketException {
        if (in.hasArray()) {
            int used = parseHeader(in.array(), in.arrayOffset() + in.position(), in.remaining());
            in.position(in.position() + used);
        } else {
            byte[] one = new byte[1];
            while (state != PAYLOAD && in.hasRemaining()) {
                one[0] = in.get();
                parseHeader(one, 0, 1);
            }
        }
        return state == PAYLOAD;
    }

    private void onFirstByte(int b) throws WebSocketException {
        if ((b & ~allowedRsv & ANY_RSV) != 0) {
            throw WebSocketException.protocolError("RSV bit set that no extension defines");
        }
        Opcode op = Opcode.of(b);
        if (op == null) {
            throw WebSocketException.protocolError("reserved opcode");
        }
        if (op.isControl() && (b & 0x80) == 0) {
            throw WebSocketException.protocolError("fragmented control frame");
        }
        firstByte = b;
        opcode = op;
        state = SECOND_BYTE;
    }

    private void onSecondByte(int b) throws WebSocketException {
        masked = (b & 0x80) != 0;
        if (masked != requireMasked) {
            throw WebSocketException.protocolError(masked ? "masked frame from a server" : "unmasked frame from a client");
        }
        int length7 = b & 0x7F;
        if (length7 > 125 && opcode.isControl()) {
            throw WebSocketException.protocolError("control frame payload over 125 bytes");
        }
        if (length7 < 126) {
            payloadLength = length7;
            onLengthComplete();
        } else {
            payloadLength = 0;
            bytesToRead = length7 == 126 ? 2 : 8;
            state = EXTENDED_LENGTH;
        }
    }

    private void onLengthComplete() throws WebSocketException {
        if (payloadLength < 0) {
            throw WebSocketException.protocolError("64-bit payload length with the most significant bit set");
        }
        if (payloadLength > maxFrameSize) {
            throw new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, "frame too large");
        }
        remaining = payloadLength;
        maskKey = 0;
        if (masked) {
            bytesToRead = 4;
            state = MASKING_KEY;
        } else {
            state = PAYLOAD;
        }
    }

    /** Whether the header is complete and the payload (maybe empty) is being read. */
    public boolean inPayload() {
        return state == PAYLOAD;
    }

    /** Payload bytes of the current frame not yet consumed. */
    public long remaining() {
        return remaining;
    }

    /**
     * Takes up to {@code length} payload bytes of the current frame from {@code data[offset…]},
     * unmasking them in place (unless this is a pass-through parser).
     *
     * @return how many bytes belong to this frame and were taken: {@code min(length, remaining())}
     */
    public int consumePayload(byte[] data, int offset, int length) {
        int n = (int) Math.min(length, remaining);
        if (masked) {
            Masking.apply(data, offset, offset + n, maskKey, payloadLength - remaining);
        }
        remaining -= n;
        return n;
    }

    /** Prepares for the next frame's header once the payload is consumed. */
    public void endFrame() {
        if (state != PAYLOAD || remaining != 0) {
            throw new IllegalStateException("frame not complete: " + remaining + " payload bytes left");
        }
        state = FIRST_BYTE;
    }

    /**
     * Parses the next whole frame from {@code in}, or returns null when more bytes are needed (the
     * parser keeps what it took). When the whole payload is already in {@code in}, the frame's payload is
     * a slice of it — no copy, valid until the caller reuses its buffer — otherwise the pieces are
     * gathered into an array sized by the header, which the frame limit bounds. Unmasking writes into
     * {@code in}, so it must be writable.
     */
    public Frame parse(ByteBuffer in) throws WebSocketException {
        if (state != PAYLOAD) {
            if (!parseHeader(in)) {
                return null;
            }
            if (payloadLength > Integer.MAX_VALUE - 16) {
                throw new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, "frame too large");
            }
            if (remaining <= in.remaining()) {
                int n = (int) remaining;
                ByteBuffer payload = in.slice(in.position(), n);
                if (masked) {
                    Masking.apply(payload, 0, n, maskKey, 0);
                }
                in.position(in.position() + n);
                remaining = 0;
                return completeFrame(payload);
            }
            pieces = new byte[(int) payloadLength];
            piecesFilled = 0;
        }
        int n = (int) Math.min(remaining, in.remaining());
        in.get(pieces, piecesFilled, n);
        consumePayload(pieces, piecesFilled, n);
        piecesFilled += n;
        if (remaining > 0) {
            return null;
        }
        ByteBuffer payload = ByteBuffer.wrap(pieces);
        pieces = null;
        return completeFrame(payload);
    }

    private Frame completeFrame(ByteBuffer payload) {
        state = FIRST_BYTE;
        return new Frame(fin(), (firstByte & RSV1) != 0, (firstByte & RSV2) != 0, (firstByte & RSV3) != 0,
                opcode, masked, maskKey, payload);
    }

    /** The current frame's FIN bit. Valid from the end of its header until the next header starts. */
    public boolean fin() {
        return (firstByte & 0x80) != 0;
    }

    /** The current frame's RSV bits as in the first header byte ({@link #RSV1}…). */
    public int rsvBits() {
        return firstByte & ANY_RSV;
    }

    public Opcode opcode() {
        return opcode;
    }

    public boolean masked() {
        return masked;
    }

    public int maskKey() {
        return maskKey;
    }

    public long payloadLength() {
        return payloadLength;
    }
}
