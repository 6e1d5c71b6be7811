package io.corral.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of {@link IdleWebSocketMemory}, run in its own JVM so that none of its objects lands in
 * the heap being measured. Opens raw WebSocket connections on command and leaves them idle: each does the
 * RFC 6455 handshake, optionally offering permessage-deflate and exchanging one short text message, then
 * sends nothing more. Commands come one per line on standard input: {@code open <count> <sendOneMessage>}
 * answers {@code opened <total>} (or {@code failed <reason>}) on standard output, {@code close} closes
 * every connection and answers {@code closed}, and {@code exit} or the end of input closes them and ends.
 *
 * <p>Arguments: {@code <host> <port> <offerDeflate>}.
 */
public final class IdleWebSocketClients {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress server;
    private final boolean offerDeflate;
    private final List<Socket> sockets = new ArrayList<>();

    private IdleWebSocketClients(InetSocketAddress server, boolean offerDeflate) {
        this.server = server;
        this.offerDeflate = offerDeflate;
    }

    public static void main(String[] args) throws IOException {
        IdleWebSocketClients clients = new IdleWebSocketClients(
                new InetSocketAddress(args[0], Integer.parseInt(args[1])), Boolean.parseBoolean(args[2]));
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
                    System.out.println("closed");
                    System.out.flush();
                }
            }
        } finally {
            clients.closeAll();
        }
    }

    private void open(int count, boolean sendOneMessage) {
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(connect(sendOneMessage));
            }
            System.out.println("opened " + sockets.size());
        } catch (IOException | RuntimeException e) {
            System.out.println("failed " + e);
        }
        System.out.flush();
    }

    private void echoAll() {
        try {
            for (Socket socket : sockets) {
                echoOnce(socket);
            }
            System.out.println("echoed " + sockets.size());
        } catch (IOException | RuntimeException e) {
            System.out.println("failed " + e);
        }
        System.out.flush();
    }

    private Socket connect(boolean sendOneMessage) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(server, 10_000);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            handshake(socket);
            if (sendOneMessage) {
                echoOnce(socket);
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void handshake(Socket socket) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET /idle HTTP/1.1\r\nHost: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + (offerDeflate ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
                + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String head = readHead(socket.getInputStream());
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no 101: " + head.lines().findFirst().orElse(""));
        }
    }

    /** Reads the response head byte by byte, so that nothing behind it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 8192) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside the response head");
            }
            head.append((char) b);
            int n = head.length();
            if (n >= 4 && head.charAt(n - 1) == '\n' && head.charAt(n - 2) == '\r'
                    && head.charAt(n - 3) == '\n' && head.charAt(n - 4) == '\r') {
                return head.toString();
            }
        }
        throw new IOException("response head over 8192 bytes");
    }

    /** One masked text frame out, its unmasked, uncompressed echo back (short messages are never compressed). */
    private static void echoOnce(Socket socket) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[6 + HELLO.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | HELLO.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < HELLO.length; i++) {
            frame[6 + i] = (byte) (HELLO[i] ^ mask[i & 3]);
        }
        OutputStream out = socket.getOutputStream();
        out.write(frame);
        byte[] echo = socket.getInputStream().readNBytes(2 + HELLO.length);
        if (echo.length != 2 + HELLO.length || echo[0] != (byte) 0x81 || echo[1] != HELLO.length
                || !Arrays.equals(echo, 2, echo.length, HELLO, 0, HELLO.length)) {
            throw new IOException("unexpected echo: " + Arrays.toString(echo));
        }
    }

    private void closeAll() {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // the benchmark is over either way
            }
        }
        sockets.clear();
    }
}
