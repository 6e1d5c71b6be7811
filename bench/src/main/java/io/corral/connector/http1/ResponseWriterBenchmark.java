package io.corral.connector.http1;

import io.corral.connector.buffer.ByteArrayPool;
import io.corral.connector.stream.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of serialising a response: status line, Date, headers and a small or chunked body. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponseWriterBenchmark {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KILOBYTES = new byte[4096];

    private final InMemoryConnection connection = new InMemoryConnection(new byte[0]);
    private final ResponseWriter writer = new ResponseWriter(connection, new ByteArrayPool(16384, 16), Duration.ZERO);
    private final HttpHeaders headers = new HttpHeaders().add("Content-Type", "text/plain").add("Content-Length", "13");
    /** What a servlet behind Jetty typically sends: longer values, a session cookie, a redirect. */
    private final HttpHeaders servletHeaders = new HttpHeaders()
            .add("Server", "Jetty(12.1.8)")
            .add("Content-Type", "text/html;charset=utf-8")
            .add("Set-Cookie", "JSESSIONID=node01q9z7x3k2h1m0p8t4r6s5w2y7.node0; Path=/; HttpOnly")
            .add("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")
            .add("Cache-Control", "no-cache, no-store, must-revalidate")
            .add("Location", "http://127.0.0.1:8080/app/after-login?next=%2Fcart%2Fcheckout")
            .add("Content-Length", "13");

    @Benchmark
    public long plaintextResponse() throws Exception {
        writer.statusLine(200, "OK");
        writer.raw(DateHeader.line());
        writer.headers(headers);
        writer.endOfHead();
        writer.body(ByteBuffer.wrap(HELLO));
        writer.flush();
        return connection.bytesWritten;
    }

    @Benchmark
    public long servletResponse() throws Exception {
        writer.statusLine(302, "Found");
        writer.raw(DateHeader.line());
        writer.headers(servletHeaders);
        writer.endOfHead();
        writer.body(ByteBuffer.wrap(HELLO));
        writer.flush();
        return connection.bytesWritten;
    }

    @Benchmark
    public long chunkedResponse() throws Exception {
        writer.statusLine(200, "OK");
        writer.raw(DateHeader.line());
        writer.header("Transfer-Encoding", "chunked");
        writer.endOfHead();
        writer.chunk(ByteBuffer.wrap(KILOBYTES));
        writer.chunk(ByteBuffer.wrap(KILOBYTES));
        writer.lastChunk(null);
        writer.flush();
        return connection.bytesWritten;
    }
}
