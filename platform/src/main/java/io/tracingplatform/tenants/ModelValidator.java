package io.tracingplatform.tenants;

import io.tracingplatform.config.Problem;
import io.tracingplatform.config.Suggest;
import io.tracingplatform.tenants.Model.Bool;
import io.tracingplatform.tenants.Model.Choice;
import io.tracingplatform.tenants.Model.Dur;
import io.tracingplatform.tenants.Model.ListOf;
import io.tracingplatform.tenants.Model.MapOf;
import io.tracingplatform.tenants.Model.NoneOr;
import io.tracingplatform.tenants.Model.Num;
import io.tracingplatform.tenants.Model.Obj;
import io.tracingplatform.tenants.Model.Str;
import io.tracingplatform.config.Durations;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.tenants.Model.Type;
import io.tracingplatform.yaml.LocatedYaml;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a parsed document against a {@link Model} and returns its values typed: strings, Double or Long,
 * Boolean, {@link java.time.Duration}, lists, maps (only the fields present), or the word "none". Every
 * problem carries file:line:column, the field path, what is wrong and how to fix it; invalid values are
 * left out of the result.
 */
public final class ModelValidator {
    private final LocatedYaml.Document doc;
    private final List<Problem> problems;
    private final Map<String, Pattern> patterns = new java.util.HashMap<>();

    /** How a placeholder problem's message continues; {@code tenant new} recognises (and allows) these by it. */
    public static final String PLACEHOLDER = "is the template's placeholder, not a real value.";

    public ModelValidator(LocatedYaml.Document doc, List<Problem> problems) {
        this.doc = doc;
        this.problems = problems;
    }

    public Object validate(Type type) {
        if (doc.root() == null) {
            problem("", "is empty.", "start from templates/tenant.yaml.");
            return null;
        }
        return check(doc.root(), type, "");
    }

    private void problem(String path, String message, String fix) {
        problems.add(new Problem(doc.file(), doc.at(path), path, message, fix));
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private Object check(Object value, Type type, String path) {
        if (value == null) {
            problem(path, "has no value.", "write a value or remove the key.");
            return null;
        }
        if (type instanceof Str s) return checkString(value, s, path);
        if (type instanceof Choice c) {
            if (value instanceof String v && c.values().contains(v)) return v;
            problem(path, describe(value) + " is not one of " + c.values() + "."
                            + (value instanceof String v ? Suggest.didYouMean(v, c.values()) : ""),
                    "write one of " + String.join(", ", c.values()) + ".");
            return null;
        }
        if (type instanceof Num n) return checkNumber(value, n, path);
        if (type instanceof Bool) {
            if (value instanceof Boolean b) return b;
            problem(path, describe(value) + " is not true or false.", "write true or false (unquoted).");
            return null;
        }
        if (type instanceof Dur) return checkDuration(value, path);
        if (type instanceof ListOf l) return checkList(value, l, path);
        if (type instanceof Obj o) return checkObject(value, o, path);
        if (type instanceof MapOf m) return checkMap(value, m, path);
        if (type instanceof NoneOr n) {
            if ("none".equals(value)) return "none";
            if (value instanceof Map) return checkObject(value, n.object(), path);
            problem(path, describe(value) + " is neither 'none' nor a set of rules.",
                    "write 'none', or rules such as keepErrors: true, keepPercent: 10.");
            return null;
        }
        throw new IllegalStateException("unhandled model type " + type);
    }

    private Object checkString(Object value, Str s, String path) {
        if (!(value instanceof String v)) {
            problem(path, describe(value) + " is not text; expected " + s.rule() + ".", "write " + s.rule() + " (quote it if needed).");
            return null;
        }
        boolean patternOk = s.pattern() == null
                || patterns.computeIfAbsent(s.pattern(), Pattern::compile).matcher(v).matches();
        if (v.length() < s.minLength() || v.length() > s.maxLength() || !patternOk) {
            problem(path, "'" + v + "' is not " + s.rule() + ".", "write " + s.rule() + ".");
            return null;
        }
        if (s.placeholders().contains(v)) {
            problem(path, "'" + v + "' " + PLACEHOLDER, "write your team's real value.");
            return null;
        }
        return v;
    }

    private Object checkNumber(Object value, Num n, String path) {
        if (!(value instanceof Long || value instanceof Double)) {
            problem(path, describe(value) + " is not a number" + unit(n) + ".",
                    "write a plain number" + unit(n) + ", unquoted.");
            return null;
        }
        double d = ((Number) value).doubleValue();
        if (n.integer() && !(value instanceof Long)) {
            problem(path, value + " is not a whole number" + unit(n) + ".", "write a whole number.");
            return null;
        }
        boolean low = n.exclusiveMin() ? d <= n.min() : d < n.min();
        if (low && n.whyMin() != null) {
            problem(path, ModelNumbers.fmt(d) + unit(n) + " is below " + ModelNumbers.fmt(n.min()) + unit(n) + ": " + n.whyMin(),
                    "write at least " + ModelNumbers.fmt(n.min()) + unit(n) + " (e.g. 10).");
            return null;
        }
        if (low || d > n.max()) {
            String range = (n.exclusiveMin() ? "above " : "at least ") + ModelNumbers.fmt(n.min()) + " and at most " + ModelNumbers.fmt(n.max());
            problem(path, ModelNumbers.fmt(d) + " is out of range" + unit(n) + (d <= 0 && n.exclusiveMin() ? ": must be above zero." : "."),
                    "write a number " + range + unit(n) + ".");
            return null;
        }
        return value;
    }

    private Object checkDuration(Object value, String path) {
        if (!(value instanceof String v)) {
            problem(path, describe(value) + " is not a duration" + (value instanceof Number ? " (it has no unit)" : "") + ".",
                    "write a duration with a unit, such as 14d, 336h or 2s.");
            return null;
        }
        var d = Durations.parse(v);
        if (d.isEmpty()) {
            problem(path, "'" + v + "' is not a duration.", "write a number and a unit (w, d, h, m, s, ms), such as 14d or 2s.");
            return null;
        }
        if (d.get().isZero()) {
            problem(path, "'" + v + "' is zero.", "write a duration above zero.");
            return null;
        }
        return d.get();
    }

    private Object checkList(Object value, ListOf l, String path) {
        if (!(value instanceof List<?> list)) {
            problem(path, describe(value) + " is not a list.", "write a YAML list ('- item' lines, or [a, b]).");
            return null;
        }
        if (list.size() < l.minItems()) {
            problem(path, "needs at least " + l.minItems() + " item" + (l.minItems() == 1 ? "" : "s") + ".", "add an item.");
        }
        var result = new ArrayList<Object>();
        var seen = new HashSet<Object>();
        for (int i = 0; i < list.size(); i++) {
            Object item = check(list.get(i), l.items(), path + "[" + i + "]");
            if (item == null) continue;
            if (l.unique() && !seen.add(item)) {
                problem(path + "[" + i + "]", "'" + item + "' is listed twice.", "remove the repeated item.");
                continue;
            }
            result.add(item);
        }
        return result;
    }

    private Object checkObject(Object value, Obj o, String path) {
        if (!(value instanceof Map<?, ?> map)) {
            problem(path.isEmpty() ? "" : path, describe(value) + " is not a set of fields (key: value).",
                    "write the fields " + o.fields().keySet() + " as a YAML mapping.");
            return null;
        }
        var result = new LinkedHashMap<String, Object>();
        for (var entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            var field = o.fields().get(key);
            if (field == null) {
                problem(join(path, key), "is not a known field." + Suggest.didYouMean(key, o.fields().keySet()),
                        Suggest.closest(key, o.fields().keySet()).map(c -> "rename it to '" + c + "'.")
                                .orElse("remove it; known fields here: " + String.join(", ", o.fields().keySet()) + "."));
                continue;
            }
            Object checked = check(entry.getValue(), field.type(), join(path, key));
            if (checked != null) result.put(key, checked);
        }
        for (var field : o.fields().values()) {
            if (field.required() && !map.containsKey(field.name())) {
                problem(join(path, field.name()), "is required and missing.",
                        "add '" + field.name() + ":' (" + field.description() + ")");
            }
        }
        return result;
    }

    private Object checkMap(Object value, MapOf m, String path) {
        if (!(value instanceof Map<?, ?> map)) {
            problem(path, describe(value) + " is not a mapping of names to settings.", "write 'name:' keys with settings below.");
            return null;
        }
        if (map.size() < m.minEntries()) problem(path, "needs at least " + m.minEntries() + " entry.", "add one.");
        var result = new LinkedHashMap<String, Object>();
        for (var entry : map.entrySet()) {
            String key = String.valueOf(entry.getKey());
            if (!m.keys().contains(key)) {
                problem(join(path, key), "'" + key + "' is not a stack; known stacks: " + m.keys() + "."
                                + Suggest.didYouMean(key, m.keys()),
                        "use one of " + String.join(", ", m.keys()) + ".");
                continue;
            }
            if (entry.getValue() == null) {
                problem(join(path, key), "has no settings.", "write '" + key + ": {}' to join with the stack's defaults.");
                continue;
            }
            Object checked = check(entry.getValue(), m.values(), join(path, key));
            if (checked != null) result.put(key, checked);
        }
        return result;
    }

    private static String describe(Object value) {
        if (value instanceof String s) return "'" + s + "'";
        if (value instanceof Map) return "a mapping";
        if (value instanceof List) return "a list";
        return String.valueOf(value);
    }

    private static String unit(Num n) {
        return n.unit() == null || n.unit().isEmpty() ? "" : " (" + n.unit() + ")";
    }

}
