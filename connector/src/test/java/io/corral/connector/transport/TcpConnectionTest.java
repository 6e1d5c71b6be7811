package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TcpConnection} over a real loopback socket pair: EOF, read timeouts (0 = forever), a close that is
 * idempotent and wakes a blocked reader, writes while another thread is blocked reading, half-close.
 */
class TcpConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private ServerSocketChannel server;
    private SocketChannel serverSide;
    private Socket peer;
    private TcpConnection connection;

    @BeforeEach
    void connectAPair() throws IOException {
        server = new TcpTransport().listen(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1,
                SocketOptions.DEFAULTS);
        peer = new Socket();
        peer.setSoTimeout((int) WAIT.toMillis());
        peer.connect(server.getLocalAddress());
        serverSide = server.accept();
        SocketOptions.DEFAULTS.applyToAccepted(serverSide); // what the listener does before wrapping
        connection = (TcpConnection) new TcpTransport().wrap(serverSide);
    }

    @AfterEach
    void closeThePair() throws IOException {
        connection.close();
        peer.close();
        server.close();
    }

    private Thread reader;

    /** Starts one read on a virtual thread of its own, so the test can watch that thread block. */
    private CompletableFuture<Integer> readOnAnotherThread(byte[] buffer) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        reader = Thread.ofVirtual().start(() -> {
            try {
                result.complete(connection.read(buffer, 0, buffer.length));
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** The reader does nothing but read, so a parked reader is one blocked inside {@code read}. */
    private boolean isBlockedInRead() {
        return reader.getState() == Thread.State.WAITING;
    }

    @Test
    void defaultOptionsTurnNagleOffAndWrapReportsBothAddresses() throws IOException {
        assertTrue(serverSide.getOption(java.net.StandardSocketOptions.TCP_NODELAY));
        assertEquals(peer.getRemoteSocketAddress(), connection.localAddress());
        assertEquals(peer.getLocalSocketAddress(), connection.remoteAddress());
        assertFalse(connection.isSecure());
        assertTrue(connection.isOpen());
    }

    @Test
    void readsWhatArrivesAndMinusOneAtEndOfStream() throws IOException {
        peer.getOutputStream().write(new byte[] {1, 2, 3});
        peer.shutdownOutput();
        byte[] buffer = new byte[8];
        int total = 0;
        int n;
        while ((n = connection.read(buffer, total, buffer.length - total)) > 0) {
            total += n;
        }
        assertEquals(-1, n);
        assertEquals(3, total);
        assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(buffer, 3));
        assertEquals(-1, connection.read(buffer, 0, buffer.length), "EOF stays EOF");
    }

    @Test
    void aReadTimeoutThrowsAndLeavesTheConnectionUsable() throws IOException {
        connection.setReadTimeout(Duration.ofMillis(30));
        byte[] buffer = new byte[4];
        assertThrows(SocketTimeoutException.class, () -> connection.read(buffer, 0, 4));
        assertTrue(connection.isOpen());
        peer.getOutputStream().write('x');
        assertEquals(1, connection.read(buffer, 0, 4));
        assertEquals('x', buffer[0]);
    }

    @Test
    void zeroMeansWaitForever() throws Exception {
        connection.setReadTimeout(Duration.ofMillis(1));
        connection.setReadTimeout(Duration.ZERO);
        byte[] buffer = new byte[4];
        CompletableFuture<Integer> read = readOnAnotherThread(buffer);
        assertThrows(TimeoutException.class, () -> read.get(150, TimeUnit.MILLISECONDS),
                "still waiting long after the 1 ms timeout it replaced");
        peer.getOutputStream().write('y');
        assertEquals(1, read.get(5, TimeUnit.SECONDS));
    }

    static Stream<Arguments> timeouts() {
        return Stream.of(
                Arguments.of(Duration.ZERO, 0),
                Arguments.of(Duration.ofNanos(1), 1),
                Arguments.of(Duration.ofNanos(999_999), 1),
                Arguments.of(Duration.ofMillis(1), 1),
                Arguments.of(Duration.ofNanos(1_000_001), 2),
                Arguments.of(Duration.ofSeconds(30), 30_000),
                Arguments.of(Duration.ofMillis(Integer.MAX_VALUE - 1L), Integer.MAX_VALUE - 1),
                Arguments.of(Duration.ofMillis(Integer.MAX_VALUE), Integer.MAX_VALUE),
                Arguments.of(Duration.ofMillis(Integer.MAX_VALUE + 1L), Integer.MAX_VALUE),
                Arguments.of(Duration.ofDays(365_000), Integer.MAX_VALUE));
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @MethodSource("timeouts")
    void readTimeoutsBecomeWholeMillisecondsNeverRoundingDownToForever(Duration timeout, int millis) throws IOException {
        assertEquals(millis, TcpConnection.soTimeoutMillis(timeout));
        connection.setReadTimeout(timeout);
        assertEquals(millis, serverSide.socket().getSoTimeout());
    }

    @Test
    void aNegativeReadTimeoutIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> connection.setReadTimeout(Duration.ofNanos(-1)));
    }

    @Test
    void closeWakesABlockedReaderAndCanBeRepeated() throws Exception {
        CompletableFuture<Integer> read = readOnAnotherThread(new byte[4]);
        Await.until(WAIT, this::isBlockedInRead, "the reader is blocked");
        connection.close();
        connection.close();
        // The channel reports a read cut by a local close as AsynchronousCloseException; what matters is that it returns.
        ExecutionException cut = assertThrows(ExecutionException.class, () -> read.get(5, TimeUnit.SECONDS));
        assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, cut.getCause());
        assertFalse(connection.isOpen());
        assertEquals(-1, peer.getInputStream().read(), "the peer sees the close");
    }

    @Test
    void oneThreadWritesWhileAnotherIsBlockedReading() throws Exception {
        byte[] buffer = new byte[4];
        CompletableFuture<Integer> read = readOnAnotherThread(buffer);
        Await.until(WAIT, this::isBlockedInRead, "the reader is blocked");

        byte[] big = new byte[256 * 1024]; // more than the socket buffers hold: the write must wait for the peer
        Arrays.fill(big, (byte) 'w');
        CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
            try {
                connection.write(big, 0, big.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        InputStream in = peer.getInputStream();
        assertArrayEquals(big, in.readNBytes(big.length));
        write.get(5, TimeUnit.SECONDS);
        assertFalse(read.isDone(), "the reader still waits, undisturbed");

        peer.getOutputStream().write('r');
        assertEquals(1, read.get(5, TimeUnit.SECONDS));
        assertEquals('r', buffer[0]);
    }

    @Test
    void shutdownOutputSendsFinAndKeepsReading() throws IOException {
        connection.write(new byte[] {'z'}, 0, 1);
        connection.shutdownOutput();
        connection.shutdownOutput(); // a second time is harmless
        InputStream in = peer.getInputStream();
        assertEquals('z', in.read());
        assertEquals(-1, in.read(), "the peer reads our FIN");
        OutputStream out = peer.getOutputStream();
        out.write('q');
        byte[] buffer = new byte[1];
        assertEquals(1, connection.read(buffer, 0, 1), "a lingering close still reads");
        assertEquals('q', buffer[0]);
        connection.close();
        connection.shutdownOutput(); // after close, too
    }
}
