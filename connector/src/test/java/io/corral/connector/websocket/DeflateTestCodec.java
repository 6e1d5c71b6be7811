package io.corral.connector.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The client's half of permessage-deflate for tests, written straight from RFC 7692 §7.2.1/§7.2.2 with the JDK's zlib;
 * shared by the HTTP/1.1 WebSocket tests and the RFC 8441 ones over HTTP/2.
 */
public final class DeflateTestCodec {

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final Inflater inflater = new Inflater(true);

    /** Compresses a message with a sync flush and removes the trailing 00 00 FF FF. */
    public byte[] compress(byte[] message) {
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        do {
            n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
            out.write(chunk, 0, n);
        } while (n == chunk.length);
        byte[] bytes = out.toByteArray();
        // After a flush, zlib writes nothing for empty input: RFC 7692 §7.2.3.6 sends a single 00 then.
        return bytes.length < 4 ? new byte[1] : Arrays.copyOf(bytes, bytes.length - 4);
    }

    /** Decompresses a message: appends 00 00 FF FF and inflates. */
    public byte[] decompress(ByteBuffer payload) throws DataFormatException {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return decompress(bytes);
    }

    /** Decompresses a message: appends 00 00 FF FF and inflates. */
    public byte[] decompress(byte[] payload) throws DataFormatException {
        byte[] input = Arrays.copyOf(payload, payload.length + 4);
        input[payload.length + 2] = (byte) 0xFF;
        input[payload.length + 3] = (byte) 0xFF;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = inflater.inflate(chunk)) > 0 || !inflater.needsInput()) {
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    /** Forgets the compressor's window, as a client without context takeover does between messages. */
    void resetCompressor() {
        deflater.reset();
    }

    /** Forgets the window, as without context takeover. */
    void resetDecompressor() {
        inflater.reset();
    }

    public void end() {
        deflater.end();
        inflater.end();
    }
}
