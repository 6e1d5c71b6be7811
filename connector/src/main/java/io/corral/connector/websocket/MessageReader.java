package io.corral.connector.websocket;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads one connection's frames and assembles them into messages (RFC 6455 §5.4, §5.5, RFC 7692 §6): a
 * continuation needs a message to continue (1002), a new data frame may not start inside a fragmented
 * message (1002), control frames may come between fragments, RSV1 marks a compressed message only on its
 * first frame (1002 elsewhere), a message may not pass the size limit across its fragments (1009,
 * checked from each header before its payload is read), and text is validated as its bytes arrive, so
 * invalid UTF-8 fails (1007) before the rest of the message is read.
 *
 * <p>Memory: between messages the reader holds only a {@value #READ_BUFFER_SIZE}-byte read buffer. A
 * frame that fits there is turned into its message straight from it. A larger uncompressed payload is
 * read directly into the message's own array, sized by the header; a larger compressed one is read
 * through a pooled chunk; both are dropped or given back once the message is delivered. A connection
 * that has been quiet for a while {@linkplain #hibernate() hibernates}: it drops the read buffer too and
 * waits for the next bytes with a {@value #WAKE_UP_READ}-byte array, making a new buffer once they come. It
 * starts out that way, since many connections sit idle from the moment they open; unless hibernation is
 * off ({@link WebSocketConfig#hibernateAfter()} zero), in which case the read buffer is kept for good.
 */
final class MessageReader {

    static final int READ_BUFFER_SIZE = 256;
    /**
     * What the first read after hibernation takes at most: the start of a frame header. Small, because the
     * array is held for as long as the silence lasts; a whole small frame usually follows in the next read.
     */
    static final int WAKE_UP_READ = 8;

    private static final byte[] NO_BYTES = new byte[0];

    private final TransportConnection connection;
    private final FrameParser parser;
    private final int maxMessageSize;
    private final MessageInflater inflater;
    private final MessageBuffer message;
    private final Utf8Validator utf8 = new Utf8Validator();
    private final ControlFrameRate controlRate;
    private final FairTurn turn = new FairTurn();
    /** Null while hibernating, which is how a connection starts when it may hibernate. */
    private byte[] readBuffer;

    /**
     * Bytes to consume are {@code buffer[start, end)}: the read buffer, the handshake's leftover, or a pooled
     * chunk; null while hibernating, when there is nothing to consume.
     */
    private byte[] buffer;
    private int start, end;
    private boolean bufferIsPooled;

    /** The data message being assembled: its opcode, or null between messages. */
    private Opcode messageOpcode;
    private boolean compressed;
    /** Payload bytes of the current message so far as announced by its frame headers (compressed size if compressed). */
    private long messageLength;
    /** The current frame's payload when it is a control frame; null while a data frame is read. */
    private byte[] control;
    private int controlLength;
    /** A message built straight from the read buffer, handed over at the end of its frame. */
    private InboundMessage ready;
    /** After the server sent a close frame: data is parsed but thrown away (RFC 6455 §5.5.1). */
    private boolean discarding;
    private long lastReadNanos = System.nanoTime();

    MessageReader(TransportConnection connection, WebSocketConfig config, DeflateParameters deflate) {
        this.connection = connection;
        this.parser = FrameParser.forServer(config.maxFrameSize(), deflate == null ? 0 : FrameParser.RSV1);
        this.maxMessageSize = config.maxMessageSize();
        this.controlRate = new ControlFrameRate(config.maxControlFramesPerSecond());
        this.inflater = deflate == null ? null : new MessageInflater(deflate.clientNoContextTakeover());
        this.message = new MessageBuffer(config.maxMessageSize());
        this.readBuffer = config.hibernateAfter().isZero() ? new byte[READ_BUFFER_SIZE] : null;
        this.buffer = readBuffer;
    }

    /** Bytes the client sent behind the handshake, read before anything else. */
    void prepend(ByteBuffer leftover) {
        int n = leftover == null ? 0 : leftover.remaining();
        if (n == 0) {
            return;
        }
        if (n <= READ_BUFFER_SIZE) {
            readBuffer = new byte[READ_BUFFER_SIZE];
            buffer = readBuffer;
        } else {
            buffer = new byte[n];
        }
        leftover.get(buffer, 0, n);
        start = 0;
        end = n;
    }

    /**
     * The next message or control frame, reading as much as it takes.
     *
     * @return null when the peer closed the TCP connection
     * @throws WebSocketException             when the peer broke the protocol
     * @throws java.net.SocketTimeoutException when the read timeout passed; the reader keeps its place
     *                                        and may be called again
     */
    InboundMessage next() throws IOException {
        while (true) {
            InboundMessage next = consume();
            if (next != null) {
                return next;
            }
            useReadBuffer();
            if (!fill()) {
                return null;
            }
        }
    }

    /** Parses what is buffered, up to the end of the first frame that completes a message. */
    private InboundMessage consume() throws WebSocketException {
        while (true) {
            if (!parser.inPayload()) {
                if (start == end) {
                    return null;
                }
                start += parser.parseHeader(buffer, start, end - start);
                if (!parser.inPayload()) {
                    return null;
                }
                startFrame();
            }
            if (parser.remaining() > 0) {
                if (start == end) {
                    return null;
                }
                int offset = start;
                int n = parser.consumePayload(buffer, start, end - start);
                start += n;
                payload(buffer, offset, n);
                if (parser.remaining() > 0) {
                    return null;
                }
            }
            // One connection's stream of tiny frames must not keep a carrier from every other connection.
            turn.afterFrame((int) Math.min(Integer.MAX_VALUE, parser.payloadLength()));
            parser.endFrame();
            InboundMessage completed = endFrame();
            if (completed != null) {
                return completed;
            }
        }
    }

    private void startFrame() throws WebSocketException {
        Opcode opcode = parser.opcode();
        if (opcode.isControl()) {
            if (parser.rsvBits() != 0) {
                throw WebSocketException.protocolError("RSV bit set on a control frame");
            }
            // Before its payload is read: a flood of pings or pongs ends here, with 1008.
            if (opcode != Opcode.CLOSE && !controlRate.admit(System.nanoTime())) {
                throw ControlFrameRate.exceeded();
            }
            control = parser.payloadLength() == 0 ? NO_BYTES : new byte[(int) parser.payloadLength()];
            controlLength = 0;
            return;
        }
        boolean rsv1 = parser.rsvBits() != 0;
        if (opcode == Opcode.CONTINUATION) {
            if (messageOpcode == null) {
                throw WebSocketException.protocolError("continuation frame without a message to continue");
            }
            if (rsv1) {
                throw WebSocketException.protocolError("RSV1 set on a continuation frame");
            }
        } else {
            if (messageOpcode != null) {
                throw WebSocketException.protocolError("new data frame inside a fragmented message");
            }
            messageOpcode = opcode;
            compressed = rsv1;
            messageLength = 0;
            utf8.reset();
        }
        messageLength += parser.payloadLength();
        if (!compressed && !discarding && messageLength > maxMessageSize) {
            throw new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, "message too large");
        }
    }

    private void payload(byte[] data, int offset, int n) throws WebSocketException {
        if (control != null) {
            System.arraycopy(data, offset, control, controlLength, n);
            controlLength += n;
        } else if (discarding) {
            return;
        } else if (compressed) {
            int before = message.length();
            inflater.inflate(data, offset, n, message);
            validateText(message.array(), before, message.length() - before);
        } else {
            validateText(data, offset, n);
            if (parser.fin() && n == messageLength) {
                // The whole message is this one frame and it is all here: no copy into a message buffer.
                ready = messageOpcode == Opcode.TEXT
                        ? new InboundMessage.Text(new String(data, offset, n, StandardCharsets.UTF_8))
                        : new InboundMessage.Binary(ByteBuffer.wrap(java.util.Arrays.copyOfRange(data, offset, offset + n)));
            } else {
                message.append(data, offset, n, messageLength);
            }
        }
    }

    private void validateText(byte[] data, int offset, int n) throws WebSocketException {
        if (messageOpcode == Opcode.TEXT && !utf8.feed(data, offset, n)) {
            throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "invalid UTF-8 in text message");
        }
    }

    private InboundMessage endFrame() throws WebSocketException {
        if (control != null) {
            byte[] payload = control;
            control = null;
            return controlFrame(parser.opcode(), payload);
        }
        if (!parser.fin()) {
            return null;
        }
        Opcode opcode = messageOpcode;
        messageOpcode = null;
        if (discarding) {
            message.release();
            return null;
        }
        // An empty compressed payload is not valid DEFLATE once the tail is added (RFC 7692 §7.2.3.6 has
        // senders send a single 00 byte); leniently read it as an empty message, leaving the window as it was.
        if (compressed && messageLength > 0) {
            int before = message.length();
            inflater.finishMessage(message);
            validateText(message.array(), before, message.length() - before);
        }
        if (opcode == Opcode.TEXT && !utf8.isComplete()) {
            throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        InboundMessage completed = ready;
        if (completed != null) {
            ready = null;
            return completed;
        }
        if (opcode == Opcode.TEXT) {
            String text = message.length() == 0 ? "" : new String(message.array(), 0, message.length(), StandardCharsets.UTF_8);
            message.release();
            return new InboundMessage.Text(text);
        }
        return new InboundMessage.Binary(message.takeBytes());
    }

    /** RFC 6455 §5.5.1: an optional 2-byte status code, then an optional UTF-8 reason. */
    private static InboundMessage controlFrame(Opcode opcode, byte[] payload) throws WebSocketException {
        return switch (opcode) {
            case PING -> new InboundMessage.Ping(payload);
            case PONG -> new InboundMessage.Pong(payload);
            default -> {
                if (payload.length == 0) {
                    yield new InboundMessage.Close(CloseStatus.NO_STATUS, "");
                }
                if (payload.length == 1) {
                    throw WebSocketException.protocolError("close frame with a one-byte payload");
                }
                int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                if (!CloseStatus.isValidOnWire(code)) {
                    throw WebSocketException.protocolError("invalid close code");
                }
                if (!Utf8Validator.isValid(payload, 2, payload.length - 2)) {
                    throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "close reason is not valid UTF-8");
                }
                yield new InboundMessage.Close(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
            }
        };
    }

    /**
     * Reads more bytes. Large data payloads skip the small read buffer: uncompressed ones go straight into
     * the message's array, compressed ones through a pooled chunk.
     */
    private boolean fill() throws IOException {
        long remaining = parser.inPayload() ? parser.remaining() : 0;
        if (remaining > READ_BUFFER_SIZE && control == null && !discarding) {
            return compressed ? fillPooledChunk(remaining) : fillMessage(remaining);
        }
        // Hibernating, the wait for the next bytes holds a tiny array, not a read buffer. Done here rather
        // than in a method of its own: the parked stack should be no deeper than it was before hibernating,
        // so that it fits the stack chunk it had.
        byte[] target = readBuffer != null ? readBuffer : new byte[WAKE_UP_READ];
        int n = read(target, 0, target.length);
        if (n < 0) {
            return false;
        }
        if (target != readBuffer) {
            readBuffer = new byte[READ_BUFFER_SIZE];
            System.arraycopy(target, 0, readBuffer, 0, n);
            buffer = readBuffer;
        }
        start = 0;
        end = n;
        return true;
    }

    private boolean fillMessage(long remaining) throws IOException {
        message.ensureCapacity(message.length() + 1, messageLength);
        int offset = message.length();
        int n = read(message.array(), offset, (int) Math.min(message.free(), remaining));
        if (n < 0) {
            return false;
        }
        parser.consumePayload(message.array(), offset, n);
        validateText(message.array(), offset, n);
        message.advance(n);
        start = end = 0;
        return true;
    }

    private boolean fillPooledChunk(long remaining) throws IOException {
        buffer = FrameWriter.CHUNKS.acquire();
        bufferIsPooled = true;
        int n = read(buffer, 0, (int) Math.min(buffer.length, remaining));
        start = 0;
        end = Math.max(n, 0);
        return n >= 0;
    }

    private int read(byte[] target, int offset, int length) throws IOException {
        int n = connection.read(target, offset, length);
        if (n > 0) {
            lastReadNanos = System.nanoTime();
        }
        return n;
    }

    /** Once a leftover or pooled chunk is consumed, goes back to the small read buffer. */
    private void useReadBuffer() {
        if (buffer != readBuffer) {
            if (bufferIsPooled) {
                FrameWriter.CHUNKS.release(buffer);
                bufferIsPooled = false;
            }
            buffer = readBuffer;
        }
        start = end = 0;
    }

    /** From now on data frames are parsed and dropped: the server has sent its close frame. */
    void discardData() {
        discarding = true;
        ready = null;
        message.release();
    }

    /** When a byte last arrived, by {@link System#nanoTime()}. */
    long lastReadNanos() {
        return lastReadNanos;
    }

    /**
     * Drops the read buffer until bytes arrive again: the connection has been quiet for a while and may stay
     * so for hours. Called between reads, when a read timed out; a read always starts with every buffered
     * byte consumed, so nothing is lost. A pooled chunk is given back as well; a message in progress keeps
     * its buffer.
     */
    void hibernate() {
        useReadBuffer();
        readBuffer = null;
        buffer = null;
    }

    boolean isHibernating() {
        return readBuffer == null;
    }

    /** A scratch array for draining the connection once frames no longer matter. */
    byte[] scratchBuffer() {
        return readBuffer != null ? readBuffer : new byte[READ_BUFFER_SIZE];
    }

    /** Bytes this reader holds beyond its fixed read buffer: zero while the connection is idle. */
    int heldMessageBytes() {
        return message.capacity() + (buffer == null || buffer == readBuffer ? 0 : buffer.length);
    }

    boolean holdsZlibState() {
        return inflater != null && inflater.holdsZlibState();
    }

    /** Gives back pooled memory and ends the decompressor. */
    void release() {
        useReadBuffer();
        message.release();
        if (inflater != null) {
            inflater.release();
        }
    }
}
