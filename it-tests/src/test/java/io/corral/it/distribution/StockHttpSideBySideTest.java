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
 * war-sample; and Jetty's own published ee10 demo WARs, as they are
 * ({@code org.eclipse.jetty.ee10.demos:jetty-ee10-demo-{simple,jsp,async-rest}-webapp:12.0.5}, copied by the
 * build: jetty-home 12.1's {@code ee10-demo-*.mod} name 12.1 artifacts the registry does not serve, and 12.0.5
 * is the newest whose parent pom it serves), their JSPs compiled by Jetty's JSP module, which both bases add
 * ({@code ee10-jsp}, {@code ee10-jstl}) as a stock user would; and the {@code jetty-webapp} demo (Jetty's test
 * webapp: dump, session, cookie and dispatch servlets, form authentication, rewrite rules, a GzipHandler) through
 * jetty-home's own {@code ee10-demo-jetty} module, its WAR put in {@code webapps/} first so that start.jar need
 * not download it (the module brings the realm, rewrite rules and context XML the WAR cannot start without).
 * Every request has the status both must answer. Left out: {@code proxy-webapp} and the async-rest servlets
 * only forward to remote sites.
 */
class StockHttpSideBySideTest {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final String MODULES = "ee10-deploy,ee10-websocket-jakarta,ee10-jsp,ee10-jstl,"
            + "ee10-websocket-jetty,ee10-demo-jetty,demo-root,demo-moved-context,demo-handler";
    /** Every file of both bases' webapps gets this time, so Last-Modified and ETag can be compared. */
    private static final Instant FILE_TIME = Instant.parse("2026-01-02T03:04:05Z");
    private static final String DEMO_WAR = "jetty-demos.war";
    /** The jars jetty-home ships in lib/ that the demo WAR holds in WEB-INF/lib, unchanged. */
    private static final List<String> DEMO_JARS = List.of("jetty-servlet5-demo-async-rest-jar-12.1.8.jar");
    /** Jetty's published ee10 demo WARs, deployed as they are; each file name is its context path. */
    private static final List<String> PUBLISHED_DEMO_WARS =
            List.of("ee10-demo-simple.war", "ee10-demo-jsp.war", "ee10-demo-async-rest.war");
    /** Context paths of WARs Jetty unpacks at deployment (their files get the time of that). */
    private static final List<String> UNPACKED_WARS = List.of("/war-sample/", "/jetty-demos/", "/ee10-demo-simple/",
            "/ee10-demo-jsp/", "/ee10-demo-async-rest/", "/ee10-test/");
    /** The WAR ee10-demo-jetty.mod would download; placed where it looks first. */
    private static final String DEMO_JETTY_WAR = "ee10-demo-jetty.war";
    /** A session id in a cookie or, after a redirect to a login form, in the URL. */
    private static final Pattern SESSION_ID = Pattern.compile("(?i)(jsessionid=)[^;?&\"'\\s]*");
    /**
     * In the stack trace an error page shows (Jetty's ErrorHandler shows stacks by default), the frames below
     * Jetty's handler invocation: each connector's own and its thread's (README, deliberate), and so the count
     * of frames a "Caused by" trace shares with them.
     */
    private static final Pattern CONNECTOR_FRAMES = Pattern.compile(
            "(\tat org\\.eclipse\\.jetty\\.server\\.internal\\.HttpChannelState\\$HandlerInvoker\\.run\\([^)]*\\)\n)"
                    + "(?:\tat [^\n]*\n)+");
    private static final Pattern SHARED_FRAMES = Pattern.compile("\t\\.\\.\\. \\d+ more\n");
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
        corral = JettyBase.create("side-by-side-corral", true, "corral," + MODULES, StockHttpSideBySideTest::demoFiles);
        stock = JettyBase.create("side-by-side-http", false, "http," + MODULES, StockHttpSideBySideTest::demoFiles);
        for (JettyBase base : List.of(corral, stock)) {
            Path webapps = base.dir().resolve("webapps");
            Files.copy(JettyBase.warSample(), webapps.resolve("war-sample.war"));
            Files.copy(demoWar, webapps.resolve(DEMO_WAR));
            for (String war : PUBLISHED_DEMO_WARS) {
                Files.copy(JettyBase.jettyDemoWars().resolve(war), webapps.resolve(war));
            }
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
                "405 GET /war-sample/echo", "404 GET /war-sample/ws/echo",
                // Jetty's published demo-simple WAR: a servlet, static files, an error page
                "200 GET /ee10-demo-simple/", "301 GET /ee10-demo-simple",
                "200 GET /ee10-demo-simple/hello/there?x=1", "200 HEAD /ee10-demo-simple/hello",
                "405 POST /ee10-demo-simple/hello", "200 GET /ee10-demo-simple/jetty.png",
                "206 GET /ee10-demo-simple/jetty.webp Range: bytes=0-99", "404 GET /ee10-demo-simple/no-such-file",
                // demo-jsp: JSPs compiled by Jetty's JSP module, JSTL, tags, a session-scoped bean, EL error page
                "200 GET /ee10-demo-jsp/", "200 GET /ee10-demo-jsp/jstl.jsp", "200 GET /ee10-demo-jsp/expr.jsp?A=21",
                "200 POST /ee10-demo-jsp/expr.jsp?A=2", "500 GET /ee10-demo-jsp/expr.jsp?A=x",
                "200 GET /ee10-demo-jsp/tag2.jsp", "200 GET /ee10-demo-jsp/tagfile.jsp", "200 GET /ee10-demo-jsp/foo/",
                "200 GET /ee10-demo-jsp/bean1.jsp", "200 HEAD /ee10-demo-jsp/jstl.jsp",
                "200 GET /ee10-demo-jsp/demo.css", "404 GET /ee10-demo-jsp/no-such.jsp",
                "404 GET /ee10-demo-jsp/WEB-INF/web.xml",
                // demo-async-rest: its page and stylesheet (its servlets call eBay)
                "200 GET /ee10-demo-async-rest/", "200 GET /ee10-demo-async-rest/demo.css Accept-Encoding: gzip",
                // demo-jetty (/ee10-test): chunked servlets, dispatch, rewrite rules, gzip, form auth, error pages
                "200 GET /ee10-test/", "200 GET /ee10-test/ Accept-Encoding: gzip", "200 GET /ee10-test/hello",
                "200 GET /ee10-test/dispatch/forward/hello", "200 GET /ee10-test/dispatch/includeS/hello",
                "200 GET /ee10-test/session/", "200 GET /ee10-test/cookie/", "200 GET /ee10-test/login/",
                "200 GET /ee10-test/testservlet/", "200 GET /ee10-test/rewrite/",
                "200 GET /ee10-test/some/old/context", "302 GET /ee10-test/dump/auth/info",
                "403 GET /ee10-test/auth/info", "200 GET /ee10-test/auth/relax.txt",
                "404 GET /ee10-test/no-such-file");
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
    @DisplayName("every webapp was deployed on both: Jetty's demos, its published demo WARs and the war-sample")
    void everyWebappWasDeployed() {
        for (JettyBase base : List.of(corral, stock)) {
            String log = base.logText();
            for (String context : List.of("{ROOT,/,", "{/jetty-demos,/jetty-demos,", "{/war-sample,/war-sample,",
                    "{/oldContextPath,", "{/demo-handler,", "{EE10 Demo Simple WebApp,/ee10-demo-simple,",
                    "{EE10 Demo JSP WebApp,/ee10-demo-jsp,", "{EE10 Demo Async REST WebApp,/ee10-demo-async-rest,",
                    "{EE10 Demo Jetty WebApp,/ee10-test,")) {
                assertTrue(log.lines().anyMatch(line -> line.contains("Started ") && line.contains(context)),
                        () -> context + " not started in " + base.dir() + ":\n" + log);
            }
        }
    }

    @Test
    @DisplayName("a session of Jetty's JSP demo lives on across requests alike (its id aside)")
    void aSessionOfTheJspDemoLivesOnAlike() throws Exception {
        List<String> answers = new ArrayList<>();
        for (JettyBase base : List.of(stock, corral)) {
            HttpResponse<String> first = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + base.port() + "/ee10-demo-jsp/bean1.jsp"))
                    .timeout(REQUEST_TIMEOUT).build(), BodyHandlers.ofString());
            // ee10-demo-jetty's rewrite rules add a cookie of their own (visited=yes) to every answer.
            String cookie = first.headers().allValues("set-cookie").stream()
                    .filter(value -> value.startsWith("JSESSIONID=")).findFirst().orElseThrow().split(";", 2)[0];
            String second = exchange(base, "GET /ee10-demo-jsp/bean2.jsp Cookie: " + cookie);
            // The session-scoped bean counted both requests, and no new session was made.
            assertTrue(second.startsWith("200\n") && second.contains("Counter accessed 2 times")
                    && !second.contains("JSESSIONID="), second);
            answers.add(second);
        }
        assertEquals(answers.get(0), answers.get(1), "stock http (expected) vs corral (actual)");
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
        if (UNPACKED_WARS.stream().anyMatch(words[1]::startsWith)) {
            // Files Jetty unpacked from a WAR at deployment carry the time of that, in each base its own.
            headers.computeIfPresent("last-modified", (name, time) -> "(when the WAR was unpacked)");
            body = UNPACKED_TIME.matcher(body).replaceAll("$1(when the WAR was unpacked)&nbsp;");
        }
        if (CONNECTOR_FRAMES.matcher(body).find()) {
            body = SHARED_FRAMES.matcher(CONNECTOR_FRAMES.matcher(body).replaceAll("$1\t(the connector's frames)\n"))
                    .replaceAll("\t... (frames in common) more\n");
            headers.computeIfPresent("content-length", (name, length) -> "(of a page with the connector's frames)");
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
        return SESSION_ID.matcher(text.replace(":" + base.port(), ":PORT")).replaceAll("$1ID");
    }

    /**
     * What the demo modules would download, put where they want it so that start.jar need not: the demo-handler
     * jar jetty-home ships, and the published jetty-webapp demo WAR.
     */
    private static void demoFiles(Path base) throws IOException {
        Path lib = Files.createDirectories(base.resolve("lib"));
        Files.copy(JettyBase.stockHome().resolve("lib/jetty-core-demo-handler-12.1.8.jar"),
                lib.resolve("jetty-core-demo-handler.jar"));
        Path webapps = Files.createDirectories(base.resolve("webapps"));
        Files.copy(JettyBase.jettyDemoWars().resolve(DEMO_JETTY_WAR), webapps.resolve(DEMO_JETTY_WAR));
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
