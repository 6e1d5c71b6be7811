package io.corral.connector.http1;

import io.corral.connector.stream.RequestTargetForm;

/**
 * Tells which of the four request-target forms (RFC 9112 §3.2) a target is, and refuses a form that
 * does not go with the method: authority-form is for CONNECT only (§3.2.3), asterisk-form for OPTIONS
 * only (§3.2.4), and CONNECT takes nothing else. The bytes are already known to be VCHARs.
 */
final class TargetForms {

    private TargetForms() {}

    static RequestTargetForm classify(byte[] bytes, int offset, int length, String method)
            throws HttpParseException {
        boolean connect = KnownTokens.CONNECT.equals(method);
        byte first = bytes[offset];
        if (connect) {
            if (isAuthority(bytes, offset, length)) {
                return RequestTargetForm.AUTHORITY;
            }
            throw badRequest("CONNECT needs an authority-form target (host:port)");
        }
        if (first == '/') {
            return RequestTargetForm.ORIGIN;
        }
        if (first == '*' && length == 1) {
            if (KnownTokens.OPTIONS.equals(method)) {
                return RequestTargetForm.ASTERISK;
            }
            throw badRequest("asterisk-form target is only allowed with OPTIONS");
        }
        if (isAuthority(bytes, offset, length)) {
            throw badRequest("authority-form target is only allowed with CONNECT");
        }
        if (isAbsolute(bytes, offset, length)) {
            return RequestTargetForm.ABSOLUTE;
        }
        throw badRequest("request-target is neither origin-form (/path) nor absolute-form (scheme:...)");
    }

    /**
     * {@code scheme ":" rest} with a non-empty rest. Checked after {@link #isAuthority}, because
     * {@code localhost:8080} fits both grammars and is meant as an authority.
     */
    private static boolean isAbsolute(byte[] bytes, int offset, int length) {
        if (!CharClass.isAlpha(bytes[offset])) {
            return false;
        }
        int end = offset + length;
        for (int i = offset + 1; i < end; i++) {
            int c = bytes[i] & 0xFF;
            if (c == ':') {
                return i + 1 < end;
            }
            if (!CharClass.isSchemeChar(c)) {
                return false;
            }
        }
        return false;
    }

    /** {@code uri-host ":" port} (RFC 9112 §3.2.3) with a non-empty host and at least one port digit. */
    private static boolean isAuthority(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int colon = -1;
        for (int i = end - 1; i >= offset; i--) {
            int c = bytes[i];
            if (c == ':') {
                colon = i;
                break;
            }
            if (!CharClass.isDigit(c)) {
                return false;
            }
        }
        if (colon <= offset || colon == end - 1) {
            return false;
        }
        if (bytes[offset] == '[') {
            // IP-literal: everything up to the ']' that must close it right before the port's colon.
            return colon - offset >= 3 && bytes[colon - 1] == ']' && hasNoneOf(bytes, offset + 1, colon - 1, "/?#@[]");
        }
        return hasNoneOf(bytes, offset, colon, "/?#@[]:");
    }

    private static boolean hasNoneOf(byte[] bytes, int from, int to, String excluded) {
        for (int i = from; i < to; i++) {
            if (excluded.indexOf(bytes[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static HttpParseException badRequest(String message) {
        return new HttpParseException(400, message + " (line 1)");
    }
}
