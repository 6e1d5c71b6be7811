package io.corral.bench.sidebyside;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of the targets table (issue 16, DESIGN §6): what is measured, against what, and the target.
 * Scenario names are what {@code --scenarios} selects: a name selects itself and every scenario whose
 * name starts with it and a dash ({@code ws-echo} selects {@code ws-echo-32} and {@code ws-echo-16k});
 * {@code http}, {@code ws}, {@code idle}, {@code raw} and {@code h2} select their groups.
 */
sealed interface Scenario {

    String name();

    /** The scenario as the report's tables name it. */
    String title();

    /** The target, as the report states it. */
    String target();

    /**
     * A load scenario, compared per server CPU-second.
     *
     * @param streams concurrent streams per connection (h2load's {@code -m}) for the HTTP/2 loads; 1 for the others
     */
    record Throughput(String name, String title, Load load, int connections, ServerKind measured,
                      ServerKind baseline, double minRatio, boolean p99NoWorse, String unit, int streams)
            implements Scenario {

        /** One stream per connection: every load but HTTP/2's. */
        Throughput(String name, String title, Load load, int connections, ServerKind measured, ServerKind baseline,
                   double minRatio, boolean p99NoWorse, String unit) {
            this(name, title, load, connections, measured, baseline, minRatio, p99NoWorse, unit, 1);
        }

        @Override
        public String target() {
            return String.format(Locale.ROOT, "≥ %.2f× %s per server CPU-second%s", minRatio, unit,
                    p99NoWorse ? ", p99 no worse" : "");
        }
    }

    /** Memory per idle connection on the path users run (Jetty + the war-sample), both connectors. */
    record Idle(String name, String title, IdleKind kind, int connections, String target) implements Scenario {}

    /** Memory per idle WebSocket on the native engine alone (io.corral.bench.IdleWebSocketMemory). */
    record NativeIdle(String name, String title, int connections, String target) implements Scenario {}

    /** What a throughput scenario's clients do. */
    enum Load { HTTP_PLAINTEXT, HTTP_ECHO_4K, HTTP_CLOSE, WS_ECHO_32, WS_ECHO_16K, WS_HANDSHAKE, H2_PLAINTEXT, H2_ECHO_4K }

    /** What an idle connection is. */
    enum IdleKind {
        /** HTTP/1.1 keep-alive after one {@code GET /plaintext}. */
        HTTP,
        /** A WebSocket on the Jakarta {@code /ws/echo} endpoint that echoed one text message. */
        WEBSOCKET,
        /** The same, with permessage-deflate offered as a browser offers it. */
        WEBSOCKET_DEFLATE
    }

    /** Every scenario, in report order. {@code connectionsScale} shrinks the idle ones for the quick mode. */
    static List<Scenario> all(boolean quick) {
        List<Scenario> all = new ArrayList<>();
        all.add(http("plaintext-16", "plaintext keep-alive, 16 connections", Load.HTTP_PLAINTEXT, 16, 1.25, true));
        all.add(http("plaintext-256", "plaintext keep-alive, 256 connections", Load.HTTP_PLAINTEXT, 256, 1.25, true));
        all.add(http("echo-16", "POST echo 4 KiB, 16 connections", Load.HTTP_ECHO_4K, 16, 1.2, true));
        all.add(http("echo-256", "POST echo 4 KiB, 256 connections", Load.HTTP_ECHO_4K, 256, 1.2, true));
        all.add(http("close-16", "`Connection: close` churn, 16 connections", Load.HTTP_CLOSE, 16, 1.5, false));
        all.add(new Throughput("ws-echo-32", "WebSocket echo 32 B, 100 connections (Jakarta)", Load.WS_ECHO_32, 100,
                ServerKind.CORRAL, ServerKind.JETTY, 1.5, true, "messages"));
        all.add(new Throughput("ws-echo-16k", "WebSocket echo 16 KiB, 100 connections (Jakarta)", Load.WS_ECHO_16K, 100,
                ServerKind.CORRAL, ServerKind.JETTY, 1.5, true, "messages"));
        for (int inFlight : new int[] {8, 32, 128}) {
            all.add(new Throughput("ws-handshake-" + inFlight, "WebSocket handshakes, " + inFlight + " in flight",
                    Load.WS_HANDSHAKE, inFlight, ServerKind.CORRAL, ServerKind.JETTY, 2.0, true, "handshakes"));
        }
        int scale = quick ? 10 : 1;
        all.add(new Idle("idle-http", "idle HTTP keep-alive, " + 10_000 / scale + " connections", IdleKind.HTTP,
                10_000 / scale, "heap ≤ 1/3 of Jetty's, RSS (heap + native) ≤ 1/2, Corral's own ≤ 1.5 KB, zero failures"));
        all.add(new Idle("idle-ws-10k", "idle WebSocket (Jakarta), " + 10_000 / scale + " connections",
                IdleKind.WEBSOCKET, 10_000 / scale, "heap ≤ 0.85× Jetty's (aim 0.8×), Corral's own ≤ 1.5 KB, zero failures"));
        all.add(new Idle("idle-ws-19k", "idle WebSocket (Jakarta), " + 19_000 / scale + " connections",
                IdleKind.WEBSOCKET, 19_000 / scale, "heap ≤ 0.85× Jetty's (aim 0.8×), Corral's own ≤ 1.5 KB, zero failures"));
        all.add(new Idle("idle-deflate", "idle WebSocket with permessage-deflate, " + 10_000 / scale + " connections",
                IdleKind.WEBSOCKET_DEFLATE, 10_000 / scale, "heap and native memory reported, Jetty beside it"));
        all.add(new NativeIdle("idle-native", "idle WebSocket, native engine, " + 10_000 / scale + " connections",
                10_000 / scale, "≤ 2 KB per connection (Cowboy: 6.6 KB)"));
        all.add(new Throughput("raw-nginx-16", "raw engine plaintext vs nginx, 16 connections", Load.HTTP_PLAINTEXT, 16,
                ServerKind.RAW, ServerKind.NGINX, 0.6, false, "requests"));
        all.add(new Throughput("raw-nginx-256", "raw engine plaintext vs nginx, 256 connections", Load.HTTP_PLAINTEXT, 256,
                ServerKind.RAW, ServerKind.NGINX, 0.6, false, "requests"));
        all.addAll(http2());
        return all;
    }

    /**
     * h2load over h2c by prior knowledge (issue 10), against the war-sample on Jetty's {@code ServerConnector} with
     * {@code HTTP2CServerConnectionFactory}: the path users run ({@code h2-…}: the same WAR on {@code CorralConnector}
     * with the same factory) and the native engine ({@code h2-raw-…}: {@code CleartextProtocol} with a native handler).
     * Every server allows 256 concurrent streams.
     */
    private static List<Throughput> http2() {
        List<Throughput> http2 = new ArrayList<>();
        for (ServerKind measured : List.of(ServerKind.CORRAL_H2C, ServerKind.RAW_H2C)) {
            String prefix = measured == ServerKind.RAW_H2C ? "h2-raw-" : "h2-";
            String who = measured == ServerKind.RAW_H2C ? "raw engine" : "CorralConnector";
            for (int connections : new int[] {1, 4}) {
                for (int streams : new int[] {16, 256}) {
                    http2.add(new Throughput(prefix + "plaintext-" + connections + "x" + streams, "h2c plaintext, "
                            + connections + (connections == 1 ? " connection" : " connections") + " × " + streams
                            + " streams (" + who + " vs ServerConnector)", Load.H2_PLAINTEXT, connections, measured,
                            ServerKind.JETTY_H2C, 1.25, false, "requests", streams));
                }
            }
            http2.add(new Throughput(prefix + "echo-4x16", "h2c POST echo 4 KiB, 4 connections × 16 streams (" + who
                    + " vs ServerConnector)", Load.H2_ECHO_4K, 4, measured, ServerKind.JETTY_H2C, 1.25, false,
                    "requests", 16));
        }
        return http2;
    }

    private static Throughput http(String name, String title, Load load, int connections, double minRatio, boolean p99) {
        return new Throughput(name, title, load, connections, ServerKind.CORRAL, ServerKind.JETTY, minRatio, p99, "requests");
    }

    /** The scenarios {@code selectors} name (see the interface comment); all of them for an empty list. */
    static List<Scenario> select(List<Scenario> all, List<String> selectors) {
        if (selectors.isEmpty()) {
            return all;
        }
        List<Scenario> selected = new ArrayList<>();
        for (Scenario scenario : all) {
            for (String selector : selectors) {
                if (matches(scenario, selector.trim())) {
                    selected.add(scenario);
                    break;
                }
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("no scenario matches " + selectors + "; known: "
                    + all.stream().map(Scenario::name).toList());
        }
        return selected;
    }

    private static boolean matches(Scenario scenario, String selector) {
        String name = scenario.name();
        return switch (selector) {
            case "all" -> true;
            case "http" -> name.startsWith("plaintext-") || name.startsWith("echo-") || name.startsWith("close-");
            default -> name.equals(selector) || name.startsWith(selector + "-");
        };
    }
}
