package io.corral.bench.sidebyside;

/** The servers a scenario compares: the one measured and the baseline it is divided by. */
enum ServerKind {
    /** The war-sample on Jetty through Corral's {@code CorralConnector}. */
    CORRAL("corral"),
    /** The war-sample on Jetty through Jetty's own {@code ServerConnector}. */
    JETTY("jetty"),
    /** Corral's engine alone, native API, no Jetty ({@link NativePlaintextServer}). */
    RAW("corral-raw"),
    /** Debian's nginx returning a fixed body ({@code bench/nginx.conf}). */
    NGINX("nginx"),
    /** The war-sample on {@code CorralConnector} with {@code HTTP2CServerConnectionFactory} beside HTTP/1.1. */
    CORRAL_H2C("corral-h2c"),
    /** Corral's engine alone serving h2c by prior knowledge and HTTP/1.1 on one port ({@link NativePlaintextServer}). */
    RAW_H2C("corral-raw-h2c"),
    /** The war-sample on Jetty's {@code ServerConnector} with {@code HTTP2CServerConnectionFactory} beside HTTP/1.1. */
    JETTY_H2C("jetty-h2c");

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
