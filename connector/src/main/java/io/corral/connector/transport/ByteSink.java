package io.corral.connector.transport;

import java.io.IOException;

/**
 * Somewhere bytes can be written, blocking until all are taken: a {@link TransportConnection}, or a
 * {@link StallGuard} in front of one. Frame and response writers take this, so that whatever guards a
 * connection's writes sits in one place and every writer goes through it.
 */
@FunctionalInterface
public interface ByteSink {

    /** Writes every byte given, blocking while the peer is slow to read. */
    void write(byte[] buffer, int offset, int length) throws IOException;
}
