package io.corral.connector.http1;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header line shared by every response (RFC 9110 §6.6.1), formatted at most once a
 * second like Cowboy's cached date: formatting an HTTP date on every request is measurable work.
 */
public final class DateHeader {

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private record Cached(long epochSecond, String value, byte[] line) {}

    private static volatile Cached cached = format(System.currentTimeMillis() / 1000);

    private DateHeader() {}

    /** {@code Date: <IMF-fixdate>\r\n} for the current second. */
    static byte[] line() {
        return current().line;
    }

    /** The {@code <IMF-fixdate>} for the current second. */
    public static String value() {
        return current().value;
    }

    private static Cached current() {
        long now = System.currentTimeMillis() / 1000;
        Cached current = cached;
        if (current.epochSecond != now) {
            // Racing threads may both format; each result is correct, so no lock is needed.
            current = format(now);
            cached = current;
        }
        return current;
    }

    private static Cached format(long epochSecond) {
        String date = IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
        // RFC_1123_DATE_TIME drops the leading zero of the day; IMF-fixdate requires two digits.
        if (date.charAt(6) == ' ') {
            date = date.substring(0, 5) + '0' + date.substring(5);
        }
        return new Cached(epochSecond, date, ("Date: " + date + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
