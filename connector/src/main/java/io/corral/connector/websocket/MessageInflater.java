package io.corral.connector.websocket;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses incoming permessage-deflate messages (RFC 7692 §7.2.2): each compressed frame payload is
 * inflated as it arrives, and at the end of the message the four bytes {@code 00 00 FF FF} the sender
 * removed are fed back. Output goes straight into the message's buffer, which never grows past the
 * message size limit: the moment one more byte would come out, the connection fails with 1009, so a
 * compression bomb ends after at most the limit of output rather than after memory runs out.
 *
 * <p>The zlib state lives in native memory. It is made on the first compressed message, not at the
 * handshake, and ended on close; when the client does not take its context over, it is borrowed from the
 * {@link ZlibPool} for each message and given back after, so an idle connection holds none.
 */
final class MessageInflater {

    /** The empty stored block a sync flush ends with, which senders strip (§7.2.1). */
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final boolean pooled;
    private Inflater inflater;

    /** @param clientNoContextTakeover whether the agreement lets the server forget the window between messages */
    MessageInflater(boolean clientNoContextTakeover) {
        this.pooled = clientNoContextTakeover;
    }

    /** Inflates the next compressed bytes of the message into {@code out}. */
    void inflate(byte[] data, int offset, int length, MessageBuffer out) throws WebSocketException {
        if (length == 0) {
            return;
        }
        if (inflater == null) {
            inflater = pooled ? ZlibPool.inflater() : new Inflater(true);
        }
        inflater.setInput(data, offset, length);
        drain(data, offset + length, out, 2 * length);
    }

    /** Feeds the stripped tail, which flushes the last output of the message. */
    void finishMessage(MessageBuffer out) throws WebSocketException {
        inflate(TAIL, 0, TAIL.length, out);
        if (pooled) {
            release();
        }
    }

    private void drain(byte[] data, int end, MessageBuffer out, int sizeHint) throws WebSocketException {
        Inflater in = inflater;
        try {
            while (true) {
                int produced;
                if (out.free() > 0 || out.growForInflate(sizeHint)) {
                    produced = in.inflate(out.array(), out.length(), out.free());
                    out.advance(produced);
                } else if (in.inflate(new byte[1]) > 0) {
                    // The buffer is as large as the limit allows and there is more output.
                    throw new WebSocketException(CloseStatus.MESSAGE_TOO_BIG, "message too large");
                } else {
                    produced = 0;
                }
                if (produced > 0) {
                    continue;
                }
                if (in.finished()) {
                    // A block with BFINAL set ended the DEFLATE stream (RFC 7692 §7.2.3.4); whatever
                    // follows in this message starts a new one.
                    int rest = in.getRemaining();
                    in.reset();
                    if (rest == 0) {
                        return;
                    }
                    in.setInput(data, end - rest, rest);
                    continue;
                }
                if (in.needsInput()) {
                    return;
                }
                throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "invalid compressed data");
            }
        } catch (DataFormatException e) {
            throw new WebSocketException(CloseStatus.INVALID_PAYLOAD, "invalid compressed data");
        }
    }

    /** Whether native zlib state is held now. */
    boolean holdsZlibState() {
        return inflater != null;
    }

    /** Ends the native zlib state, or gives it back to the pool; a later message gets a new one. */
    void release() {
        if (inflater != null) {
            if (pooled) {
                ZlibPool.giveBack(inflater);
            } else {
                inflater.end();
            }
            inflater = null;
        }
    }
}
