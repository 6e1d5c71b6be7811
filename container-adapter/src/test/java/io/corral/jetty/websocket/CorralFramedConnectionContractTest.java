package io.corral.jetty.websocket;

import static io.corral.jetty.websocket.RawWebSocket.BINARY;
import static io.corral.jetty.websocket.RawWebSocket.CLOSE;
import static io.corral.jetty.websocket.RawWebSocket.CONTINUATION;
import static io.corral.jetty.websocket.RawWebSocket.TEXT;
import static io.corral.jetty.websocket.RawWebSocket.frame;
import static io.corral.jetty.websocket.RawWebSocket.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corral.jetty.CorralEndPoint;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.websocket.core.Behavior;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionStack;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.Negotiated;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract {@link CorralFramedConnection} promises Jetty's session, checked step by step under a
 * real {@link WebSocketCoreSession} with a scripted connection in place of a socket: one frame per demand,
 * pipelined bytes first, payloads unmasked, large frames in pieces (masking phase carried across them)
 * or refused, nothing written after CLOSE, flushes completed, and idle timeouts that never wait for the
 * socket on the caller's (Jetty's scheduler's) thread.
 */
class CorralFramedConnectionContractTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Records what the session hands its handler; demands after each frame unless told not to. */
    static final class RecordingHandler implements FrameHandler {
        final List<Frame> frames = new CopyOnWriteArrayList<>();
        final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
        volatile boolean autoDemand = true;
        volatile CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte[] payload = new byte[frame.getPayloadLength()];
            if (frame.hasPayload()) {
                frame.getPayload().slice().get(payload);
            }
            byte finRsvOp = (byte) ((frame.isFin() ? 0x80 : 0) | (frame.isRsv1() ? 0x40 : 0) | (frame.isRsv2() ? 0x20 : 0)
                    | (frame.isRsv3() ? 0x10 : 0) | frame.getOpCode());
            frames.add(new Frame(finRsvOp, null, ByteBuffer.wrap(payload)));
            callback.succeeded();
            if (autoDemand && frame.getOpCode() != OpCode.CLOSE) {
                session.demand();
            }
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            closed.complete(closeStatus);
            callback.succeeded();
        }
    }

    private final ScriptedTransport transport = new ScriptedTransport();
    private final RecordingHandler handler = new RecordingHandler();
    private final ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("contract-scheduler", false);
    private WebSocketComponents components;
    private WebSocketCoreSession session;
    private CorralFramedConnection connection;

    /** Builds the session and connection as {@link WebSocketFraming} does, and starts the read loop. */
    private void open(long maxFrameSize, boolean autoFragment, byte[] pipelined) throws Exception {
        scheduler.start();
        components = new WebSocketComponents();
        components.start();
        ExtensionStack extensions = new ExtensionStack(components, Behavior.SERVER);
        extensions.negotiate(List.of(), List.of());
        session = new WebSocketCoreSession(handler, Behavior.SERVER, Negotiated.from(extensions), components);
        session.setMaxFrameSize(maxFrameSize);
        session.setAutoFragment(autoFragment);
        CorralEndPoint endPoint = new CorralEndPoint(transport, scheduler, 30_000);
        connection = new CorralFramedConnection(endPoint, Executors.newVirtualThreadPerTaskExecutor(), scheduler,
                new ArrayByteBufferPool(), session, transport, java.time.Duration.ZERO,
                io.corral.connector.websocket.ControlFrameRate.DEFAULT_MAX_PER_SECOND);
        session.setWebSocketConnection(connection);
        if (pipelined != null) {
            connection.onUpgradeTo(ByteBuffer.wrap(pipelined));
        }
        endPoint.setConnection(connection);
        endPoint.onOpen();
        connection.onOpen();
        Thread.ofVirtual().name("contract-reader").start(connection::serve);
    }

    @AfterEach
    void close() throws Exception {
        transport.close();
        if (components != null) {
            components.stop();
        }
        scheduler.stop();
    }

    private void awaitFrames(int count) {
        Deadline.await(count + " frames at the handler", WAIT, () -> handler.frames.size() >= count);
    }

    private List<RawWebSocket.ServerFrame> written() throws Exception {
        return RawWebSocket.parseFrames(transport.written());
    }

    private RawWebSocket.ServerFrame awaitWrittenClose() throws Exception {
        Deadline.await("a close frame written", WAIT, () -> {
            try {
                return written().stream().anyMatch(frame -> frame.opcode() == CLOSE);
            } catch (Exception e) {
                return false;
            }
        });
        return written().stream().filter(frame -> frame.opcode() == CLOSE).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("one frame per demand: without a new demand the second frame waits, with it the frame comes")
    void oneFramePerDemand() throws Exception {
        handler.autoDemand = false;
        open(65536, true, null);
        transport.clientSends(RawWebSocket.textFrame("first"), RawWebSocket.textFrame("second"));
        awaitFrames(1);
        assertEquals(1, handler.frames.size(), "a frame was delivered without demand");
        session.demand();
        awaitFrames(2);
        assertEquals("second", new String(handler.frames.get(1).getPayload().array(), java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("bytes that came with the handshake are read first, then the socket's")
    void pipelinedBytesComeFirst() throws Exception {
        open(65536, true, RawWebSocket.concat(RawWebSocket.textFrame("a"), RawWebSocket.textFrame("b")));
        transport.clientSends(RawWebSocket.textFrame("c"));
        awaitFrames(3);
        assertEquals(List.of("a", "b", "c"), handler.frames.stream().map(frame -> frame.getPayloadAsUTF8()).toList());
    }

    /**
     * A frame larger than the session's frame size reaches the session in pieces of at most that size,
     * framed as Jetty's parser frames them; sizes that are not multiples of four check that the masking
     * key's phase is carried from piece to piece.
     */
    @ParameterizedTest(name = "max frame size {0}")
    @ValueSource(ints = {1000, 999, 1001, 1002})
    @DisplayName("auto-fragment: a frame over the frame size is handed up in pieces, first keeps the opcode, last the FIN")
    void largeFrameIsHandedUpInPieces(int maxFrameSize) throws Exception {
        open(maxFrameSize, true, null);
        byte[] payload = new byte[2500];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 13 + 7);
        }
        transport.clientSends(frame(true, 0, BINARY, payload));
        int pieces = (payload.length + maxFrameSize - 1) / maxFrameSize;
        awaitFrames(pieces);
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int i = 0; i < pieces; i++) {
            Frame piece = handler.frames.get(i);
            assertEquals(i == 0 ? OpCode.BINARY : OpCode.CONTINUATION, piece.getOpCode(), "piece " + i);
            assertEquals(i == pieces - 1, piece.isFin(), "piece " + i);
            assertTrue(piece.getPayloadLength() <= maxFrameSize, "piece " + i + " of " + piece.getPayloadLength());
            joined.writeBytes(piece.getPayload().array());
        }
        assertArrayEquals(payload, joined.toByteArray(), "unmasked wrongly across pieces");
    }

    @Test
    @DisplayName("a fragmented message's continuation over the frame size keeps FIN only on its last piece")
    void largeContinuationKeepsItsFinOnTheLastPiece() throws Exception {
        open(100, true, null);
        transport.clientSends(frame(false, 0, TEXT, utf8("x".repeat(50))), frame(true, 0, CONTINUATION, utf8("y".repeat(150))));
        awaitFrames(3);
        assertEquals(List.of("TEXT false 50", "CONTINUATION false 100", "CONTINUATION true 50"), handler.frames.stream()
                .map(frame -> OpCode.name(frame.getOpCode()) + " " + frame.isFin() + " " + frame.getPayloadLength()).toList());
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1000, 1001})
    @DisplayName("no auto-fragment: a frame at the frame size is taken whole, one byte over is refused with 1009")
    void withoutAutoFragmentAnOversizedFrameIs1009(int size) throws Exception {
        open(1000, false, null);
        transport.clientSends(frame(true, 0, BINARY, new byte[size]));
        if (size <= 1000) {
            awaitFrames(1);
            assertEquals(size, handler.frames.get(0).getPayloadLength());
        } else {
            assertEquals(1009, awaitWrittenClose().closeCode());
            assertTrue(handler.frames.isEmpty(), "a refused frame reached the session");
        }
    }

    @Test
    @DisplayName("RFC 6455 §5.1: an unmasked client frame fails the session with 1002")
    void unmaskedFrameIs1002() throws Exception {
        open(65536, true, null);
        transport.clientSends(frame(true, 0, TEXT, utf8("bare"), false));
        assertEquals(1002, awaitWrittenClose().closeCode());
        assertEquals(CloseStatus.PROTOCOL, handler.closed.get(5, TimeUnit.SECONDS).getCode());
    }

    @Test
    @DisplayName("nothing is written after CLOSE: a later data frame's callback fails and no byte of it is sent")
    void nothingIsWrittenAfterClose() throws Exception {
        open(65536, true, null);
        session.close(CloseStatus.NORMAL, "bye", Callback.NOOP);
        assertEquals(1000, awaitWrittenClose().closeCode());
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        session.sendFrame(new Frame(OpCode.TEXT, "too late"), Callback.from(() -> failure.complete(null), failure::complete), false);
        assertTrue(failure.get(5, TimeUnit.SECONDS) != null, "a frame after CLOSE was sent");
        assertEquals(1, written().size(), "bytes after the close frame: " + written());
    }

    @Test
    @DisplayName("a flush completes once every frame before it is written")
    void flushCompletes() throws Exception {
        open(65536, true, null);
        session.sendFrame(new Frame(OpCode.TEXT, "batched"), Callback.NOOP, true);
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        session.flush(Callback.from(() -> flushed.complete(null), flushed::completeExceptionally));
        flushed.get(5, TimeUnit.SECONDS);
        assertEquals("batched", written().get(0).text());
    }

    @Test
    @DisplayName("end of input ends the session abnormally (1006) and closes the connection")
    void endOfInputEndsTheSession() throws Exception {
        open(65536, true, null);
        transport.clientEndsInput();
        assertEquals(CloseStatus.NO_CLOSE, handler.closed.get(5, TimeUnit.SECONDS).getCode());
        Deadline.await("the transport to close", WAIT, transport::isClosed);
    }

    /**
     * Jetty calls {@code onIdleExpired} on its scheduler thread: were it to write the 1001 close frame
     * there, a peer that stopped reading would freeze every timer of the server. It returns at once and
     * the close frame goes out on a thread of its own; a second expiry while that write is still stuck
     * gives up on the peer: the connection closes and the stuck write is released.
     */
    @Test
    @DisplayName("an idle timeout never waits for the socket on the scheduler's thread; a stuck close frame is given up")
    void idleTimeoutNeverWaitsForTheSocket() throws Exception {
        open(65536, true, null);
        transport.blockWrites();
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> connection.onIdleExpired(new TimeoutException("idle")));
        assertFalse(first.get(2, TimeUnit.SECONDS), "the close frame is written by another thread, the endpoint stays open meanwhile");
        Deadline.await("the 1001 close frame to be in a (blocked) write", WAIT, () -> transport.blockedWriters() == 1);

        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> connection.onIdleExpired(new TimeoutException("idle")));
        assertTrue(second.get(2, TimeUnit.SECONDS), "a stuck write lets the endpoint close");
        Deadline.await("the connection to close", WAIT, transport::isClosed);
        Deadline.await("the stuck write to be released", WAIT, () -> transport.blockedWriters() == 0);
        assertEquals(CloseStatus.SHUTDOWN, handler.closed.get(5, TimeUnit.SECONDS).getCode(), "the idle close's status");
    }

    @Test
    @DisplayName("a data frame stuck in a write for a whole idle period: the session fails without a close frame (1006)")
    void stuckDataWriteIsAbortedOnIdleTimeout() throws Exception {
        open(65536, true, null);
        transport.blockWrites();
        CompletableFuture<Throwable> send = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> session.sendFrame(new Frame(OpCode.BINARY, ByteBuffer.wrap(new byte[4096])),
                Callback.from(() -> send.complete(null), send::complete), false));
        Deadline.await("the data frame to be in a (blocked) write", WAIT, () -> transport.blockedWriters() == 1);

        CompletableFuture<Boolean> expiry = CompletableFuture.supplyAsync(() -> connection.onIdleExpired(new TimeoutException("idle")));
        assertTrue(expiry.get(2, TimeUnit.SECONDS));
        CloseStatus closed = handler.closed.get(5, TimeUnit.SECONDS);
        assertEquals(CloseStatus.NO_CLOSE, closed.getCode(), closed.toString());
        assertTrue(send.get(5, TimeUnit.SECONDS) != null, "the stuck send must fail, not succeed");
        assertTrue(transport.isClosed());
        assertTrue(written().isEmpty(), "nothing could be written: " + written());
    }

    @Test
    @DisplayName("an idle timeout with the peer reading: 1001 close frame, then the connection closes")
    void idleTimeoutClosesWith1001() throws Exception {
        open(65536, true, null);
        assertFalse(connection.onIdleExpired(new TimeoutException("idle")));
        assertEquals(1001, awaitWrittenClose().closeCode());
        Deadline.await("the transport to close", WAIT, transport::isClosed);
    }
}
