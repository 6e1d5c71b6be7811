package io.corral.bench.sidebyside;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Idle connections held open from a JVM of their own, so that none of the clients' objects lands in the
 * heap being measured and no process needs more file descriptors than this machine allows one process
 * (about 19,900): the idle-capacity scenarios start several, each bound to its own source address.
 * A connection is either a WebSocket (the RFC 6455 handshake, optionally offering permessage-deflate as a
 * browser does, optionally one short text message echoed) or an HTTP/1.1 keep-alive connection that has
 * had one {@code GET /plaintext} answered; then it sends nothing more.
 *
 * <p>Commands come one per line on standard input: {@code open <count> <sendOneMessage>} answers
 * {@code opened <total>} or {@code failed <n> of <count>: <first reason>}; {@code echo} has every open
 * connection exchange one more message (a WebSocket echo, or another {@code GET /plaintext}) and answers
 * {@code echoed <total>} or {@code failed <n> of <total>: <first reason>}; {@code close} closes every
 * connection and answers {@code closed}; {@code exit} or the end of input closes them and ends.
 *
 * <p>Arguments: {@code <host> <port> <offerDeflate> [kind=ws|http] [path=/idle] [bind=<source address>]}.
 */
public final class IdleClients {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PLAINTEXT_BODY = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DEFLATE_TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final int TIMEOUT_MS = 30_000;

    private final InetSocketAddress server;
    private final boolean offerDeflate;
    private final boolean http;
    private final String path;
    private final InetAddress bind;
    private final List<Connection> connections = new ArrayList<>();

    /** One idle connection; an inflater only when the server agreed to permessage-deflate. */
    private record Connection(Socket socket, InputStream in, OutputStream out, WebSocketWire wire, Inflater inflater) {}

    private IdleClients(InetSocketAddress server, boolean offerDeflate, boolean http, String path, InetAddress bind) {
        this.server = server;
        this.offerDeflate = offerDeflate;
        this.http = http;
        this.path = path;
        this.bind = bind;
    }

    public static void main(String[] args) throws IOException {
        String kind = "ws", path = "/idle";
        InetAddress bind = null;
        for (int i = 3; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("kind=")) {
                kind = arg.substring(5);
            } else if (arg.startsWith("path=")) {
                path = arg.substring(5);
            } else if (arg.startsWith("bind=")) {
                bind = InetAddress.getByName(arg.substring(5));
            } else {
                throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        IdleClients clients = new IdleClients(new InetSocketAddress(args[0], Integer.parseInt(args[1])),
                Boolean.parseBoolean(args[2]), kind.equals("http"), path, bind);
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        try {
            String command;
            while ((command = commands.readLine()) != null && !command.equals("exit")) {
                if (command.startsWith("open ")) {
                    int space = command.indexOf(' ', 5);
                    clients.open(Integer.parseInt(command.substring(5, space)),
                            Boolean.parseBoolean(command.substring(space + 1)));
                } else if (command.equals("echo")) {
                    clients.echoAll();
                } else if (command.equals("close")) {
                    clients.closeAll();
                    answer("closed");
                }
            }
        } finally {
            clients.closeAll();
        }
    }

    private static void answer(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private void open(int count, boolean sendOneMessage) {
        int failed = 0;
        String firstFailure = null;
        for (int i = 0; i < count; i++) {
            try {
                connections.add(connect(sendOneMessage));
            } catch (IOException | RuntimeException e) {
                failed++;
                firstFailure = firstFailure == null ? e.toString() : firstFailure;
            }
        }
        answer(failed == 0 ? "opened " + connections.size()
                : String.format(Locale.ROOT, "failed %d of %d: %s", failed, count, firstFailure));
    }

    private void echoAll() {
        int failed = 0;
        String firstFailure = null;
        for (Connection connection : connections) {
            try {
                exchange(connection);
            } catch (IOException | RuntimeException e) {
                failed++;
                firstFailure = firstFailure == null ? e.toString() : firstFailure;
            }
        }
        answer(failed == 0 ? "echoed " + connections.size()
                : String.format(Locale.ROOT, "failed %d of %d: %s", failed, connections.size(), firstFailure));
    }

    private Connection connect(boolean sendOneMessage) throws IOException {
        Socket socket = new Socket();
        try {
            if (bind != null) {
                socket.bind(new InetSocketAddress(bind, 0));
            }
            socket.connect(server, TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            // Small buffers: thousands of these live in one client JVM.
            InputStream in = new BufferedInputStream(socket.getInputStream(), 512);
            OutputStream out = socket.getOutputStream();
            Connection connection;
            if (http) {
                connection = new Connection(socket, in, out, null, null);
                exchange(connection);
            } else {
                String head = WebSocketWire.handshake(out, in, server, path,
                        offerDeflate ? "permessage-deflate; client_max_window_bits" : null);
                String extensions = WebSocketWire.headerValue(head, "sec-websocket-extensions");
                boolean deflate = extensions != null && extensions.contains("permessage-deflate");
                connection = new Connection(socket, in, out, new WebSocketWire(), deflate ? new Inflater(true) : null);
                if (sendOneMessage) {
                    exchange(connection);
                }
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void exchange(Connection connection) throws IOException {
        if (http) {
            getPlaintext(connection);
        } else {
            echoOnce(connection);
        }
    }

    /** One {@code GET /plaintext}, its whole response read, the connection kept open. */
    private void getPlaintext(Connection connection) throws IOException {
        connection.out().write(("GET /plaintext HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        connection.out().flush();
        String head = WebSocketWire.readHead(connection.in());
        String length = WebSocketWire.headerValue(head, "content-length");
        if (!head.startsWith("HTTP/1.1 200") || length == null || Integer.parseInt(length) != PLAINTEXT_BODY.length) {
            throw new IOException("unexpected response: " + head.lines().findFirst().orElse(""));
        }
        byte[] body = connection.in().readNBytes(PLAINTEXT_BODY.length);
        if (!Arrays.equals(body, PLAINTEXT_BODY)) {
            throw new IOException("unexpected body");
        }
    }

    /** One masked text message out, its echo back (inflated when the server compressed it). */
    private static void echoOnce(Connection connection) throws IOException {
        connection.wire().writeFrame(connection.out(), WebSocketWire.OP_TEXT, HELLO, 0, HELLO.length);
        byte[] payload = new byte[256];
        WebSocketWire.FrameHeader frame = WebSocketWire.readFrame(connection.in(), payload, 0);
        if (frame.opcode() != WebSocketWire.OP_TEXT || !frame.fin()) {
            throw new IOException("unexpected echo frame, opcode " + frame.opcode());
        }
        byte[] text = Arrays.copyOf(payload, frame.length());
        if (frame.rsv1()) {
            if (connection.inflater() == null) {
                throw new IOException("compressed echo without permessage-deflate");
            }
            text = inflate(connection.inflater(), text);
        }
        if (!Arrays.equals(text, HELLO)) {
            throw new IOException("unexpected echo: " + new String(text, StandardCharsets.UTF_8));
        }
    }

    private static byte[] inflate(Inflater inflater, byte[] compressed) throws IOException {
        byte[] input = Arrays.copyOf(compressed, compressed.length + DEFLATE_TAIL.length);
        System.arraycopy(DEFLATE_TAIL, 0, input, compressed.length, DEFLATE_TAIL.length);
        inflater.setInput(input);
        byte[] output = new byte[256];
        try {
            int n = inflater.inflate(output);
            return Arrays.copyOf(output, n);
        } catch (DataFormatException e) {
            throw new IOException("bad compressed echo", e);
        }
    }

    private void closeAll() {
        for (Connection connection : connections) {
            try {
                connection.socket().close();
            } catch (IOException ignored) {
                // the measurement is over either way
            }
            if (connection.inflater() != null) {
                connection.inflater().end();
            }
        }
        connections.clear();
    }
}
