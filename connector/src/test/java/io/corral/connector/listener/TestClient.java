package io.corral.connector.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw-socket client for listener tests: connects to 127.0.0.1, sends and reads bytes, and tells apart
 * "the server has not served me yet" (a read times out) from "the server closed me" (EOF or reset).
 */
final class TestClient implements AutoCloseable {

    static final InetAddress LOOPBACK = loopback();
    private static final int DEFAULT_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;

    private TestClient(Socket socket) {
        this.socket = socket;
    }

    /** A configuration bound to 127.0.0.1 on an ephemeral port, with a name for the logs. */
    static ListenerConfig loopbackConfig(String name) {
        return ListenerConfig.defaults().withAddress(new InetSocketAddress(LOOPBACK, 0)).withName(name);
    }

    static TestClient connect(int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setSoTimeout(DEFAULT_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(LOOPBACK, port), DEFAULT_TIMEOUT_MILLIS);
            return new TestClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Connects from {@code source} (127.0.0.2, 127.0.0.3… need no set-up on Linux): another client address. */
    static TestClient connectFrom(InetAddress source, int port) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setSoTimeout(DEFAULT_TIMEOUT_MILLIS);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(LOOPBACK, port), DEFAULT_TIMEOUT_MILLIS);
            return new TestClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    static TestClient connect(Listener listener) throws IOException {
        return connect(listener.localPort());
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads exactly {@code length} bytes, failing on EOF or timeout. */
    String receive(int length) throws IOException {
        byte[] bytes = socket.getInputStream().readNBytes(length);
        if (bytes.length < length) {
            fail("connection ended after " + bytes.length + " of " + length + " bytes");
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code text} and checks that the echo protocol sends it back. */
    void assertEchoes(String text) throws IOException {
        send(text);
        assertEquals(text, receive(text.length()));
    }

    /**
     * Whether nothing arrives within {@code wait} while the connection stays open: the state of a client
     * still waiting in the backlog. False when the server closed or reset the connection, or sent bytes.
     */
    boolean staysSilentFor(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            socket.getInputStream().read();
            return false;
        } catch (SocketTimeoutException expected) {
            return true;
        } catch (SocketException reset) {
            return false;
        } finally {
            socket.setSoTimeout(DEFAULT_TIMEOUT_MILLIS);
        }
    }

    /** Whether the server ends the connection (EOF or reset) within the default timeout, ignoring bytes before. */
    boolean closedByServer() throws IOException {
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // skip whatever the server sent before closing
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Vanishes abruptly: SO_LINGER 0 makes close send a RST instead of a FIN. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
