package io.corral.connector.http1;

/** The standard reason phrases of RFC 9110 §15, for status lines a handler did not word itself. */
final class ReasonPhrase {

    private static final String[] PHRASES = new String[600];

    static {
        PHRASES[100] = "Continue";
        PHRASES[101] = "Switching Protocols";
        PHRASES[102] = "Processing";
        PHRASES[103] = "Early Hints";
        PHRASES[200] = "OK";
        PHRASES[201] = "Created";
        PHRASES[202] = "Accepted";
        PHRASES[203] = "Non-Authoritative Information";
        PHRASES[204] = "No Content";
        PHRASES[205] = "Reset Content";
        PHRASES[206] = "Partial Content";
        PHRASES[207] = "Multi-Status";
        PHRASES[300] = "Multiple Choices";
        PHRASES[301] = "Moved Permanently";
        PHRASES[302] = "Found";
        PHRASES[303] = "See Other";
        PHRASES[304] = "Not Modified";
        PHRASES[307] = "Temporary Redirect";
        PHRASES[308] = "Permanent Redirect";
        PHRASES[400] = "Bad Request";
        PHRASES[401] = "Unauthorized";
        PHRASES[402] = "Payment Required";
        PHRASES[403] = "Forbidden";
        PHRASES[404] = "Not Found";
        PHRASES[405] = "Method Not Allowed";
        PHRASES[406] = "Not Acceptable";
        PHRASES[407] = "Proxy Authentication Required";
        PHRASES[408] = "Request Timeout";
        PHRASES[409] = "Conflict";
        PHRASES[410] = "Gone";
        PHRASES[411] = "Length Required";
        PHRASES[412] = "Precondition Failed";
        PHRASES[413] = "Content Too Large";
        PHRASES[414] = "URI Too Long";
        PHRASES[415] = "Unsupported Media Type";
        PHRASES[416] = "Range Not Satisfiable";
        PHRASES[417] = "Expectation Failed";
        PHRASES[421] = "Misdirected Request";
        PHRASES[422] = "Unprocessable Content";
        PHRASES[426] = "Upgrade Required";
        PHRASES[428] = "Precondition Required";
        PHRASES[429] = "Too Many Requests";
        PHRASES[431] = "Request Header Fields Too Large";
        PHRASES[500] = "Internal Server Error";
        PHRASES[501] = "Not Implemented";
        PHRASES[502] = "Bad Gateway";
        PHRASES[503] = "Service Unavailable";
        PHRASES[504] = "Gateway Timeout";
        PHRASES[505] = "HTTP Version Not Supported";
    }

    private ReasonPhrase() {}

    static String of(int status) {
        String phrase = status >= 0 && status < PHRASES.length ? PHRASES[status] : null;
        return phrase != null ? phrase : "Unknown";
    }
}
