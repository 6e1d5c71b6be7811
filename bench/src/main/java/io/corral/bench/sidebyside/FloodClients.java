package io.corral.bench.sidebyside;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attacker side of {@link FloodRun}, in a JVM of its own bound to its own source address (one process here
 * holds about 19,900 sockets, and the server's must stay free for it): {@code count} connections, each on a virtual
 * thread, for {@code seconds}, then everything closes and one line reports what happened. A connection the server
 * closes is opened again after a short pause, as an attacker keeping up the pressure would.
 * <ul>
 *   <li>{@code mode=idle}: half the connections send one {@code GET /plaintext} and then nothing (keep-alive), the
 *       other half never send a byte;</li>
 *   <li>{@code mode=trickle}: each sends {@code POST /echo} announcing a 100,000-byte body, then 10 bytes a second
 *       (one write of 10 bytes each second: the byte rate of the 10 B/s with a tenth of the writes).</li>
 * </ul>
 * Prints {@code ready <open>} once every connection has been opened once, and at the end
 * {@code done opened=<n> cutByServer=<n> failedToOpen=<n> open=<n>}.
 *
 * <p>Arguments: {@code <host> <port> bind=<source> mode=idle|trickle count=<n> seconds=<s>}.
 */
public final class FloodClients {

    private static final Duration REOPEN_PAUSE = Duration.ofMillis(200);
    private static final int TIMEOUT_MS = 30_000;

    private final InetSocketAddress server;
    private final InetAddress bind;
    private final boolean trickle;
    private final long endNanos;
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong open = new AtomicLong();

    private FloodClients(InetSocketAddress server, InetAddress bind, boolean trickle, long endNanos) {
        this.server = server;
        this.bind = bind;
        this.trickle = trickle;
        this.endNanos = endNanos;
    }

    public static void main(String[] args) throws Exception {
        InetAddress bind = null;
        String mode = "idle";
        int count = 0;
        long seconds = 60;
        for (int i = 2; i < args.length; i++) {
            String[] option = args[i].split("=", 2);
            switch (option[0]) {
                case "bind" -> bind = InetAddress.getByName(option[1]);
                case "mode" -> mode = option[1];
                case "count" -> count = Integer.parseInt(option[1]);
                case "seconds" -> seconds = Long.parseLong(option[1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        FloodClients clients = new FloodClients(new InetSocketAddress(args[0], Integer.parseInt(args[1])), bind,
                mode.equals("trickle"), System.nanoTime() + Duration.ofSeconds(seconds).toNanos());
        clients.run(count);
    }

    private void run(int count) throws InterruptedException {
        List<Thread> threads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean asksOnce = i % 2 == 0;
            threads.add(Thread.ofVirtual().start(() -> attack(asksOnce)));
        }
        long readyBy = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (opened.get() + failed.get() < count && System.nanoTime() < readyBy) {
            Thread.sleep(50);
        }
        System.out.println("ready " + open.get());
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf("done opened=%d cutByServer=%d failedToOpen=%d open=%d%n", opened.get(), cut.get(),
                failed.get(), open.get());
    }

    /** One attacker connection, opened again whenever the server closes it, until the end of the run. */
    private void attack(boolean asksOnce) {
        while (System.nanoTime() < endNanos) {
            Socket socket = new Socket();
            try {
                if (bind != null) {
                    socket.bind(new InetSocketAddress(bind, 0));
                }
                socket.connect(server, TIMEOUT_MS);
            } catch (IOException e) {
                failed.incrementAndGet();
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // never connected
                }
                pause();
                continue;
            }
            opened.incrementAndGet();
            open.incrementAndGet();
            try {
                boolean cutByServer = trickle ? trickle(socket) : idle(socket, asksOnce);
                if (cutByServer) {
                    cut.incrementAndGet();
                }
            } finally {
                open.decrementAndGet();
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // gone either way
                }
            }
            pause();
        }
    }

    /** @return whether the server ended the connection (rather than the run) */
    private boolean idle(Socket socket, boolean asksOnce) {
        try {
            InputStream in = socket.getInputStream();
            if (asksOnce) {
                OutputStream out = socket.getOutputStream();
                out.write(("GET /plaintext HTTP/1.1\r\nHost: " + server.getHostString() + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                WebSocketWire.readHead(in);
                in.readNBytes("Hello, World!".length());
            }
            // Wait for the server to close it, or the end of the run.
            while (System.nanoTime() < endNanos) {
                socket.setSoTimeout((int) Math.max(1, Math.min(1000, (endNanos - System.nanoTime()) / 1_000_000)));
                try {
                    if (in.read() < 0) {
                        return true;
                    }
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // go on holding it
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** @return whether the server ended the connection (rather than the run) */
    private boolean trickle(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: " + server.getHostString()
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] tenBytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
            while (System.nanoTime() < endNanos) {
                if (in.available() > 0) {
                    return true; // the server answered (408, 413…) before the body was done: cut
                }
                out.write(tenBytes);
                Thread.sleep(1000);
            }
            return false;
        } catch (IOException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(REOPEN_PAUSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
