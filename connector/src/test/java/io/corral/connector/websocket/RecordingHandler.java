package io.corral.connector.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A handler that records every callback, optionally echoing messages back, for tests to wait on. */
class RecordingHandler implements WebSocketHandler {

    sealed interface Event {}
    record Opened() implements Event {}
    record Text(String text) implements Event {}
    record Binary(byte[] data) implements Event {}
    record Pong(byte[] payload) implements Event {}
    record Closed(int code, String reason) implements Event {}
    record Failed(Throwable cause) implements Event {}

    static final Duration WAIT = Duration.ofSeconds(10);

    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final CountDownLatch closed = new CountDownLatch(1);
    volatile WebSocketSession session;
    volatile Closed closeEvent;
    volatile Throwable error;
    private final boolean echo;

    RecordingHandler(boolean echo) {
        this.echo = echo;
    }

    static RecordingHandler echoing() {
        return new RecordingHandler(true);
    }

    static RecordingHandler recording() {
        return new RecordingHandler(false);
    }

    @Override
    public void onOpen(WebSocketSession session) throws Exception {
        this.session = session;
        events.add(new Opened());
    }

    @Override
    public void onText(WebSocketSession session, String message) throws Exception {
        events.add(new Text(message));
        if (echo) {
            session.sendText(message);
        }
    }

    @Override
    public void onBinary(WebSocketSession session, ByteBuffer message) throws Exception {
        byte[] bytes = new byte[message.remaining()];
        message.duplicate().get(bytes);
        events.add(new Binary(bytes));
        if (echo) {
            session.sendBinary(message);
        }
    }

    @Override
    public void onPong(WebSocketSession session, ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        events.add(new Pong(bytes));
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
        closeEvent = new Closed(code, reason);
        events.add(closeEvent);
        closed.countDown();
    }

    @Override
    public void onError(WebSocketSession session, Throwable cause) {
        error = cause;
        events.add(new Failed(cause));
    }

    /** The next event of the given type, skipping others; fails after {@link #WAIT}. */
    <T extends Event> T next(Class<T> type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Event event = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no " + type.getSimpleName() + " event within " + WAIT);
            }
            if (type.isInstance(event)) {
                return type.cast(event);
            }
        }
    }

    String nextText() throws InterruptedException {
        return next(Text.class).text();
    }

    Closed awaitClosed() throws InterruptedException {
        if (!closed.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("onClose not called within " + WAIT);
        }
        return closeEvent;
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
