package io.corral.bench.sidebyside;

import java.lang.reflect.RecordComponent;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** Just enough JSON for {@code results.json}: maps, lists, records (by component), strings, numbers. */
final class Json {

    private Json() {
    }

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        String inner = indent + "  ";
        switch (value) {
            case null -> out.append("null");
            case String text -> string(text, out);
            case Double number -> out.append(Double.isFinite(number) ? String.format(Locale.ROOT, "%.3f", number) : "null");
            case Float number -> write(number.doubleValue(), out, indent);
            case Number number -> out.append(number);
            case Boolean bool -> out.append(bool);
            case Enum<?> constant -> string(constant.name(), out);
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
                while (entries.hasNext()) {
                    Map.Entry<?, ?> entry = entries.next();
                    out.append('\n').append(inner);
                    string(String.valueOf(entry.getKey()), out);
                    out.append(": ");
                    write(entry.getValue(), out, inner);
                    out.append(entries.hasNext() ? "," : "");
                }
                out.append(map.isEmpty() ? "" : "\n" + indent).append('}');
            }
            case Iterable<?> list -> {
                out.append('[');
                Iterator<?> items = list.iterator();
                boolean any = items.hasNext();
                while (items.hasNext()) {
                    out.append('\n').append(inner);
                    write(items.next(), out, inner);
                    out.append(items.hasNext() ? "," : "");
                }
                out.append(any ? "\n" + indent : "").append(']');
            }
            case Record record -> {
                Map<String, Object> fields = new java.util.LinkedHashMap<>();
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    try {
                        component.getAccessor().setAccessible(true);
                        fields.put(component.getName(), component.getAccessor().invoke(record));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                write(fields, out, indent);
            }
            default -> string(value.toString(), out);
        }
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
