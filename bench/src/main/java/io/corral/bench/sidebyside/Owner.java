package io.corral.bench.sidebyside;

/**
 * Who keeps an idle connection's bytes alive, by the class of the objects: the breakdown the targets ask
 * for (Corral's own, Jetty's session objects, the JDK's thread stacks, buffers).
 */
enum Owner {
    CORRAL("Corral (io.corral.*, not the war-sample)"),
    JETTY("Jetty & Jakarta (org.eclipse.jetty.*, jakarta.*)"),
    THREADS("thread stacks & threads (jdk.internal.vm.*, java.lang.*Thread*)"),
    BUFFERS("buffers (byte[], java.nio.*Buffer)"),
    OTHER("rest (the application, JDK collections, strings, locks…)");

    private final String label;

    Owner(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The short name used in charts. */
    String shortName() {
        return switch (this) {
            case CORRAL -> "Corral";
            case JETTY -> "Jetty";
            case THREADS -> "thread stacks";
            case BUFFERS -> "buffers";
            case OTHER -> "rest";
        };
    }

    static Owner of(String className) {
        if (className.startsWith("io.corral.sample.")) {
            return OTHER; // the war-sample's endpoints: the application's, on either connector
        }
        if (className.startsWith("io.corral.")) {
            return CORRAL;
        }
        if (className.startsWith("org.eclipse.jetty.") || className.startsWith("jakarta.")) {
            return JETTY;
        }
        if (className.startsWith("jdk.internal.vm.") || className.startsWith("java.lang.VirtualThread")
                || className.startsWith("java.lang.Thread") || className.startsWith("java.lang.BaseVirtualThread")) {
            return THREADS;
        }
        if (className.equals("[B") || className.equals("byte[]")
                || (className.startsWith("java.nio.") && className.endsWith("Buffer"))) {
            return BUFFERS;
        }
        return OTHER;
    }
}
