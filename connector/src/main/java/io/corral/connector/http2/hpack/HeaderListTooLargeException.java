package io.corral.connector.http2.hpack;

/**
 * A field block decoded to a list over the decoder's limits (its size as RFC 9113 §6.5.2 counts it, or one
 * string over the longest allowed). Unlike an {@link HpackException} the whole block was still processed, so
 * the dynamic table matches the peer's and the connection can go on: only the one stream is refused
 * (RFC 9113 §10.5.1, a 431 or a stream reset). No field of such a block was kept, which is what bounds an
 * HPACK bomb: a few bytes that name a large table entry again and again never become memory.
 */
public final class HeaderListTooLargeException extends Exception {

    private final long size;
    private final int longestString;

    /**
     * @param size          the decoded size of the list as far as it was counted
     * @param longestString the length of the longest string skipped for being over the longest allowed, or 0
     */
    public HeaderListTooLargeException(long size, int longestString) {
        super(longestString > 0 ? "header field too long" : "header list too large", null);
        this.size = size;
        this.longestString = longestString;
    }

    /**
     * The decoded size of the list as far as it was counted: over the list limit, unless the cause was a string
     * over the longest allowed (then {@link #longestString()} is not 0).
     */
    public long size() {
        return size;
    }

    /** The encoded or decoded length of the longest string refused for its length; 0 if none was. */
    public int longestString() {
        return longestString;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
