package io.corral.it.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drop-in promise on content nobody here wrote: two jetty-bases made from the same stock jetty-home
 * 12.1.8, one with the {@code corral} module and one with the stock {@code http} module, the same other
 * modules and the same webapps, and the same requests to both: status, headers (except {@code Date} and
 * session ids) and body must match.
 *
 * <p>The content: Jetty's own demos that ship inside jetty-home — {@code demo-root} (a static site on a
 * core context), {@code demo-moved-context} (a {@code MovedContextHandler}), {@code demo-handler} (Jetty's
 * {@code HelloHandler}, its jar taken from jetty-home's {@code lib/}) — and an ee10 WAR holding, unchanged,
 * the demo jars jetty-home ships: the async-rest web-fragment (its static page and images from
 * {@code META-INF/resources}; its servlets call eBay over the network, so they are not requested; the other
 * demo jars jetty-home ships need classes of the spec demo WAR, so a WAR of them does not start); plus the
 * war-sample. Every request has the status both must answer. Jetty's published demo WARs
 * ({@code org.eclipse.jetty.demos:jetty-servlet5-demo-*-webapp}, named so by jetty-home 12.1's
 * {@code ee10-demo-*.mod}; and the 12.0 names {@code org.eclipse.jetty.ee10.demos:jetty-ee10-demo-*-webapp})
 * are not served by the registry this project builds from, so they cannot be dropped in as they are.
 */
class StockHttpSideBySideTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final String MODULES = "ee10-deploy,ee10-websocket-jakarta,demo-root,demo-moved-context,demo-handler";
    /** Every file of both bases' webapps gets this time, so Last-Modified and ETag can be compared. */
    private static final Instant FILE_TIME = Instant.parse("2026-01-02T03:04:05Z");
    private static final String DEMO_WAR = "jetty-demos.war";
    /** The jars jetty-home ships in lib/ that the demo WAR holds in WEB-INF/lib, unchanged. */
    private static final List<String> DEMO_JARS = List.of("jetty-servlet5-demo-async-rest-jar-12.1.8.jar");
    private static final Pattern SESSION_ID = Pattern.compile("JSESSIONID=[^;]*");
    /** A time in a directory listing of DefaultServlet. */
    private static final Pattern UNPACKED_TIME = Pattern.compile("(<td class=\"lastmodified\">)[^&<]*&nbsp;");

    /**
     * Requests whose answers differ on purpose, each as README "What differs from ServerConnector, on purpose"
     * lists it: the engine owns the {@code Connection} header. A request-target Jetty cannot make a URI of
     * gets Jetty's own error page on both; ServerConnector closes after it without saying so (it answers such a
     * request as HTTP/1.0), Corral says {@code Connection: close}.
     */
    private static final Map<String, String> DELIBERATE = Map.of(
            "GET /%2e%2e/etc/passwd", "connection: close\n");
    /** What ServerConnector may add to a POST answer whose body the servlet did not read (README, deliberate). */
    private static final String UNREAD_BODY_CLOSE = "connection: close\n";

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();

    private static JettyBase corral;
    private static JettyBase stock;

    @BeforeAll
    static void startBothBases() throws Exception {
        Path demoWar = demoWar();
        corral = JettyBase.create("side-by-side-corral", true, "corral," + MODULES, StockHttpSideBySideTest::demoHandlerJar);
        stock = JettyBase.create("side-by-side-http", false, "http," + MODULES, StockHttpSideBySideTest::demoHandlerJar);
        for (JettyBase base : List.of(corral, stock)) {
            Path webapps = base.dir().resolve("webapps");
            Files.copy(JettyBase.warSample(), webapps.resolve("war-sample.war"));
            Files.copy(demoWar, webapps.resolve(DEMO_WAR));
            try (Stream<Path> files = Files.walk(webapps)) {
                for (Path file : files.toList()) {
                    Files.setLastModifiedTime(file, FileTime.from(FILE_TIME));
                }
            }
            base.start("/war-sample/plaintext");
        }
    }

    @AfterAll
    static void stopBothBases() throws Exception {
        CLIENT.close();
        for (JettyBase base : new JettyBase[] {corral, stock}) {
            if (base != null) {
                base.stop();
            }
        }
    }

    /**
     * Each request as {@code STATUS METHOD path [header: value]}, STATUS being what both must answer (so a
     * webapp that failed to deploy cannot pass as "both 503"); a POST sends {@code hello, Jetty} as
     * {@code text/plain}.
     */
    static Stream<String> requests() {
        String lastModified = "If-Modified-Since: Fri, 02 Jan 2026 03:04:05 GMT";
        return Stream.of(
                // demo-root: static files on a core context
                "200 GET /", "200 HEAD /", "200 GET /jetty.css", "200 GET /favicon.ico", "200 GET /images/jetty-pic.png",
                "304 GET /jetty.css " + lastModified, "206 GET /jetty.css Range: bytes=10-99",
                "206 GET /jetty.css Range: bytes=10-20,30-40", "200 GET /jetty.css Accept-Encoding: gzip",
                "200 GET /images/", "404 GET /no-such-file", "400 GET /%2e%2e/etc/passwd", "405 POST /",
                // demo-moved-context and demo-handler
                "302 GET /oldContextPath/some/page?x=1", "200 GET /demo-handler/", "301 GET /demo-handler",
                // Jetty's async-rest demo jar in an ee10 WAR: its page and images, DefaultServlet's listing
                "200 GET /jetty-demos/asyncrest.html", "200 GET /jetty-demos/asyncrest/red.png",
                "200 GET /jetty-demos/asyncrest.html " + lastModified, "200 GET /jetty-demos/",
                "301 GET /jetty-demos", "404 GET /jetty-demos/WEB-INF/web.xml", "404 GET /jetty-demos/META-INF/MANIFEST.MF",
                "200 OPTIONS /jetty-demos/asyncrest.html", "403 TRACE /jetty-demos/", "404 GET /jetty-demos/no/such?a=b",
                // the war-sample
                "200 GET /war-sample/", "200 GET /war-sample/plaintext", "200 POST /war-sample/echo",
                "405 GET /war-sample/echo", "404 GET /war-sample/ws/echo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    @DisplayName("the stock http module and corral answer the same")
    void bothBasesAnswerTheSame(String statusAndRequest) throws Exception {
        String status = statusAndRequest.substring(0, 3);
        String request = statusAndRequest.substring(4);
        String stockAnswer = exchange(stock, request);
        assertTrue(stockAnswer.startsWith(status + "\n"), () -> "stock http, expected " + status + ":\n" + stockAnswer);
        String actual = exchange(corral, request);
        // Deliberate too (README): a body the servlet left unread is read and dropped by Corral to keep the
        // connection; ServerConnector closes when the body was still on its way as the servlet finished.
        String expected = request.startsWith("POST ") ? stockAnswer.replace(UNREAD_BODY_CLOSE, "") : stockAnswer;
        String deliberate = DELIBERATE.get(request);
        if (deliberate != null) {
            assertTrue(actual.contains(deliberate) && !expected.contains(deliberate), actual);
            actual = actual.replace(deliberate, "");
        }
        assertEquals(expected, actual, "stock http (expected) vs corral (actual)");
    }

    @Test
    @DisplayName("the corral base is served by CorralConnector only, the stock one by ServerConnector")
    void eachBaseIsServedByItsOwnConnector() throws IOException {
        List<String> corralStarted = corral.startedConnectors();
        assertEquals(1, corralStarted.size(), corralStarted::toString);
        assertTrue(corralStarted.get(0).contains("CorralConnector@"), corralStarted::toString);
        assertTrue(corral.logText().lines().noneMatch(line -> line.contains("ServerConnector@")), corral::logText);
        List<String> stockStarted = stock.startedConnectors();
        assertEquals(1, stockStarted.size(), stockStarted::toString);
        assertTrue(stockStarted.get(0).contains("ServerConnector@"), stockStarted::toString);
    }

    @Test
    @DisplayName("every webapp was deployed on both: Jetty's demos and the war-sample")
    void everyWebappWasDeployed() {
        for (JettyBase base : List.of(corral, stock)) {
            String log = base.logText();
            for (String context : List.of("{ROOT,/,", "{/jetty-demos,/jetty-demos,", "{/war-sample,/war-sample,",
                    "{/oldContextPath,", "{/demo-handler,")) {
                assertTrue(log.lines().anyMatch(line -> line.contains("Started ") && line.contains(context)),
                        () -> context + " not started in " + base.dir() + ":\n" + log);
            }
        }
    }

    /** One request, and what a client sees of the answer: status, headers (sorted, normalized) and body. */
    private static String exchange(JettyBase base, String request) throws Exception {
        String[] words = request.split(" ", 3);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + base.port() + words[1]))
                .timeout(REQUEST_TIMEOUT);
        if (words.length == 3) {
            String[] header = words[2].split(": ", 2);
            builder.header(header[0], header[1]);
        }
        builder.method(words[0], words[0].equals("POST")
                ? BodyPublishers.ofString("hello, Jetty") : BodyPublishers.noBody());
        if (words[0].equals("POST")) {
            builder.header("Content-Type", "text/plain");
        }
        HttpResponse<byte[]> response = CLIENT.send(builder.build(), BodyHandlers.ofByteArray());
        Map<String, String> headers = new TreeMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("date")) {
                headers.put(name.toLowerCase(), normalize(base, String.join(" | ", values)));
            }
        });
        String body = normalize(base, new String(response.body(), StandardCharsets.ISO_8859_1));
        if (words[1].startsWith("/war-sample/") || words[1].startsWith("/jetty-demos/")) {
            // Files Jetty unpacked from a WAR at deployment carry the time of that, in each base its own.
            headers.computeIfPresent("last-modified", (name, time) -> "(when the WAR was unpacked)");
            body = UNPACKED_TIME.matcher(body).replaceAll("$1(when the WAR was unpacked)&nbsp;");
        }
        String boundary = headers.getOrDefault("content-type", "").replaceFirst(".*boundary=", "");
        if (!boundary.isEmpty() && !boundary.equals(headers.get("content-type"))) {
            // multipart/byteranges: a fresh random boundary per response
            headers.put("content-type", headers.get("content-type").replace(boundary, "BOUNDARY"));
            body = body.replace(boundary, "BOUNDARY");
        }
        return response.statusCode() + "\n" + headers.entrySet().stream()
                .map(header -> header.getKey() + ": " + header.getValue()).collect(Collectors.joining("\n"))
                + "\n\n" + body;
    }

    /** Session ids and the port differ between the bases by nature. */
    private static String normalize(JettyBase base, String text) {
        return SESSION_ID.matcher(text.replace(":" + base.port(), ":PORT")).replaceAll("JSESSIONID=ID");
    }

    /** jetty-home ships the demo-handler jar; put where demo-handler.mod wants it, start.jar need not download it. */
    private static void demoHandlerJar(Path base) throws IOException {
        Path lib = Files.createDirectories(base.resolve("lib"));
        Files.copy(JettyBase.stockHome().resolve("lib/jetty-core-demo-handler-12.1.8.jar"),
                lib.resolve("jetty-core-demo-handler.jar"));
    }

    /** A WAR with no code of ours: only jetty-home's demo jars, unchanged, in WEB-INF/lib. */
    private static Path demoWar() throws IOException {
        Path war = JettyBase.stockHome().getParent().resolve(DEMO_WAR);
        List<Path> jars = new ArrayList<>();
        for (String jar : DEMO_JARS) {
            jars.add(JettyBase.stockHome().resolve("lib").resolve(jar));
        }
        try (OutputStream file = Files.newOutputStream(war); ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Path jar : jars) {
                ZipEntry entry = new ZipEntry("WEB-INF/lib/" + jar.getFileName());
                entry.setLastModifiedTime(FileTime.from(FILE_TIME));
                zip.putNextEntry(entry);
                Files.copy(jar, zip);
                zip.closeEntry();
            }
        }
        return war;
    }
}
