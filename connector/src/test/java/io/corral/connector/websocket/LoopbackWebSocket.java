package io.corral.connector.websocket;

import io.corral.connector.transport.TransportConnection;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A {@link WebSocketConnection} running on its own virtual thread over a real loopback socket pair, as
 * it will after a 101, with a {@link TestClient} on the other end. Binds 127.0.0.1 on an ephemeral port.
 */
final class LoopbackWebSocket implements AutoCloseable {

    final TestClient client;
    final WebSocketConnection server;
    final SocketConnection serverSide;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private LoopbackWebSocket(TestClient client, SocketConnection serverSide, WebSocketConnection server) {
        this.client = client;
        this.serverSide = serverSide;
        this.server = server;
    }

    static LoopbackWebSocket start(WebSocketHandler handler, WebSocketConfig config) throws IOException {
        return start(handler, config, null, new byte[0]);
    }

    static LoopbackWebSocket start(WebSocketHandler handler, WebSocketConfig config, DeflateParameters deflate,
                                   byte[] leftover) throws IOException {
        return start(handler, config, deflate, leftover, 0);
    }

    /** @param socketBuffers when positive, the send and receive buffer sizes of both sockets (slow-reader tests) */
    static LoopbackWebSocket start(WebSocketHandler handler, WebSocketConfig config, DeflateParameters deflate,
                                   byte[] leftover, int socketBuffers) throws IOException {
        return start(handler, config, deflate, leftover, socketBuffers, UnaryOperator.identity());
    }

    /** @param serverTransport wraps the server's side of the socket, e.g. in a {@link WriteGate} */
    static LoopbackWebSocket start(WebSocketHandler handler, WebSocketConfig config,
                                   UnaryOperator<TransportConnection> serverTransport) throws IOException {
        return start(handler, config, null, new byte[0], 0, serverTransport);
    }

    private static LoopbackWebSocket start(WebSocketHandler handler, WebSocketConfig config, DeflateParameters deflate,
                                           byte[] leftover, int socketBuffers,
                                           UnaryOperator<TransportConnection> serverTransport) throws IOException {
        try (ServerSocket listening = new ServerSocket()) {
            if (socketBuffers > 0) {
                listening.setReceiveBufferSize(socketBuffers);
            }
            listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listening.setSoTimeout(10_000);
            Socket clientSocket = new Socket();
            if (socketBuffers > 0) {
                clientSocket.setReceiveBufferSize(socketBuffers);
                clientSocket.setSendBufferSize(socketBuffers);
            }
            clientSocket.connect(listening.getLocalSocketAddress(), 10_000);
            Socket accepted = listening.accept();
            if (socketBuffers > 0) {
                accepted.setSendBufferSize(socketBuffers);
            }
            SocketConnection serverSide = new SocketConnection(accepted);
            WebSocketConnection server = new WebSocketConnection(serverTransport.apply(serverSide), handler, config,
                    deflate, null);
            LoopbackWebSocket loopback = new LoopbackWebSocket(new TestClient(clientSocket), serverSide, server);
            Thread.ofVirtual().name("websocket-test-server").start(() -> {
                try {
                    server.run(ByteBuffer.wrap(leftover));
                } finally {
                    loopback.done.complete(null);
                }
            });
            return loopback;
        }
    }

    /**
     * Waits until the server's connection is in the state a test expects, which its own thread brings
     * about; fails after {@link RecordingHandler#WAIT}.
     */
    void awaitServer(Predicate<WebSocketConnection> state, String failure) {
        long deadline = System.nanoTime() + RecordingHandler.WAIT.toNanos();
        while (!state.test(server)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(failure);
            }
            Thread.yield();
        }
    }

    /** Whether the server's loop ended (and closed its side) within the wait. */
    boolean awaitServerDone() throws InterruptedException {
        try {
            done.get(RecordingHandler.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        client.close();
        serverSide.close();
    }
}
