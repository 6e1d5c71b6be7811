package io.corral.it.scaleout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One WebSocket client of the scale-out load, on the JDK's {@code java.net.http.WebSocket} through haproxy:
 * numbered text messages to {@code /ws/echo}, one at a time, each echo checked in content and order. When the
 * server closes the session with 1001 (its instance drains) the client reconnects, as a browser application
 * would; the one message it may have had in flight then is the only one allowed to go unanswered. Any other
 * close, a wrong or missing echo, or a failed reconnect is a failure. Bounded by {@code maxMessages}.
 */
final class WebSocketEchoClient implements Runnable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI uri;
    private final int maxMessages;
    private final BooleanSupplier stop;
    private final AtomicLong echoedByAll;
    private long echoed;
    private int goingAwayCloses;
    private int unansweredAtGoingAway;
    private final List<String> failures = new ArrayList<>();

    WebSocketEchoClient(URI uri, int maxMessages, BooleanSupplier stop, AtomicLong echoedByAll) {
        this.uri = uri;
        this.maxMessages = maxMessages;
        this.stop = stop;
        this.echoedByAll = echoedByAll;
    }

    /** What the listener saw: a whole text message, or the close (code), or a failure. */
    private record Event(String text, int closeCode, Throwable error) {}

    @Override
    public void run() {
        int sent = 0;
        while (sent < maxMessages && !stop.getAsBoolean() && failures.isEmpty()) {
            BlockingQueue<Event> events = new LinkedBlockingQueue<>();
            WebSocket socket;
            try {
                socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, listener(events))
                        .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                failures.add("connecting after " + sent + " messages: " + e);
                return;
            }
            try {
                boolean open = true;
                while (open && sent < maxMessages && !stop.getAsBoolean()) {
                    String message = "message " + sent++;
                    try {
                        socket.sendText(message, true).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (Exception closing) {
                        // The server's close crossed this send; the close event says which.
                    }
                    Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (event == null) {
                        failures.add("no echo of '" + message + "' within " + WAIT);
                        open = false;
                    } else if (event.text() != null) {
                        if (!event.text().equals(message)) {
                            failures.add("sent '" + message + "', got '" + event.text() + "'");
                        }
                        echoed++;
                        echoedByAll.incrementAndGet();
                    } else if (event.closeCode() == 1001) {
                        goingAwayCloses++;
                        unansweredAtGoingAway++; // this message met the close: allowed, then reconnect
                        open = false;
                    } else {
                        failures.add("after '" + message + "': " + (event.error() != null ? event.error()
                                : "closed with " + event.closeCode()));
                        open = false;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                socket.abort();
            }
        }
    }

    private static WebSocket.Listener listener(BlockingQueue<Event> events) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    events.add(new Event(text.toString(), 0, null));
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                events.add(new Event(null, statusCode, null));
                return null; // the JDK answers the close
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                events.add(new Event(null, -1, error));
            }
        };
    }

    long echoed() {
        return echoed;
    }

    int goingAwayCloses() {
        return goingAwayCloses;
    }

    int unansweredAtGoingAway() {
        return unansweredAtGoingAway;
    }

    List<String> failures() {
        return failures;
    }
}
