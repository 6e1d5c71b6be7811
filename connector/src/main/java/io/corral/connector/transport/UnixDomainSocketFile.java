package io.corral.connector.transport;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file a Unix domain listening socket lives in: Ranch's {@code {local, Path}}, Jetty's
 * {@code UnixDomainServerConnector}. Binding creates the file and closing the channel does not remove it, so
 * the listener {@linkplain #remove removes} it when it stops listening. A file left behind by a process that
 * died is <em>stale</em>: binding finds it, checks that nobody answers on it, removes it and says so in one line;
 * a file somebody still answers on, or one that is not a socket at all, is never touched and the bind fails
 * naming it, so a second instance cannot silently steal the path of a live one.
 */
public final class UnixDomainSocketFile {

    private static final Logger LOG = LoggerFactory.getLogger(UnixDomainSocketFile.class);

    private UnixDomainSocketFile() {
    }

    /**
     * Binds a listening channel, in blocking mode, on {@code address}, replacing a stale socket file.
     *
     * @throws BindException when the path is served by a live process, or exists and is not a socket
     * @throws IOException   when the socket cannot be created (no such directory, no permission…), naming the path
     */
    public static ServerSocketChannel bind(UnixDomainSocketAddress address, int backlog) throws IOException {
        Path path = address.getPath();
        removeIfStale(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address, backlog);
            return server;
        } catch (IOException e) {
            server.close();
            IOException named = e instanceof BindException ? new BindException(message(path, e.getMessage()))
                    : new IOException(message(path, e.getMessage()));
            named.initCause(e);
            throw named;
        }
    }

    /** Removes the socket file once its listening channel is closed; a file already gone is fine. */
    public static void remove(UnixDomainSocketAddress address) {
        try {
            Files.deleteIfExists(address.getPath());
        } catch (IOException e) {
            LOG.warn("could not remove the socket file {}: {}", address.getPath(), e.toString());
        }
    }

    private static void removeIfStale(Path path) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException absent) {
            return;
        }
        // A socket is "other" to the JDK: neither file, directory nor link. Anything else is somebody's data.
        if (!attributes.isOther()) {
            throw new BindException(message(path, "the path exists and is not a socket; not removing it"));
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new BindException(message(path, "another process is listening on it"));
        } catch (BindException live) {
            throw live;
        } catch (IOException refused) {
            // Connection refused: the process that bound it is gone and left the file behind.
            Files.deleteIfExists(path);
            LOG.info("removed the stale socket file {} (nobody was listening on it)", path);
        }
    }

    private static String message(Path path, String reason) {
        return "cannot listen on unix:" + path + ": " + reason;
    }
}
