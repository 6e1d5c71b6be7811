package io.corral.jetty;

/**
 * The first thing {@code jetty-corral.xml} runs: on a Java older than Corral needs, it says so in one line
 * and ends the JVM, rather than letting the first Corral class fail to load with a class-version stack
 * trace. Compiled for Java 17, the oldest Java that runs Jetty 12's {@code start.jar}, so it loads where
 * the rest of Corral cannot.
 */
public final class JavaVersionCheck {

    private JavaVersionCheck() {
    }

    /** Ends the JVM with status 1 and one line on stderr when this Java is older than {@code feature}. */
    public static void require(int feature) {
        Runtime.Version running = Runtime.version();
        if (running.feature() < feature) {
            System.err.println("Corral needs Java " + feature + " or newer, but this Jetty runs on Java " + running
                    + " (" + System.getProperty("java.home") + "): run start.jar with a Java " + feature + "+ java.");
            System.exit(1);
        }
    }
}
