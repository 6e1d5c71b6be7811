package io.corral.connector.websocket;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compresses outgoing permessage-deflate messages (RFC 7692 §7.2.1): the whole message is deflated with
 * a sync flush and the trailing {@code 00 00 FF FF} removed. With context takeover the compressor keeps
 * its window from one message to the next, so repeated content costs almost nothing; it lives in native
 * memory from the first compressed message until close. Without context takeover, a compressor is
 * borrowed from the {@link ZlibPool} for each message, so an idle connection holds none. Callers serialise
 * messages (the context must see them in wire order).
 */
final class MessageDeflater {

    /** A deflated message: {@code array[offset, offset + length)}, with {@code offset} free bytes in front. */
    record Compressed(byte[] array, int offset, int length) {}

    private static final byte[] NO_BYTES = new byte[0];

    private final boolean pooled;
    private Deflater deflater;

    /** @param serverNoContextTakeover whether the agreement makes the server forget its window after each message */
    MessageDeflater(boolean serverNoContextTakeover) {
        this.pooled = serverNoContextTakeover;
    }

    /**
     * Compresses {@code data[offset, offset + length)}.
     *
     * @param headroom bytes to leave free in front of the output, where a frame header can go
     */
    Compressed compress(byte[] data, int offset, int length, int headroom) {
        if (deflater == null) {
            deflater = pooled ? ZlibPool.deflater() : new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        Deflater out = deflater;
        out.setInput(data, offset, length);
        // Room for incompressible input plus the stored-block overhead; grown if ever too small.
        byte[] target = new byte[headroom + length + (length >>> 7) + 64];
        int end = headroom;
        while (true) {
            end += out.deflate(target, end, target.length - end, Deflater.SYNC_FLUSH);
            if (end < target.length) {
                break;
            }
            target = Arrays.copyOf(target, 2 * target.length);
        }
        out.setInput(NO_BYTES);                      // do not keep the caller's array reachable
        if (end - headroom >= 4 && target[end - 4] == 0 && target[end - 3] == 0
                && target[end - 2] == (byte) 0xFF && target[end - 1] == (byte) 0xFF) {
            end -= 4;
        }
        if (end == headroom) {
            // zlib writes nothing for an empty input right after a flush; an empty payload would not
            // inflate, so send the empty stored block's first byte as RFC 7692 §7.2.3.6 does.
            target[end++] = 0;
        }
        if (pooled) {
            release();
        }
        return new Compressed(target, headroom, end - headroom);
    }

    /** Whether native zlib state is held now. */
    boolean holdsZlibState() {
        return deflater != null;
    }

    /** Ends the native zlib state, or gives it back to the pool. */
    void release() {
        if (deflater != null) {
            if (pooled) {
                ZlibPool.giveBack(deflater);
            } else {
                deflater.end();
            }
            deflater = null;
        }
    }
}
