package io.corral.connector.http1;

import io.corral.connector.stream.BodyFraming;
import io.corral.connector.stream.RequestHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of parsing request heads and decoding a chunked body: the per-request work of the parser. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Http1ParserBenchmark {

    /** What wrk sends for the plaintext benchmark. */
    private static final byte[] WRK_GET = ascii("GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");

    /** A browser-like head: a dozen headers, cookies, a long user agent. */
    private static final byte[] BROWSER_GET = ascii("GET /app/items?page=2&sort=name HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.9\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Referer: https://shop.example.com/app/items?page=1\r\n"
            + "Cookie: JSESSIONID=node01a2b3c4d5e6f7g8h9i0.node0; theme=dark; consent=yes\r\n"
            + "Connection: keep-alive\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Cache-Control: max-age=0\r\n\r\n");

    private static final byte[] CHUNKED_BODY = ascii("400\r\n" + "x".repeat(1024) + "\r\n400\r\n" + "y".repeat(1024)
            + "\r\n0\r\n\r\n");

    private Http1Parser parser;
    private ByteBuffer wrk;
    private ByteBuffer browser;
    private ByteBuffer chunked;

    @Setup
    public void setUp() {
        parser = new Http1Parser(Http1Limits.DEFAULTS);
        wrk = ByteBuffer.wrap(WRK_GET);
        browser = ByteBuffer.wrap(BROWSER_GET);
        chunked = ByteBuffer.wrap(CHUNKED_BODY);
    }

    @Benchmark
    public RequestHead parseWrkGet() throws HttpParseException {
        parser.reset();
        return parser.parseHead(wrk.clear());
    }

    @Benchmark
    public RequestHead parseBrowserGet() throws HttpParseException {
        parser.reset();
        return parser.parseHead(browser.clear());
    }

    @Benchmark
    public long decodeChunkedBody() throws HttpParseException {
        BodyDecoder decoder = BodyDecoder.of(BodyFraming.CHUNKED, Http1Limits.DEFAULTS);
        ByteBuffer input = chunked.clear();
        long total = 0;
        while (!decoder.isComplete()) {
            total += decoder.decode(input).remaining();
        }
        return total;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
