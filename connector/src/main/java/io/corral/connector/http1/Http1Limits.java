package io.corral.connector.http1;

/**
 * Size limits the HTTP/1.1 parser enforces. Defaults match Jetty's {@code HttpConfiguration} where it
 * has one, so that swapping connectors changes nothing for a well-behaved client.
 *
 * @param maxRequestTargetLength longest request-target accepted; longer gets 414. Default 8192.
 * @param maxHeaderSectionSize   largest request line plus header section, in bytes; larger gets 431
 *                               (or 414 when it is the target that is too long). Default 8192.
 * @param maxHeaderCount         most header fields in a head or in trailers; more gets 431. Default 100.
 * @param maxBodySize            largest request body in bytes; larger gets 413 (before any body byte is
 *                               read when Content-Length says so). -1 means no limit. Default -1, as Jetty.
 */
public record Http1Limits(int maxRequestTargetLength, int maxHeaderSectionSize, int maxHeaderCount, long maxBodySize) {

    public static final Http1Limits DEFAULTS = new Http1Limits(8192, 8192, 100, -1);

    public Http1Limits {
        if (maxRequestTargetLength < 1 || maxHeaderSectionSize < 16 || maxHeaderCount < 1 || maxBodySize < -1) {
            throw new IllegalArgumentException("limits out of range: " + maxRequestTargetLength + ", "
                    + maxHeaderSectionSize + ", " + maxHeaderCount + ", " + maxBodySize);
        }
    }

    public Http1Limits withMaxRequestTargetLength(int value) {
        return new Http1Limits(value, maxHeaderSectionSize, maxHeaderCount, maxBodySize);
    }

    public Http1Limits withMaxHeaderSectionSize(int value) {
        return new Http1Limits(maxRequestTargetLength, value, maxHeaderCount, maxBodySize);
    }

    public Http1Limits withMaxHeaderCount(int value) {
        return new Http1Limits(maxRequestTargetLength, maxHeaderSectionSize, value, maxBodySize);
    }

    public Http1Limits withMaxBodySize(long value) {
        return new Http1Limits(maxRequestTargetLength, maxHeaderSectionSize, maxHeaderCount, value);
    }

    boolean bodyExceedsLimit(long size) {
        return maxBodySize >= 0 && size > maxBodySize;
    }
}
