package io.corral.connector.proxy;

import io.corral.connector.proxy.ProxyHeaderException.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Reads a PROXY protocol header from a freshly accepted channel in blocking mode, on the connection's own virtual
 * thread, before any transport wraps the channel. The whole header must arrive within the deadline, however the
 * peer trickles it. Reads are greedy (one read usually brings the header and the client's first bytes with it), so
 * what was read past the header comes back as {@link Result#readAhead()} for the transport to hand out first.
 */
final class ProxyHeaderReader {

    /**
     * @param header    the header, or null when the mode is optional and the connection did not begin with one
     * @param readAhead the bytes read past the header (all bytes read, when there was no header)
     */
    record Result(ProxyHeader header, ByteBuffer readAhead) { }

    private final ProxyHeaderParser parser;
    private final ProxyProtocolMode mode;
    private final Duration timeout;

    ProxyHeaderReader(ProxyProtocolConfig config) {
        this.parser = new ProxyHeaderParser(config.maxV2Length());
        this.mode = config.mode();
        this.timeout = config.headerTimeout();
    }

    /** @throws ProxyHeaderException when the header is missing (and required), malformed, too large or too slow */
    Result read(SocketChannel channel) throws IOException {
        Socket socket = channel.socket();
        // The socket adaptor's stream is the blocking read that honours SO_TIMEOUT, as TcpConnection's.
        InputStream in = socket.getInputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        // Room for the longest version 1 header: a first read takes what a proxy wrote with its connect.
        byte[] buffer = new byte[ProxyHeaderParser.V1_MAX_LENGTH + 1];
        int filled = 0;
        try {
            while (true) {
                switch (parser.parse(buffer, filled)) {
                    case ProxyHeaderParser.Result.Complete complete -> {
                        return new Result(complete.header(),
                                ByteBuffer.wrap(buffer, complete.length(), filled - complete.length()));
                    }
                    case ProxyHeaderParser.Result.Absent absent -> {
                        if (mode == ProxyProtocolMode.OPTIONAL) {
                            return new Result(null, ByteBuffer.wrap(buffer, 0, filled));
                        }
                        throw new ProxyHeaderException(Failure.MISSING, "no PROXY protocol header: the connection began "
                                + "with 0x" + Integer.toHexString(buffer[0] & 0xFF));
                    }
                    case ProxyHeaderParser.Result.NeedMore more -> {
                        if (more.atLeast() > buffer.length) {
                            buffer = Arrays.copyOf(buffer, more.atLeast());
                        }
                        int read = readBefore(deadline, socket, in, buffer, filled);
                        if (read < 0) {
                            throw new ProxyHeaderException(Failure.CLOSED, filled == 0
                                    ? "closed before sending anything"
                                    : "closed after " + filled + " bytes of a PROXY protocol header");
                        }
                        filled += read;
                    }
                }
            }
        } finally {
            if (socket.isConnected() && !socket.isClosed()) {
                socket.setSoTimeout(0); // the transport's connection sets its own read timeouts from here
            }
        }
    }

    private int readBefore(long deadline, Socket socket, InputStream in, byte[] buffer, int filled) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(left))));
        try {
            return in.read(buffer, filled, buffer.length - filled);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        }
    }

    private ProxyHeaderException timedOut() {
        return new ProxyHeaderException(Failure.TIMEOUT,
                "no whole PROXY protocol header within " + timeout.toMillis() + " ms");
    }
}
