package io.corral.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live objects of this JVM by class, as {@code jcmd <pid> GC.class_histogram} prints them: taken
 * through the platform's DiagnosticCommand MBean, which runs a full GC first, so only reachable objects
 * are counted. Two histograms taken around a change tell what the change keeps alive, class by class.
 * A histogram is itself a few hundred kilobytes of objects, so one taken to be compared later is kept as
 * text in a file ({@link #takeToFile}) rather than on the heap that the next one counts.
 */
public record ClassHistogram(Map<String, Entry> entries) {

    /** Instances and bytes of one class. */
    public record Entry(String className, long instances, long bytes) {}

    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

    /** Filler arrays are the collector's padding of unused heap, not objects anyone keeps. */
    private static final String FILLER = "jdk.internal.vm.Filler";

    /** Full GC, then writes every live class's count to {@code file} and returns the live bytes. */
    static long takeToFile(Path file) throws JMException, IOException {
        Object text = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND),
                "gcClassHistogram", new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Files.writeString(file, (String) text);
        return parse((String) text).totalBytes();
    }

    static ClassHistogram read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Reads lines of the form {@code "   1:   12345   987654  [B (java.base@25)"}; the header and the
     * {@code Total} line do not start with a rank and are skipped, and so are filler arrays.
     */
    public static ClassHistogram parse(String text) {
        Map<String, Entry> entries = new HashMap<>();
        for (String line : text.lines().toList()) {
            List<String> fields = fields(line);
            if (fields.size() < 4 || !fields.get(0).endsWith(":") || fields.get(3).contains(FILLER)) {
                continue;
            }
            String className = fields.get(3);
            Entry entry = new Entry(className, Long.parseLong(fields.get(1)), Long.parseLong(fields.get(2)));
            // A class loaded by two loaders is listed twice; one name is all a reader needs.
            entries.merge(className, entry, (a, b) -> new Entry(className, a.instances + b.instances, a.bytes + b.bytes));
        }
        return new ClassHistogram(Map.copyOf(entries));
    }

    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>(5);
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && line.charAt(i) != ' ') {
                i++;
            }
            if (i > start) {
                fields.add(line.substring(start, i));
            }
        }
        return fields;
    }

    public long totalBytes() {
        long total = 0;
        for (Entry entry : entries.values()) {
            total += entry.bytes;
        }
        return total;
    }

    /** What is live here and was not in {@code before}, class by class, largest growth first. */
    public List<Entry> growthSince(ClassHistogram before) {
        List<Entry> growth = new ArrayList<>();
        for (Entry now : entries.values()) {
            Entry then = before.entries.get(now.className);
            long instances = now.instances - (then == null ? 0 : then.instances);
            long bytes = now.bytes - (then == null ? 0 : then.bytes);
            if (bytes != 0 || instances != 0) {
                growth.add(new Entry(now.className, instances, bytes));
            }
        }
        for (Entry then : before.entries.values()) {
            if (!entries.containsKey(then.className)) {
                growth.add(new Entry(then.className, -then.instances, -then.bytes));
            }
        }
        growth.sort(Comparator.comparingLong(Entry::bytes).reversed());
        return growth;
    }
}
