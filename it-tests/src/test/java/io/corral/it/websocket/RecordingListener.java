package io.corral.it.websocket;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK WebSocket client listener that reassembles whole messages (a {@link String} per text message, a
 * read-only {@link ByteBuffer} per binary message) into a queue, so a test can wait for the next one with
 * a deadline. A close or an error is recorded too, as a {@link Closed} or {@link Failed}, and ends the
 * stream of messages.
 */
public final class RecordingListener implements WebSocket.Listener {

    /** The peer closed with this status and reason. */
    public record Closed(int status, String reason) {
    }

    /** The connection failed. */
    public record Failed(Throwable cause) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private ByteBuffer binary = ByteBuffer.allocate(0);

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            events.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        ByteBuffer grown = ByteBuffer.allocate(binary.remaining() + data.remaining());
        grown.put(binary).put(data).flip();
        binary = grown;
        if (last) {
            events.add(binary.asReadOnlyBuffer());
            binary = ByteBuffer.allocate(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        events.add(new Closed(statusCode, reason));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failed(error));
    }

    /**
     * The next message or event.
     *
     * @throws AssertionError when nothing arrives within {@code timeout}
     */
    public Object next(Duration timeout) throws InterruptedException {
        Object event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null) {
            throw new AssertionError("no WebSocket message within " + timeout);
        }
        return event;
    }

    /** The next message, which must be text. */
    public String nextText(Duration timeout) throws InterruptedException {
        Object event = next(timeout);
        if (event instanceof String message) {
            return message;
        }
        throw new AssertionError("expected a text message, got " + event);
    }

    /** The next message, which must be binary. */
    public ByteBuffer nextBinary(Duration timeout) throws InterruptedException {
        Object event = next(timeout);
        if (event instanceof ByteBuffer message) {
            return message;
        }
        throw new AssertionError("expected a binary message, got " + event);
    }
}
