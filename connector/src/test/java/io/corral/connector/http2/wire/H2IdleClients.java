package io.corral.connector.http2.wire;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Idle h2c clients in a JVM of their own, so that a heap measured in the test's JVM holds the server's side only:
 * opens {@code count} HTTP/2 connections by prior knowledge to {@code 127.0.0.1:port}, completes the SETTINGS
 * exchange and one {@code GET /x} on each, prints {@code ready}, and keeps them open until its standard input ends.
 * Arguments: {@code port count}.
 */
public final class H2IdleClients {

    private H2IdleClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        List<H2Client> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            H2Client client = new H2Client(port);
            client.handshake();
            client.request(1, H2Client.get("/x"), true);
            int status = client.response(1).status();
            if (status != 200) {
                throw new IllegalStateException("connection " + i + ": status " + status);
            }
            clients.add(client);
        }
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until the test closes our input
        for (H2Client client : clients) {
            client.close();
        }
    }
}
