package io.tracingplatform.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads one object of stack settings and records every problem instead of stopping at the first. Each
 * problem names the stack file, the key, what is wrong and the {@code pulumi config set} command that
 * fixes it. {@link #finish()} reports keys nobody asked for, with a suggestion.
 *
 * <p>Values may come typed (YAML offline, JSON objects from the engine) or as strings (top-level values
 * set with {@code pulumi config set key 3} arrive as "3"), so numbers and booleans accept both.
 */
public final class Fields {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private final RawConfig raw;
    private final String path;
    private final Map<String, Object> values;
    private final List<Problem> problems;
    private final Set<String> known = new LinkedHashSet<>();

    private Fields(RawConfig raw, String path, Map<String, Object> values, List<Problem> problems) {
        this.raw = raw;
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    /** The top level: every key under the project namespace. */
    public static Fields root(RawConfig raw, List<Problem> problems) {
        return new Fields(raw, "", raw.values(), problems);
    }

    public RawConfig raw() {
        return raw;
    }

    public String stack() {
        return raw.stack();
    }

    public boolean has(String key) {
        known.add(key);
        return values.containsKey(key) && values.get(key) != null;
    }

    private String full(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The key as {@code pulumi config} names it. */
    public String configKey(String key) {
        return RawConfig.NAMESPACE + ":" + full(key);
    }

    public void problem(String key, String message, String exampleValue) {
        String fix = exampleValue == null ? ""
                : "pulumi config set --stack " + raw.stack() + (full(key).contains(".") ? " --path '" : " '")
                        + configKey(key) + "' " + shellQuote(exampleValue);
        problems.add(new Problem(raw.file(), raw.at(full(key)), configKey(key), message, fix));
    }

    /** A problem whose fix is prose rather than a command. */
    public void problemWithFix(String key, String message, String fix) {
        problems.add(new Problem(raw.file(), raw.at(full(key)), configKey(key), message, fix));
    }

    private static String shellQuote(String value) {
        return value.matches("[A-Za-z0-9._/:=@+-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private Object value(String key) {
        known.add(key);
        Object v = values.get(key);
        if (v instanceof Secret) {
            problemWithFix(key, "is stored as a secret but is not a secret setting.",
                    "pulumi config set --stack " + raw.stack() + " '" + configKey(key) + "' <value> (without --secret)");
            return null;
        }
        return v;
    }

    // ---- strings -------------------------------------------------------------------------------------

    public Optional<String> optionalString(String key) {
        Object v = value(key);
        if (v == null) return Optional.empty();
        if (v instanceof Map || v instanceof List) {
            problem(key, "must be a string, not " + kind(v) + ".", "<text>");
            return Optional.empty();
        }
        String s = String.valueOf(v).trim();
        if (s.isEmpty()) {
            problem(key, "must not be empty.", "<text>");
            return Optional.empty();
        }
        return Optional.of(s);
    }

    public String string(String key, String defaultValue) {
        return optionalString(key).orElse(defaultValue);
    }

    public String requiredString(String key, String example) {
        if (!has(key)) {
            problem(key, "is required and missing.", example);
            return example;
        }
        return optionalString(key).orElse(example);
    }

    /** A string matching {@code pattern}; on mismatch reports {@code rule} and returns the fallback. */
    public String matching(String key, String value, Pattern pattern, String rule, String example) {
        if (value != null && !pattern.matcher(value).matches()) {
            problem(key, "'" + value + "' " + rule + ".", example);
            return example;
        }
        return value;
    }

    public String dnsLabel(String key, String value, int maxLength, String example) {
        if (value != null && (value.length() > maxLength || !DNS_LABEL.matcher(value).matches())) {
            problem(key, "'" + value + "' is not a DNS-1123 label (lowercase letters, digits and '-', starting and "
                    + "ending with a letter or digit, at most " + maxLength + " characters).", example);
            return example;
        }
        return value;
    }

    public String choice(String key, Collection<String> allowed, String defaultValue, boolean required) {
        if (required && !has(key)) {
            problem(key, "is required and missing; one of " + allowed + ".", allowed.iterator().next());
            return allowed.iterator().next();
        }
        Optional<String> v = optionalString(key);
        if (v.isEmpty()) return defaultValue;
        if (!allowed.contains(v.get())) {
            problem(key, "'" + v.get() + "' is not one of " + allowed + "." + Suggest.didYouMean(v.get(), allowed),
                    Suggest.closest(v.get(), allowed).orElse(allowed.iterator().next()));
            return defaultValue != null ? defaultValue : allowed.iterator().next();
        }
        return v.get();
    }

    // ---- numbers and booleans -------------------------------------------------------------------------

    public long integer(String key, long defaultValue, long min, long max, String unit) {
        Object v = value(key);
        if (v == null) return defaultValue;
        Long parsed = null;
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            parsed = ((Number) v).longValue();
        } else if (v instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
            parsed = d.longValue();
        } else if (v instanceof String s && s.trim().matches("-?\\d{1,18}")) {
            parsed = Long.parseLong(s.trim());
        }
        String example = String.valueOf(Math.max(min, Math.min(max, defaultValue)));
        if (parsed == null) {
            problem(key, "must be a whole number" + unitText(unit) + ", not " + kind(v) + " '" + v + "'.", example);
            return defaultValue;
        }
        if (parsed < min || parsed > max) {
            problem(key, parsed + " is out of range; allowed " + min + ".." + max + unitText(unit) + ".", example);
            return defaultValue;
        }
        return parsed;
    }

    public double decimal(String key, double defaultValue, double min, double max, String unit) {
        Object v = value(key);
        if (v == null) return defaultValue;
        Double parsed = null;
        if (v instanceof Number n) {
            parsed = n.doubleValue();
        } else if (v instanceof String s) {
            try {
                parsed = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                parsed = null;
            }
        }
        String example = String.valueOf(defaultValue);
        if (parsed == null || parsed.isNaN() || parsed.isInfinite()) {
            problem(key, "must be a number" + unitText(unit) + ", not " + kind(v) + " '" + v + "'.", example);
            return defaultValue;
        }
        if (parsed < min || parsed > max) {
            problem(key, parsed + " is out of range; allowed " + min + ".." + max + unitText(unit) + ".", example);
            return defaultValue;
        }
        return parsed;
    }

    public boolean bool(String key, boolean defaultValue) {
        Object v = value(key);
        if (v == null) return defaultValue;
        if (v instanceof Boolean b) return b;
        if (v instanceof String s && (s.equals("true") || s.equals("false"))) return Boolean.parseBoolean(s);
        problem(key, "must be true or false, not " + kind(v) + " '" + v + "'.", String.valueOf(defaultValue));
        return defaultValue;
    }

    public java.time.Duration duration(String key, java.time.Duration defaultValue) {
        Object v = value(key);
        if (v == null) return defaultValue;
        var parsed = v instanceof String s ? Durations.parse(s.trim()) : java.util.Optional.<java.time.Duration>empty();
        if (parsed.isEmpty() || parsed.get().isZero()) {
            problem(key, "'" + v + "' is not a duration above zero (a number and a unit: w, d, h, m, s, ms).",
                    Durations.human(defaultValue));
            return defaultValue;
        }
        return parsed.get();
    }

    /** The raw value of a key, for keys that take more than one shape (e.g. 'none' or an object). */
    public Object peek(String key) {
        known.add(key);
        return values.get(key);
    }

    // ---- structure ------------------------------------------------------------------------------------

    /** A nested object; missing gives an empty one (so its defaults apply), or a problem when required. */
    public Fields object(String key, boolean required) {
        Object v = value(key);
        if (v == null) {
            if (required) problemWithFix(key, "is required and missing.",
                    "add it to " + raw.file() + " (see stacks/README.md).");
            return new Fields(raw, full(key), Map.of(), problems);
        }
        Map<String, Object> map = asMap(key, v);
        return new Fields(raw, full(key), map == null ? Map.of() : map, problems);
    }

    /** Whether this object was given at all (a missing optional object reads as empty). */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** A map of string to string (labels, tags). */
    public Map<String, String> stringMap(String key) {
        Object v = value(key);
        if (v == null) return Map.of();
        Map<String, Object> map = asMap(key, v);
        if (map == null) return Map.of();
        var result = new TreeMap<String, String>();
        map.forEach((k, val) -> {
            if (val instanceof Map || val instanceof List || val == null) {
                problem(key + "." + k, "must be a string value.", "<text>");
            } else {
                result.put(k, String.valueOf(val));
            }
        });
        return result;
    }

    public List<String> stringList(String key) {
        Object v = value(key);
        if (v == null) return List.of();
        if (v instanceof String s && s.trim().startsWith("[")) v = parseJson(key, s);
        if (!(v instanceof List<?> list)) {
            problem(key, "must be a list of strings, not " + kind(v) + ".", "[\"a\",\"b\"]");
            return List.of();
        }
        var result = new ArrayList<String>();
        for (Object item : list) {
            if (item == null || item instanceof Map || item instanceof List) {
                problem(key, "must be a list of strings; found " + kind(item) + ".", "[\"a\",\"b\"]");
            } else {
                result.add(String.valueOf(item));
            }
        }
        return result;
    }

    /**
     * A list of Kubernetes namespace names (DNS-1123 labels, at most 63 characters); {@code defaultValue} when the key
     * is absent. {@code example} is one good name, shown in the fix as a one-element list.
     */
    public List<String> namespaceList(String key, List<String> defaultValue, String example) {
        if (!has(key)) return defaultValue;
        var names = stringList(key);
        for (String n : names) {
            if (n.length() > 63 || !DNS_LABEL.matcher(n).matches()) {
                problem(key, "'" + n + "' is not a namespace name (lowercase letters, digits and '-', at most 63 characters).",
                        "[\"" + example + "\"]");
            }
        }
        return List.copyOf(names);
    }

    /** A label name's part after an optional prefix, and a value: at most 63 characters, alphanumerics at both ends. */
    private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /**
     * Kubernetes labels (a label selector's matchLabels): keys {@code [prefix/]name}, the prefix a DNS subdomain of at
     * most 253 characters, the name and every value at most 63 characters of alphanumerics, '-', '_' and '.', starting
     * and ending alphanumeric (values may be empty). {@code defaultValue} when the key is absent; an explicit {@code {}}
     * stays empty. A bad label is named in the problem, whose fix sets the default.
     */
    public Map<String, String> labelMap(String key, Map<String, String> defaultValue) {
        if (!has(key)) return defaultValue;
        var labels = stringMap(key);
        // One line of JSON, as the engine hands objects over; label syntax has no character JSON must escape.
        var pairs = new ArrayList<String>();
        new TreeMap<>(defaultValue).forEach((k, v) -> pairs.add("\"" + k + "\":\"" + v + "\""));
        String example = "{" + String.join(",", pairs) + "}";
        for (var e : labels.entrySet()) {
            if (!isLabelKey(e.getKey())) {
                problem(key, "'" + e.getKey() + "' is not a Kubernetes label key ([prefix/]name: the name at most 63 "
                        + "characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit; the "
                        + "prefix a lowercase DNS subdomain).", example);
            }
            if (!e.getValue().isEmpty() && (e.getValue().length() > 63 || !LABEL_NAME.matcher(e.getValue()).matches())) {
                problem(key, "'" + e.getValue() + "' (of " + e.getKey() + ") is not a Kubernetes label value (at most 63 "
                        + "characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit).", example);
            }
        }
        return labels;
    }

    static boolean isLabelKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) return false;
        return name.length() <= 63 && LABEL_NAME.matcher(name).matches();
    }

    /** Children of a map whose keys are names (e.g. per-component overrides). */
    public Map<String, Fields> objects(String key) {
        Object v = value(key);
        if (v == null) return Map.of();
        Map<String, Object> map = asMap(key, v);
        if (map == null) return Map.of();
        var result = new LinkedHashMap<String, Fields>();
        map.forEach((k, val) -> {
            Map<String, Object> child = asMap(key + "." + k, val);
            result.put(k, new Fields(raw, full(key + "." + k), child == null ? Map.of() : child, problems));
        });
        return result;
    }

    public Optional<Secret> secret(String key) {
        known.add(key);
        Object v = values.get(key);
        if (v == null) return Optional.empty();
        if (v instanceof Secret s) return Optional.of(s);
        problemWithFix(key, "holds a plain value but must be a secret.",
                "pulumi config set --stack " + raw.stack() + " --secret '" + configKey(key) + "' <value>");
        return Optional.empty();
    }

    public Secret requiredSecret(String key) {
        known.add(key);
        if (values.get(key) == null) {
            problemWithFix(key, "is required and missing.",
                    "pulumi config set --stack " + raw.stack() + " --secret '" + configKey(key) + "' <value>");
            return Secret.offline(configKey(key));
        }
        return secret(key).orElseGet(() -> Secret.offline(configKey(key)));
    }

    /**
     * A required secret. The real engine must have it (a problem names the command that sets it). Offline,
     * where a repository's stack files hold no ciphertext for someone else's secrets provider, an unset
     * secret becomes the placeholder and its key is added to {@code unset}, so plan can say what to set.
     */
    public Secret secretForEngine(String key, List<String> unset) {
        if (raw.offline() && values.get(key) == null) {
            known.add(key);
            unset.add(configKey(key));
            return Secret.offline(configKey(key));
        }
        return requiredSecret(key);
    }

    /** Reports keys that were given but that no reader asked for. Call last. */
    public void finish() {
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                problemWithFix(key, "is not a known setting." + Suggest.didYouMean(key, known),
                        "remove it, or correct its name (stacks/README.md lists every key).");
            }
        }
    }

    public <T> T map(Function<Fields, T> reader) {
        T result = reader.apply(this);
        finish();
        return result;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(String key, Object v) {
        if (v instanceof String s && s.trim().startsWith("{")) v = parseJson(key, s);
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        if (v != null) problemWithFix(key, "must be an object (key: value pairs), not " + kind(v) + ".",
                "write it as a YAML mapping in " + raw.file() + ", or use pulumi config set --path.");
        return null;
    }

    private Object parseJson(String key, String text) {
        // The real engine hands structured values over as JSON text.
        try {
            return Yaml.JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            problemWithFix(key, "is not valid JSON: " + e.getOriginalMessage(), "pulumi config set --path ...");
            return null;
        }
    }

    static String kind(Object v) {
        if (v == null) return "nothing";
        if (v instanceof Map) return "an object";
        if (v instanceof List) return "a list";
        if (v instanceof Boolean) return "a boolean";
        if (v instanceof Number) return "a number";
        return "the text";
    }

    private static String unitText(String unit) {
        return unit == null || unit.isEmpty() ? "" : " (" + unit + ")";
    }
}
