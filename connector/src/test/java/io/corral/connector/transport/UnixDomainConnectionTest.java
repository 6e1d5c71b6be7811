package io.corral.connector.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.connector.listener.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TcpConnection} over a Unix domain socket pair. Such a channel has no socket adaptor and so no SO_TIMEOUT:
 * its read timeout waits on the {@link Hibernator} instead, and must behave as TCP's does — bytes already there
 * or arriving in time are read, silence ends in {@link SocketTimeoutException}, the connection stays usable, and
 * a write from another thread while a read waits goes out.
 */
class UnixDomainConnectionTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path directory;
    private ServerSocketChannel server;
    private SocketChannel peer;
    private TcpConnection connection;

    @BeforeEach
    void connectAPair() throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("pair.sock"));
        server = new TcpTransport().listen(address, 1, SocketOptions.DEFAULTS);
        peer = SocketChannel.open(StandardProtocolFamily.UNIX);
        peer.connect(address);
        SocketChannel accepted = server.accept();
        SocketOptions.DEFAULTS.applyToAccepted(accepted); // no TCP_NODELAY here: must not throw
        connection = (TcpConnection) new TcpTransport().wrap(accepted);
    }

    @AfterEach
    void closeThePair() throws IOException {
        connection.close();
        peer.close();
        server.close();
    }

    @Test
    void addressesAreTheSocketFileAndAnUnnamedClient() {
        assertEquals(UnixDomainSocketAddress.of(directory.resolve("pair.sock")), connection.localAddress());
        assertEquals("", assertInstanceOf(UnixDomainSocketAddress.class, connection.remoteAddress()).getPath().toString());
        assertTrue(connection.toString().startsWith("unix "), connection.toString());
    }

    @Test
    void aSilentPeerTimesTheReadOutAndTheConnectionStaysUsable() throws Exception {
        connection.setReadTimeout(Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> connection.read(new byte[16], 0, 16));
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 190, "waited the timeout out, not less: " + waitedMillis + " ms");
        assertTrue(waitedMillis < WAIT.toMillis(), "but not forever: " + waitedMillis + " ms");

        send("late");
        assertEquals("late", readText(4));
    }

    @Test
    void bytesArrivingBeforeTheTimeoutAreRead() throws Exception {
        connection.setReadTimeout(WAIT);
        CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
            try {
                return readText(5);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> Thread.ofVirtual().start(runnable));
        Await.until(WAIT, connection::isHibernating, "the read waits on the hibernator");
        // A write while the read waits (a WebSocket message to an idle client) goes straight out.
        connection.write("pong".getBytes(StandardCharsets.US_ASCII), 0, 4);
        ByteBuffer got = ByteBuffer.allocate(4);
        while (got.hasRemaining() && peer.read(got) >= 0) {
            // read what the write sent
        }
        assertEquals("pong", new String(got.array(), StandardCharsets.US_ASCII));
        send("hello");
        assertEquals("hello", read.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void theEndOfStreamEndsAWaitingRead() throws Exception {
        connection.setReadTimeout(WAIT);
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                read.complete(connection.read(new byte[8], 0, 8));
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        Await.until(WAIT, connection::isHibernating, "the read waits on the hibernator");
        peer.shutdownOutput();
        assertEquals(-1, read.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void closingWakesAWaitingRead() throws Exception {
        connection.setReadTimeout(WAIT);
        CompletableFuture<Object> read = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                read.complete(connection.read(new byte[8], 0, 8));
            } catch (IOException e) {
                read.complete(e);
            }
        });
        Await.until(WAIT, connection::isHibernating, "the read waits on the hibernator");
        connection.close();
        assertInstanceOf(IOException.class, read.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    void halfCloseSendsEndOfStreamOnce() throws Exception {
        connection.shutdownOutput();
        connection.shutdownOutput(); // a second FIN request is not an error
        assertEquals(-1, peer.read(ByteBuffer.allocate(1)));
        assertTrue(Files.exists(directory.resolve("pair.sock")));
    }

    private void send(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            peer.write(bytes);
        }
    }

    private String readText(int length) throws IOException {
        byte[] buffer = new byte[length];
        int got = 0;
        while (got < length) {
            int n = connection.read(buffer, got, length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        return new String(buffer, 0, got, StandardCharsets.US_ASCII);
    }
}
