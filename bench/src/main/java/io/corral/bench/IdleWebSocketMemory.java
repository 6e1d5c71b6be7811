package io.corral.bench;

import io.corral.bench.sidebyside.IdleClients;
import io.corral.connector.http1.Http1Config;
import io.corral.connector.http1.Http1Protocol;
import io.corral.connector.listener.Listener;
import io.corral.connector.listener.ListenerConfig;
import io.corral.connector.websocket.WebSocketConfig;
import io.corral.connector.websocket.WebSocketHandler;
import io.corral.connector.websocket.WebSocketSession;
import io.corral.connector.websocket.WebSocketUpgrade;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Heap per idle WebSocket connection (DESIGN §6: at most a third of Jetty's 12 KB, about 4 KB), measured
 * end to end: Corral's {@link Listener}, {@link Http1Protocol} and native WebSocket engine run here on
 * 127.0.0.1 with an echo endpoint, and {@link IdleClients}, in a child JVM so that no client
 * object is counted, upgrades connections and leaves them idle. A warm-up first opens and closes batches
 * of connections, each echoing one message, so that the code runs compiled as in a server that has been
 * up for a while (an idle thread's parked stack is several times larger in interpreted frames). Then the
 * live heap is counted with a full-GC class histogram with no connection open, after half and after all
 * of the connections: the report gives bytes per connection over all of them and over the second half
 * alone (which no one-time cost can inflate), the heap as {@link java.lang.management.MemoryMXBean} sees
 * it, RSS, and the classes that grew, per connection.
 *
 * <p>Run with {@code bench/run-idle-memory [connections=2000] [warmup=6000] [deflate=false]
 * [message=none] [idleTimeout=30] [hibernateAfterMs=1000] [top=25]}: {@code deflate} has the clients
 * offer permessage-deflate; {@code message} is {@code none} (only the handshake), {@code first} (each
 * connection echoes one short text right after its handshake) or {@code afterGc} (once connections are
 * open, a full GC, then every open connection echoes one text: a connection that was active after its
 * parked stack had aged, as most long-lived ones were, keeps a second stack chunk); {@code idleTimeout} is
 * the server's in seconds (0 for none; with one, every idle connection waits in a timed read);
 * {@code hibernateAfterMs} is {@link WebSocketConfig#hibernateAfter()} (0 never hibernates; samples are taken
 * once it has passed). The other settings are {@link WebSocketConfig#DEFAULTS}. JVM
 * options such as {@code -Djdk.trackAllThreads=false} go in {@code JAVA_OPTS}; RSS figures only mean
 * something with a fixed, pre-touched heap, which the script's default options give.
 *
 * <p>The parked stacks ({@code jdk.internal.vm.StackChunk}) vary from run to run by several hundred bytes
 * per connection, with whatever the JIT had compiled when each thread parked; everything else is the same
 * to the byte. Compare medians of a few runs.
 */
public final class IdleWebSocketMemory {

    /** One process can hold about 19,900 sockets here (DESIGN §4); the server side holds one per connection. */
    private static final int MAX_CONNECTIONS = 19_000;
    private static final int WARMUP_BATCH = 2000;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The JDK's frozen frames of a parked virtual thread: their size depends on how far the JIT got. */
    private static final String STACK_CHUNK = "jdk.internal.vm.StackChunk";

    /** When the measured connections exchange their one message, if at all. */
    enum Message {
        NONE, FIRST, AFTER_GC;

        static Message of(String name) {
            return switch (name) {
                case "none" -> NONE;
                case "first" -> FIRST;
                case "afterGc" -> AFTER_GC;
                default -> throw new IllegalArgumentException("message= takes none, first or afterGc, not " + name);
            };
        }
    }

    /** What to measure; see the class comment for the arguments. */
    record Settings(int connections, int warmup, boolean offerDeflate, Message message,
                    Duration idleTimeout, Duration hibernateAfter, int top) {

        static Settings parse(String[] args) {
            int connections = 2000, warmup = 6000, top = 25;
            boolean deflate = false;
            Message message = Message.NONE;
            long idleSeconds = WebSocketConfig.DEFAULTS.idleTimeout().toSeconds();
            long hibernateMillis = WebSocketConfig.DEFAULTS.hibernateAfter().toMillis();
            for (String arg : args) {
                int eq = arg.indexOf('=');
                String key = eq < 0 ? arg : arg.substring(0, eq);
                String value = eq < 0 ? "true" : arg.substring(eq + 1);
                switch (key) {
                    case "connections" -> connections = Integer.parseInt(value);
                    case "warmup" -> warmup = Integer.parseInt(value);
                    case "deflate" -> deflate = Boolean.parseBoolean(value);
                    case "message" -> message = Message.of(value);
                    case "idleTimeout" -> idleSeconds = Long.parseLong(value);
                    case "hibernateAfterMs" -> hibernateMillis = Long.parseLong(value);
                    case "top" -> top = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown argument " + arg + "; known: connections=,"
                            + " warmup=, deflate=, message=, idleTimeout=, hibernateAfterMs=, top=");
                }
            }
            if (connections < 2 || connections > MAX_CONNECTIONS || warmup < 0 || warmup > 100_000) {
                throw new IllegalArgumentException("connections must be in [2, " + MAX_CONNECTIONS
                        + "], warmup in [0, 100000]");
            }
            return new Settings(connections, warmup, deflate, message, Duration.ofSeconds(idleSeconds),
                    Duration.ofMillis(hibernateMillis), top);
        }
    }

    /** The heap at one point of the run; the class histogram waits in a file, off the heap the next sample counts. */
    record Sample(int connections, long liveBytes, long heapUsed, long rss, Path histogram) {}

    /** Every connection shares this stateless handler, as an application's echo endpoint would. */
    private static final class Echo implements WebSocketHandler {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public void onOpen(WebSocketSession session) {
            opened.incrementAndGet();
        }

        @Override
        public void onText(WebSocketSession session, String message) throws IOException {
            session.sendText(message);
        }

        @Override
        public void onBinary(WebSocketSession session, ByteBuffer message) throws IOException {
            session.sendBinary(message);
        }

        @Override
        public void onClose(WebSocketSession session, int code, String reason) {
            closed.incrementAndGet();
        }
    }

    /**
     * Talks to the client process, and waits until the server has seen what the clients did.
     *
     * @param quiet how long connections stay silent before they count as idle: past their hibernation
     */
    private record Clients(PrintWriter commands, BufferedReader answers, Echo echo, Duration quiet) {

        void open(int count, boolean sendOneMessage) throws IOException, InterruptedException {
            int total = echo.opened.get() - echo.closed.get() + count;
            commands.println("open " + count + " " + sendOneMessage);
            expect("opened " + total);
            await(() -> echo.opened.get() - echo.closed.get() == total, total + " connections open");
            // onOpen runs just before a connection's first read: give the last ones time to park in it.
            Thread.sleep(quiet.toMillis());
        }

        /** Every open connection echoes one message; then they stay quiet for a while again. */
        void echoAll() throws IOException, InterruptedException {
            commands.println("echo");
            expect("echoed " + (echo.opened.get() - echo.closed.get()));
            Thread.sleep(quiet.toMillis());
        }

        void closeAll() throws IOException, InterruptedException {
            commands.println("close");
            expect("closed");
            await(() -> echo.opened.get() == echo.closed.get(), "every connection closed");
        }

        private void expect(String expected) throws IOException {
            String answer = answers.readLine();
            if (!expected.equals(answer)) {
                throw new IllegalStateException("clients answered " + answer + " instead of " + expected);
            }
        }

        private void await(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("not reached within " + WAIT + ": " + what + " (opened "
                            + echo.opened.get() + ", closed " + echo.closed.get() + ")");
                }
                Thread.sleep(10);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        // Before the first logger exists: the listener's INFO lines would only clutter the report.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Settings settings = Settings.parse(args);
        Echo echo = new Echo();
        WebSocketConfig config = WebSocketConfig.DEFAULTS.withIdleTimeout(settings.idleTimeout())
                .withHibernateAfter(settings.hibernateAfter());
        Http1Protocol protocol = new Http1Protocol(Http1Config.DEFAULTS, exchange -> {
            if (!WebSocketUpgrade.upgrade(exchange, echo, config)) {
                System.err.println("handshake refused: " + exchange.request().target());
            }
        });
        Listener listener = new Listener(ListenerConfig.defaults()
                .withAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withName("idle-websocket")
                .withMaxConnections(Math.max(settings.connections(), WARMUP_BATCH) + 100), protocol);
        listener.start();
        Path histograms = Files.createTempDirectory("idle-websocket-memory");
        Process process = startClients(listener.localPort(), settings);
        try (PrintWriter commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
             BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            Clients clients = new Clients(commands, answers, echo, settings.hibernateAfter().plusMillis(500));
            for (int warm = 0; warm < settings.warmup(); warm += WARMUP_BATCH) {
                clients.open(Math.min(WARMUP_BATCH, settings.warmup() - warm), true);
                clients.closeAll();
            }
            int half = settings.connections() / 2;
            Sample none = sample(0, histograms);
            open(clients, half, settings.message());
            Sample middle = sample(half, histograms);
            open(clients, settings.connections() - half, settings.message());
            Sample all = sample(settings.connections(), histograms);
            report(settings, none, middle, all);
            commands.println("exit");
        } finally {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
            listener.stop();
            try (var files = Files.list(histograms)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(histograms);
        }
    }

    private static void open(Clients clients, int count, Message message) throws IOException, InterruptedException {
        clients.open(count, message == Message.FIRST);
        if (message == Message.AFTER_GC) {
            ManagementFactory.getMemoryMXBean().gc();
            clients.echoAll();
        }
    }

    private static Process startClients(int port, Settings settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                IdleClients.class.getName(),
                "127.0.0.1", Integer.toString(port), Boolean.toString(settings.offerDeflate())));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static Sample sample(int connections, Path histograms) throws Exception {
        for (int i = 0; i < 3; i++) {
            ManagementFactory.getMemoryMXBean().gc();
        }
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long rss = residentBytes();
        Path file = histograms.resolve("histogram-" + connections + ".txt");
        return new Sample(connections, ClassHistogram.takeToFile(file), heapUsed, rss, file);
    }

    /** VmRSS from /proc; 0 where there is none. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: RSS is left out of the report
        }
        return 0;
    }

    private static void report(Settings settings, Sample none, Sample middle, Sample all) throws IOException {
        int n = all.connections();
        int secondHalf = all.connections() - middle.connections();
        List<String> collectors = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            collectors.add(gc.getName());
        }
        System.out.printf(Locale.ROOT, "Idle WebSocket connections: %d (after a warm-up of %d), deflate offered: %s,"
                        + " message: %s, idle timeout: %s, hibernate after: %s%n", n, settings.warmup(),
                settings.offerDeflate(), settings.message(),
                settings.idleTimeout().isZero() ? "never" : settings.idleTimeout().toMillis() + " ms",
                settings.hibernateAfter().isZero() ? "never" : settings.hibernateAfter().toMillis() + " ms");
        System.out.printf(Locale.ROOT, "JVM: %s %s, GC %s, options %s%n", System.getProperty("java.vm.name"),
                Runtime.version(), collectors, ManagementFactory.getRuntimeMXBean().getInputArguments());
        System.out.printf(Locale.ROOT, "live heap (class histogram): %,d -> %,d -> %,d bytes at 0 / %d / %d connections%n",
                none.liveBytes(), middle.liveBytes(), all.liveBytes(), middle.connections(), all.connections());
        System.out.printf(Locale.ROOT, "heap per idle connection: %,.0f bytes (all %d), %,.0f bytes (second half, %d);"
                        + " MemoryMXBean after full GC: %,.0f bytes%n",
                (double) (all.liveBytes() - none.liveBytes()) / n, n,
                (double) (all.liveBytes() - middle.liveBytes()) / secondHalf, secondHalf,
                (double) (all.heapUsed() - none.heapUsed()) / n);
        if (all.rss() > 0) {
            System.out.printf(Locale.ROOT, "RSS per idle connection: %,.0f bytes (server process; meaningful with a fixed,"
                            + " pre-touched heap)%n",
                    (double) (all.rss() - none.rss()) / n);
        }
        List<ClassHistogram.Entry> growth = ClassHistogram.read(all.histogram())
                .growthSince(ClassHistogram.read(none.histogram()));
        long corral = 0;
        for (ClassHistogram.Entry entry : growth) {
            if (entry.className().startsWith("io.corral.")) {
                corral += entry.bytes();
            }
        }
        long stacks = 0;
        for (ClassHistogram.Entry entry : growth) {
            if (entry.className().equals(STACK_CHUNK)) {
                stacks += entry.bytes();
            }
        }
        System.out.printf(Locale.ROOT, "of which parked virtual-thread stacks (%s): %,.0f bytes, everything else %,.0f bytes,"
                        + " io.corral.* objects %,.0f bytes per connection%n", STACK_CHUNK, (double) stacks / n,
                (double) (all.liveBytes() - none.liveBytes() - stacks) / n, (double) corral / n);
        System.out.printf(Locale.ROOT, "%n%12s %12s  %s%n", "bytes/conn", "objects/conn", "class");
        for (ClassHistogram.Entry entry : growth.subList(0, Math.min(settings.top(), growth.size()))) {
            System.out.printf(Locale.ROOT, "%12.1f %12.2f  %s%n", (double) entry.bytes() / n,
                    (double) entry.instances() / n, entry.className());
        }
    }
}
