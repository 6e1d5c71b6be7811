package io.corral.connector.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * A buffered {@link OutputStream} over a response: bytes gather up to the configured output buffer size,
 * so a small body written in pieces still leaves with a Content-Length; past that the response commits
 * and streams. Closing it ends the body. The one {@link HttpResponse#asOutputStream()} of every protocol, so a
 * handler's pieces leave the same way over HTTP/1.1 and HTTP/2.
 */
public final class ResponseOutputStream extends OutputStream {

    private final HttpResponse response;
    private final int bufferSize;
    private byte[] buffer;
    private int count;
    private boolean closed;

    public ResponseOutputStream(HttpResponse response, int bufferSize) {
        this.response = response;
        this.bufferSize = bufferSize;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("response stream closed");
        }
        if (buffer == null) {
            buffer = new byte[Math.min(bufferSize, Math.max(length, 512))];
        }
        if (count + length <= buffer.length) {
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
            return;
        }
        if (count + length <= bufferSize) {
            byte[] larger = new byte[Math.min(bufferSize, Math.max(buffer.length * 2, count + length))];
            System.arraycopy(buffer, 0, larger, 0, count);
            buffer = larger;
            System.arraycopy(bytes, offset, buffer, count, length);
            count += length;
            return;
        }
        flushBuffer(false);
        response.write(ByteBuffer.wrap(bytes, offset, length), false);
    }

    @Override
    public void flush() throws IOException {
        if (!closed) {
            flushBuffer(false);
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        flushBuffer(true);
    }

    private void flushBuffer(boolean last) throws IOException {
        if (count == 0 && !last && response.isCommitted()) {
            return;
        }
        ByteBuffer content = buffer == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(buffer, 0, count);
        count = 0;
        response.write(content, last);
    }
}
