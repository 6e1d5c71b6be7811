package io.corral.connector.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Shared String instances for the methods and header field names nearly every request carries, so that
 * parsing {@code GET} or {@code Content-Length} allocates nothing. A name is reused only when its bytes
 * match exactly, because a field keeps the spelling it arrived with; anything else gets a new String.
 */
final class KnownTokens {

    static final String GET = "GET";
    static final String CONNECT = "CONNECT";
    static final String OPTIONS = "OPTIONS";

    private static final Table METHODS = new Table(GET, "HEAD", "POST", "PUT", "DELETE", CONNECT, OPTIONS,
            "TRACE", "PATCH");

    // Both spellings: browsers and curl send the canonical one, HTTP/2 gateways and some clients lower case.
    private static final Table FIELD_NAMES = new Table(withLowerCase(
            "Host", "Connection", "Content-Length", "Content-Type", "Transfer-Encoding", "Expect", "Upgrade",
            "User-Agent", "Accept", "Accept-Encoding", "Accept-Language", "Accept-Charset", "Cookie",
            "Authorization", "Cache-Control", "Pragma", "Referer", "Origin", "If-Modified-Since",
            "If-None-Match", "If-Match", "Range", "Keep-Alive", "TE", "Trailer", "Via", "Forwarded",
            "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP", "X-Request-ID",
            "Date", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
            "Sec-WebSocket-Protocol", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest",
            "Upgrade-Insecure-Requests", "DNT", "Priority"));

    private KnownTokens() {}

    static String method(byte[] bytes, int offset, int length) {
        return METHODS.lookup(bytes, offset, length);
    }

    static String fieldName(byte[] bytes, int offset, int length) {
        return FIELD_NAMES.lookup(bytes, offset, length);
    }

    private static String[] withLowerCase(String... names) {
        List<String> all = new ArrayList<>(names.length * 2);
        for (String name : names) {
            all.add(name);
            String lower = name.toLowerCase(java.util.Locale.ROOT).intern();   // the same instance as a "content-type" literal
            if (!lower.equals(name)) {
                all.add(lower);
            }
        }
        return all.toArray(String[]::new);
    }

    /** Known strings grouped by length, so a lookup compares against a handful of candidates at most. */
    private static final class Table {
        private final byte[][][] bytesByLength;
        private final String[][] stringsByLength;

        Table(String... known) {
            int longest = 0;
            for (String s : known) longest = Math.max(longest, s.length());
            bytesByLength = new byte[longest + 1][][];
            stringsByLength = new String[longest + 1][];
            for (String s : known) {
                int n = s.length();
                String[] strings = stringsByLength[n] == null ? new String[0] : stringsByLength[n];
                strings = Arrays.copyOf(strings, strings.length + 1);
                strings[strings.length - 1] = s;
                stringsByLength[n] = strings;
                byte[][] bytes = bytesByLength[n] == null ? new byte[0][] : bytesByLength[n];
                bytes = Arrays.copyOf(bytes, bytes.length + 1);
                bytes[bytes.length - 1] = s.getBytes(ISO_8859_1);
                bytesByLength[n] = bytes;
            }
        }

        String lookup(byte[] source, int offset, int length) {
            if (length < bytesByLength.length) {
                byte[][] candidates = bytesByLength[length];
                if (candidates != null) {
                    for (int i = 0; i < candidates.length; i++) {
                        byte[] candidate = candidates[i];
                        if (candidate[0] == source[offset]
                                && Arrays.equals(candidate, 0, length, source, offset, offset + length)) {
                            return stringsByLength[length][i];
                        }
                    }
                }
            }
            return new String(source, offset, length, ISO_8859_1);
        }
    }
}
