package io.corral.jetty.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.corral.jetty.ConnectorKind;
import io.corral.jetty.CorralConnector;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WebSocket over a socket file: the same Jakarta echo endpoint behind Jetty's {@link UnixDomainServerConnector}
 * and behind {@link CorralConnector#setUnixDomainPath}, the same raw client bytes (handshake, a masked text frame,
 * a close), the same answers — a 101 with the right accept value, the echo, the close echoed.
 */
class UnixDomainWebSocketTest {

    @TempDir
    Path directory;

    private Server start(boolean corral, Path socketFile) throws Exception {
        Server server = new Server();
        server.addConnector((corral ? ConnectorKind.CORRAL : ConnectorKind.JETTY).createUnixDomain(server, socketFile));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> container.addEndpoint(Rfc6455BridgeTest.Echo.class));
        server.setHandler(context);
        server.start();
        return server;
    }

    /** Handshake, echo, close over the socket file; what the client saw, one line per step. */
    private String exchange(boolean corral) throws Exception {
        Path socketFile = directory.resolve((corral ? "corral" : "jetty") + "-ws.sock");
        Server server = start(corral, socketFile);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socketFile));
            InputStream in = Channels.newInputStream(channel);
            OutputStream out = Channels.newOutputStream(channel);
            // A channel read has no timeout: the whole exchange runs under one deadline instead.
            return CompletableFuture.supplyAsync(() -> {
                try {
                    out.write(RawWebSocket.handshake("/rfc/echo"));
                    String head = readHead(in);
                    out.write(RawWebSocket.textFrame("over a socket file"));
                    RawWebSocket.ServerFrame echo = readFrame(in);
                    out.write(RawWebSocket.closeFrame(1000, "bye"));
                    RawWebSocket.ServerFrame close = readFrame(in);
                    return head.lines().findFirst().orElse("") + "\n"
                            + (head.contains("Sec-WebSocket-Accept: " + RawWebSocket.ACCEPT) ? "accept ok" : head) + "\n"
                            + echo.opcode() + " " + echo.text() + "\n" + close.opcode() + " " + close.closeCode();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, task -> Thread.ofVirtual().start(task)).get(30, TimeUnit.SECONDS);
        } finally {
            server.stop();
        }
    }

    @Test
    void aJakartaEndpointEchoesOverASocketFileAsOnJetty() throws Exception {
        String jetty = exchange(false);
        String corral = exchange(true);
        assertEquals(jetty, corral);
        assertEquals("HTTP/1.1 101 Switching Protocols\naccept ok\n1 over a socket file\n8 1000", corral);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** One unmasked server frame with a short payload (under 126 bytes), as the echo and the close are. */
    private static RawWebSocket.ServerFrame readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int first = data.readUnsignedByte();
        int length = data.readUnsignedByte() & 0x7F;
        byte[] payload = new byte[length];
        data.readFully(payload);
        return RawWebSocket.parseFrames(RawWebSocket.concat(new byte[] {(byte) first, (byte) length}, payload)).get(0);
    }
}
