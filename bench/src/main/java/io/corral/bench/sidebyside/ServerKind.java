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
    NGINX("nginx");

    private final String label;

    ServerKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
