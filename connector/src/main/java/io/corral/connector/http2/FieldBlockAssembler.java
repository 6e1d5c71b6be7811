package io.corral.connector.http2;

import static io.corral.connector.http2.Http2ErrorCode.ENHANCE_YOUR_CALM;

import java.io.ByteArrayOutputStream;

/**
 * Joins a HEADERS (or PUSH_PROMISE) fragment and its CONTINUATION frames into one field block for the HPACK
 * decoder, and bounds what a peer can make the connection hold or loop over while a block is open — the
 * CONTINUATION flood of CVE-2024-27316 and its family: the block may grow to {@code maxBlockSize} octets and take
 * at most {@code maxContinuations} CONTINUATION frames (empty ones included, which cost work but no octets).
 * Past either, the connection fails with ENHANCE_YOUR_CALM: the block cannot be decoded without being held
 * whole, and a block not decoded leaves the HPACK state unknown (RFC 9113 §10.5.1: "The field block MUST be
 * processed to ensure a consistent connection state, unless the connection is closed.").
 *
 * <p>The frame parser already enforces the sequence (§4.3); this class only gathers. One per connection.
 */
public final class FieldBlockAssembler {

    private final int maxBlockSize;
    private final int maxContinuations;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private int continuations;
    private boolean open;

    /**
     * @param maxBlockSize     the largest encoded field block held; beyond it no list could stay under a decoded
     *                         limit of about the same size, as every field costs at least 32 in that count
     * @param maxContinuations the most CONTINUATION frames one block may take
     */
    public FieldBlockAssembler(int maxBlockSize, int maxContinuations) {
        this.maxBlockSize = maxBlockSize;
        this.maxContinuations = maxContinuations;
    }

    /**
     * The first fragment, from HEADERS or PUSH_PROMISE.
     *
     * @return the whole block when the first frame ended it, else null (CONTINUATION frames follow)
     */
    public byte[] start(byte[] fragment, boolean endHeaders) throws Http2Exception {
        if (open) {
            throw new IllegalStateException("a field block is already open");
        }
        if (endHeaders) {
            checkSize(fragment.length);
            return fragment;
        }
        open = true;
        continuations = 0;
        pending.reset();
        append(fragment);
        return null;
    }

    /** A CONTINUATION fragment: the whole block when it ends the block, else null. */
    public byte[] continueWith(byte[] fragment, boolean endHeaders) throws Http2Exception {
        if (!open) {
            throw new IllegalStateException("no field block is open");
        }
        if (++continuations > maxContinuations) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "too many CONTINUATION frames");
        }
        append(fragment);
        if (!endHeaders) {
            return null;
        }
        open = false;
        byte[] block = pending.toByteArray();
        pending.reset();
        return block;
    }

    /** Whether a block is waiting for CONTINUATION frames. */
    public boolean isOpen() {
        return open;
    }

    private void append(byte[] fragment) throws Http2Exception {
        checkSize(pending.size() + (long) fragment.length);
        pending.writeBytes(fragment);
    }

    private void checkSize(long size) throws Http2Exception {
        if (size > maxBlockSize) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "field block too large");
        }
    }
}
