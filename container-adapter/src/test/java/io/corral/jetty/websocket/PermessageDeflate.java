package io.corral.jetty.websocket;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The client's half of permessage-deflate (RFC 7692 §7.2) for raw-socket tests: compresses a message as
 * §7.2.1 says (raw DEFLATE, sync flush, the trailing {@code 00 00 FF FF} removed) and inflates the
 * server's messages with one context kept across messages, since a server may take its context over.
 */
final class PermessageDeflate {

    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final Inflater inflater = new Inflater(true);

    /** One message compressed on its own (a fresh window: valid with or without context takeover). */
    static byte[] compress(byte[] message) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(message);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int i = 0; i < 100_000; i++) {
                int n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
                if (n < buffer.length) {
                    break;
                }
            }
            byte[] all = out.toByteArray();
            if (all.length < 4 || !Arrays.equals(all, all.length - 4, all.length, TAIL, 0, 4)) {
                throw new AssertionError("a sync flush ends with 00 00 FF FF");
            }
            return Arrays.copyOf(all, all.length - 4);
        } finally {
            deflater.end();
        }
    }

    /** A whole compressed message from the server (its fragments' payloads joined). */
    byte[] decompress(byte[] compressed) throws DataFormatException {
        byte[] input = Arrays.copyOf(compressed, compressed.length + 4);
        System.arraycopy(TAIL, 0, input, compressed.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int i = 0; i < 100_000 && !inflater.needsInput(); i++) {
            out.write(buffer, 0, inflater.inflate(buffer));
        }
        return out.toByteArray();
    }
}
