package io.corral.connector.proxy;

import java.util.Locale;

/** Whether a listener expects a PROXY protocol header in front of each connection. */
public enum ProxyProtocolMode {
    /** No header is read; a connection that sends one has it taken as its own bytes (the default). */
    OFF,
    /**
     * Every connection must begin with a header (version 1 or 2); one that does not, or sends a malformed one, is
     * closed. The mode for a port only the proxy can reach.
     */
    REQUIRED,
    /**
     * A header is read when the connection begins with one, and the connection is served as it is when it does not.
     * Unsafe on a port clients can reach directly: any of them can send a header and claim any address. Meant for a
     * migration, while some proxies send headers and others do not yet, on a port firewalled to the proxies.
     */
    OPTIONAL;

    /** {@code off}, {@code required} or {@code optional}, in any case; also {@code true} (required) and {@code false}. */
    public static ProxyProtocolMode parse(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "off", "false", "" -> OFF;
            case "required", "true", "on" -> REQUIRED;
            case "optional" -> OPTIONAL;
            default -> throw new IllegalArgumentException(
                    "PROXY protocol mode must be off, required or optional, not '" + text + "'");
        };
    }
}
