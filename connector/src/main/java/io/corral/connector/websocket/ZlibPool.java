package io.corral.connector.websocket;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Raw-deflate compressors and decompressors shared by every connection that needs one for the length of
 * a message only — those that agreed on no context takeover in that direction. Each holds a few hundred
 * KB of native zlib memory and is costly to set up, so rather than making and ending one per message, a
 * connection borrows one, and gives it back reset. Bounded: past the bound, returned ones are ended.
 */
final class ZlibPool {

    private static final int BOUND = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    private static final ArrayBlockingQueue<Deflater> DEFLATERS = new ArrayBlockingQueue<>(BOUND);
    private static final ArrayBlockingQueue<Inflater> INFLATERS = new ArrayBlockingQueue<>(BOUND);

    private ZlibPool() {}

    /** A fresh-state raw deflater at the default level. */
    static Deflater deflater() {
        Deflater deflater = DEFLATERS.poll();
        return deflater != null ? deflater : new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }

    static void giveBack(Deflater deflater) {
        deflater.reset();
        if (!DEFLATERS.offer(deflater)) {
            deflater.end();
        }
    }

    /** A fresh-state raw inflater. */
    static Inflater inflater() {
        Inflater inflater = INFLATERS.poll();
        return inflater != null ? inflater : new Inflater(true);
    }

    static void giveBack(Inflater inflater) {
        inflater.reset();
        if (!INFLATERS.offer(inflater)) {
            inflater.end();
        }
    }
}
