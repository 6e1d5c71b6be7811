package io.corral.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corral on a Unix domain socket ({@link CorralConnector#setUnixDomainPath}) against Jetty's
 * {@link UnixDomainServerConnector}: the same servlets, the same client ({@code curl --unix-socket}), the same
 * bytes, and what the servlet learns about the connection — addresses, ports, server name, URL — identical. Then
 * the setup users run: Debian's nginx proxying to the socket. curl and nginx come from the project's own
 * {@code src/test/tools/install.sh}.
 */
class UnixDomainDifferentialTest {

    @TempDir
    Path directory;

    @BeforeAll
    static void tools() throws Exception {
        DebianTools.require("curl", "nginx");
    }

    /** Echoes a request body back with its length, to carry bytes both ways over the socket. */
    static final class EchoServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            response.setContentType("application/octet-stream");
            response.setHeader("X-Length", String.valueOf(body.length));
            response.getOutputStream().write(body);
        }
    }

    private Server start(boolean corral, Path socketFile) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        Server server = new Server(threads);
        server.addConnector((corral ? ConnectorKind.CORRAL : ConnectorKind.JETTY).createUnixDomain(server, socketFile));
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new RequestMetadataTest.DescribeServlet()), "/describe/*");
        context.addServlet(new ServletHolder(new EchoServlet()), "/echo");
        server.setHandler(context);
        server.start();
        return server;
    }

    private static String curl(Path socketFile, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30",
                "--unix-socket", socketFile.toString()));
        command.addAll(List.of(arguments));
        return DebianTools.run(command);
    }

    /** What a servlet sees and what the client gets, on one connector. */
    private Map<String, String> exchange(boolean corral) throws Exception {
        Path socketFile = directory.resolve((corral ? "corral" : "jetty") + ".sock");
        Server server = start(corral, socketFile);
        try {
            // Each connector has its own file: the servlet's view is compared with the path as a placeholder.
            String describe = curl(socketFile, "http://localhost/describe/a%20b?x=1")
                    .replace(socketFile.toString(), "<socket file>");
            // HTTP/1.0 without Host: the server's authority would be the socket path, which is no authority. Both
            // refuse it with 400; the reason and error page differ (README, "What differs"), so only the status.
            String http10 = curl(socketFile, "--http1.0", "-H", "Host:", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://localhost/describe/");
            Path body = directory.resolve("body.bin");
            byte[] bytes = new byte[200_000];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 31);
            }
            Files.write(body, bytes);
            String echo = curl(socketFile, "-o", directory.resolve("echoed.bin").toString(), "-D", "-",
                    "--data-binary", "@" + body, "http://localhost/echo");
            assertTrue(Arrays.equals(bytes, Files.readAllBytes(directory.resolve("echoed.bin"))),
                    "the body came back whole");
            String headers = echo.lines().filter(line -> line.startsWith("HTTP/") || line.startsWith("X-Length")
                    || line.startsWith("Content-Length")).reduce("", (a, b) -> a + b.strip() + "\n");
            return Map.of("describe", describe, "http10", http10, "echo", headers);
        } finally {
            server.stop();
            assertFalse(Files.exists(socketFile), "the socket file is removed on stop");
        }
    }

    @Test
    void aServletSeesWhatItSeesOnJettysUnixDomainConnector() throws Exception {
        Map<String, String> jetty = exchange(false);
        Map<String, String> corral = exchange(true);
        assertEquals(jetty, corral);
        // Not only equal, but what users expect of a socket file: no ports, the local address is the path.
        assertTrue(corral.get("describe").contains("local=<socket file>:-1"),
                corral.get("describe"));
        assertTrue(corral.get("describe").contains("remote=:none"), corral.get("describe"));
        assertTrue(corral.get("echo").contains("X-Length: 200000"), corral.get("echo"));
        assertEquals("400", corral.get("http10"));
    }

    @Test
    void nginxProxiesToTheSocketFile() throws Exception {
        Path socketFile = directory.resolve("app.sock");
        Path front = directory.resolve("nginx.sock");
        Server server = start(true, socketFile);
        Process nginx = null;
        try {
            Path conf = directory.resolve("nginx.conf");
            Path temp = Files.createDirectories(directory.resolve("nginx-temp"));
            // One process, no daemon, everything in the test's directory: nothing outside it is touched.
            Files.writeString(conf, String.join("\n",
                    "daemon off;", "master_process off;", "worker_processes 1;",
                    "pid " + directory.resolve("nginx.pid") + ";",
                    "error_log " + directory.resolve("nginx-error.log") + " warn;",
                    "events { worker_connections 64; }",
                    "http {",
                    "  access_log off;",
                    "  client_body_temp_path " + temp.resolve("body") + ";",
                    "  proxy_temp_path " + temp.resolve("proxy") + ";",
                    "  fastcgi_temp_path " + temp.resolve("fastcgi") + ";",
                    "  uwsgi_temp_path " + temp.resolve("uwsgi") + ";",
                    "  scgi_temp_path " + temp.resolve("scgi") + ";",
                    "  upstream corral { server unix:" + socketFile + "; keepalive 4; }",
                    "  server {",
                    "    listen unix:" + front + ";",
                    "    location / {",
                    "      proxy_pass http://corral;",
                    "      proxy_http_version 1.1;",
                    "      proxy_set_header Connection \"\";",
                    "      proxy_set_header Host $host;",
                    "    }",
                    "  }",
                    "}", ""), StandardCharsets.US_ASCII);
            String binary = Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
            nginx = new ProcessBuilder(binary, "-c", conf.toString(), "-e", directory.resolve("nginx-error.log").toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("nginx.out").toFile()).start();
            Process started = nginx;
            Await.until("nginx listens on its socket", java.time.Duration.ofSeconds(30),
                    () -> Files.exists(front) || !started.isAlive());
            assertTrue(nginx.isAlive(), () -> "nginx did not start: " + readQuietly(directory.resolve("nginx-error.log")));
            for (int i = 0; i < 20; i++) { // keep-alive upstream connections reused: several requests per connection
                String description = curl(front, "http://app.test/describe/via-nginx");
                assertTrue(description.contains("server=app.test:80"), description);
                assertTrue(description.contains("local=" + socketFile + ":-1"), description);
            }
            String echoed = curl(front, "--data-binary", "through nginx", "http://app.test/echo");
            assertEquals("through nginx", echoed);
        } finally {
            if (nginx != null) {
                nginx.destroy();
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.destroyForcibly();
                }
            }
            server.stop();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
