package io.corral.jetty;

import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Idle h2c clients in a JVM of their own, so that a heap measured in the test's JVM holds the server's side only:
 * opens {@code count} connections with the JDK's client to {@code http://127.0.0.1:port/path} (h2c by Upgrade on the
 * first request), sends {@code streams} requests at once on each, prints {@code ready}, and keeps the connections open
 * until its standard input ends. Arguments: {@code port path count streams}.
 */
public final class H2cIdleClients {

    private H2cIdleClients() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + args[0] + args[1]);
        int count = Integer.parseInt(args[2]);
        int streams = Integer.parseInt(args[3]);
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpRequest request = HttpRequest.newBuilder(uri).build();
            check(client.send(request, HttpResponse.BodyHandlers.ofString()), i);
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                burst.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> response : burst) {
                check(response.join(), i);
            }
            clients.add(client);
        }
        System.out.println("ready");
        System.out.flush();
        System.in.transferTo(OutputStream.nullOutputStream()); // until the test closes our input
        for (HttpClient client : clients) {
            client.close();
        }
    }

    private static void check(HttpResponse<String> response, int connection) {
        if (response.statusCode() != 200 || response.version() != HttpClient.Version.HTTP_2) {
            throw new IllegalStateException("connection " + connection + ": " + response.statusCode() + " "
                    + response.version());
        }
    }
}
