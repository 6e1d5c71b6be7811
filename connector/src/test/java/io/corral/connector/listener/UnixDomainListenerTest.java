package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listener on a socket file (Ranch's {@code {local, Path}}): it serves there, removes the file whenever it
 * stops listening, replaces a stale file left by a dead process with one log line, and refuses — naming the path —
 * a path that a live process serves or that is not a socket at all, leaving it untouched.
 */
class UnixDomainListenerTest {

    @TempDir
    Path directory;

    private ListenerConfig config(Path socketFile) {
        return ListenerConfig.defaults().withAddress(UnixDomainSocketAddress.of(socketFile)).withName("unix-test");
    }

    @Test
    void servesOnTheSocketFileAndRemovesItOnStop() throws Exception {
        Path file = directory.resolve("corral.sock");
        ProtocolProbe echo = ProtocolProbe.echo();
        try (Listener listener = new Listener(config(file), echo)) {
            listener.start();
            assertTrue(Files.exists(file), "the socket file exists while listening");
            assertEquals(-1, listener.localPort(), "no port on a socket file, as on Jetty's Unix domain connector");
            assertEquals(UnixDomainSocketAddress.of(file), listener.localAddress());
            assertEquals("over a socket file", echo(file, "over a socket file"));

            listener.suspend();
            assertFalse(Files.exists(file), "suspended: not listening, no file");
            listener.resume();
            assertEquals("after resume", echo(file, "after resume"));
        }
        assertFalse(Files.exists(file), "stopped: the file is gone");
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        Path file = directory.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(file)); // closing leaves the file behind, as a crash would
        }
        assertTrue(Files.exists(file));
        try (Listener listener = new Listener(config(file), ProtocolProbe.echo())) {
            listener.start();
            assertEquals("fresh", echo(file, "fresh"));
        }
    }

    @Test
    void aLiveSocketFileIsNotStolen() throws Exception {
        Path file = directory.resolve("live.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(file));
            Listener listener = new Listener(config(file), ProtocolProbe.echo());
            BindException refused = assertThrows(BindException.class, listener::start);
            assertTrue(refused.getMessage().contains(file.toString()) && refused.getMessage().contains("another process"),
                    refused.getMessage());
            assertTrue(Files.exists(file), "the live server keeps its file");
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
                assertTrue(client.isConnected(), "and its clients");
            }
        }
    }

    @Test
    void aPathThatIsNotASocketIsLeftAlone() throws Exception {
        Path file = directory.resolve("data.txt");
        Files.writeString(file, "somebody's data");
        Listener listener = new Listener(config(file), ProtocolProbe.echo());
        BindException refused = assertThrows(BindException.class, listener::start);
        assertTrue(refused.getMessage().contains("is not a socket"), refused.getMessage());
        assertEquals("somebody's data", Files.readString(file));
    }

    @Test
    void aMissingDirectoryIsNamed() {
        Path file = directory.resolve("no/such/dir/corral.sock");
        Listener listener = new Listener(config(file), ProtocolProbe.echo());
        IOException failed = assertThrows(IOException.class, listener::start);
        assertTrue(failed.getMessage().contains(file.toString()), failed.getMessage());
    }

    @Test
    void oneListenSocketOnly() {
        assertThrows(IllegalArgumentException.class, () -> config(directory.resolve("x.sock")).withListenSockets(2));
    }

    static String echo(Path file, String text) throws IOException {
        try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(file))) {
            client.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(text.length());
            while (answer.hasRemaining() && client.read(answer) >= 0) {
                // until the whole echo is back
            }
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
        }
    }
}
