package io.corral.connector.proxy;

import java.io.IOException;

/**
 * Why a connection was refused for its PROXY protocol header; the connection is closed. Every refusal is counted by
 * its {@link #failure()} ({@link ProxyHeaderFailures}).
 */
public final class ProxyHeaderException extends IOException {

    /** The kinds of refusal, as counted and reported by JMX. */
    public enum Failure {
        /** The connection began with something other than a PROXY header, and the header is required. */
        MISSING,
        /** A header that breaks the specification (syntax, version, command, family, vectors, checksum). */
        MALFORMED,
        /** Longer than allowed: version 1 past 107 bytes, version 2 past the configured limit. */
        TOO_LARGE,
        /** The header had not arrived whole when its deadline passed. */
        TIMEOUT,
        /** The peer closed the connection before its header was complete (a bare TCP health check does this). */
        CLOSED
    }

    private final Failure failure;

    public ProxyHeaderException(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    public ProxyHeaderException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
