package io.tracingplatform.tenants;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small declarative model of a YAML document's fields. One model drives both the validator (positions,
 * "did you mean", types) and the JSON Schema editors use, so the two cannot disagree.
 */
public final class Model {
    private Model() {}

    /** A field's type. */
    public sealed interface Type permits Str, Choice, Num, Bool, Dur, ListOf, Obj, MapOf, NoneOr {}

    /**
     * A string; {@code pattern} (anchored) may be null. {@code placeholders}: values a template ships with that no
     * real file means (refused, so a scaffold cannot be merged unedited).
     */
    public record Str(String pattern, int minLength, int maxLength, String rule, List<String> placeholders) implements Type {
        public Str(String pattern, int minLength, int maxLength, String rule) {
            this(pattern, minLength, maxLength, rule, List.of());
        }
    }

    /** One of fixed strings. */
    public record Choice(List<String> values) implements Type {}

    /**
     * A number; {@code exclusiveMin} true means strictly greater than {@code min}; {@code whyMin}, when not null,
     * says why a value below the minimum cannot work (shown in the error).
     */
    public record Num(double min, boolean exclusiveMin, double max, boolean integer, String unit, String whyMin) implements Type {
        public Num(double min, boolean exclusiveMin, double max, boolean integer, String unit) {
            this(min, exclusiveMin, max, integer, unit, null);
        }
    }

    public record Bool() implements Type {}

    /** A duration ({@link Durations}), strictly positive. */
    public record Dur() implements Type {}

    public record ListOf(Type items, int minItems, boolean unique) implements Type {}

    /** An object with known fields; anything else is an error. */
    public record Obj(Map<String, Field> fields) implements Type {
        public static Obj of(Field... fields) {
            var map = new LinkedHashMap<String, Field>();
            for (var f : fields) map.put(f.name(), f);
            return new Obj(map);
        }
    }

    /** An object whose keys are names from {@code keys} (e.g. stack names), each value of one type. */
    public record MapOf(List<String> keys, Type values, int minEntries) implements Type {}

    /** The word {@code none}, or an object. */
    public record NoneOr(Obj object) implements Type {}

    /**
     * @param name key in the document
     * @param type its type
     * @param required whether it must be present
     * @param description what it means, with unit and default; shown by editors
     */
    public record Field(String name, Type type, boolean required, String description) {
        public static Field required(String name, Type type, String description) {
            return new Field(name, type, true, description);
        }

        public static Field optional(String name, Type type, String description) {
            return new Field(name, type, false, description);
        }
    }
}
