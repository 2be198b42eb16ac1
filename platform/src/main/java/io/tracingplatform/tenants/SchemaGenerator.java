package io.tracingplatform.tenants;

import io.tracingplatform.config.Durations;
import io.tracingplatform.config.ModelNumbers;
import io.tracingplatform.tenants.Model.Bool;
import io.tracingplatform.tenants.Model.Choice;
import io.tracingplatform.tenants.Model.Dur;
import io.tracingplatform.tenants.Model.ListOf;
import io.tracingplatform.tenants.Model.MapOf;
import io.tracingplatform.tenants.Model.NoneOr;
import io.tracingplatform.tenants.Model.Num;
import io.tracingplatform.tenants.Model.Obj;
import io.tracingplatform.tenants.Model.Str;
import io.tracingplatform.tenants.Model.Type;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON Schema (2020-12) of a {@link Model}, so editors validate tenant files with the very rules
 * the platform applies. {@code templates/tenant.schema.json} is this output; a test keeps them equal
 * ({@code ./platformctl tenant schema > templates/tenant.schema.json} regenerates it).
 */
public final class SchemaGenerator {
    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    private SchemaGenerator() {}

    public static String tenantSchema(List<String> stacks) {
        var schema = new LinkedHashMap<String, Object>();
        schema.put("$schema", DIALECT);
        schema.put("$id", "urn:tracing-platform:schema:tenant:v1");
        schema.put("title", "Tracing Platform tenant");
        schema.put("description", "One team's tenant file, stacks/tenants/<id>.yaml. Generated from the platform's "
                + "tenant model by 'platformctl tenant schema'; do not edit by hand.");
        schema.putAll(of(TenantModel.file(stacks)));
        return Yaml.toOutputJson(schema) + "\n";
    }

    static Map<String, Object> of(Type type) {
        var s = new LinkedHashMap<String, Object>();
        if (type instanceof Str str) {
            s.put("type", "string");
            if (str.pattern() != null) s.put("pattern", "^(?:" + str.pattern() + ")$");
            s.put("minLength", str.minLength());
            s.put("maxLength", str.maxLength());
            if (!str.placeholders().isEmpty()) s.put("not", Map.of("enum", str.placeholders()));
        } else if (type instanceof Choice c) {
            if (c.values().size() == 1) s.put("const", c.values().get(0));
            else s.put("enum", c.values());
        } else if (type instanceof Num n) {
            s.put("type", n.integer() ? "integer" : "number");
            s.put(n.exclusiveMin() ? "exclusiveMinimum" : "minimum", ModelNumbers.whole(n.min()));
            s.put("maximum", ModelNumbers.whole(n.max()));
        } else if (type instanceof Bool) {
            s.put("type", "boolean");
        } else if (type instanceof Dur) {
            s.put("type", "string");
            s.put("pattern", "^" + Durations.SYNTAX.pattern() + "$");
            s.put("not", Map.of("pattern", "^(0+(w|d|h|ms|m|s))+$"));
        } else if (type instanceof ListOf l) {
            s.put("type", "array");
            s.put("items", of(l.items()));
            if (l.minItems() > 0) s.put("minItems", l.minItems());
            if (l.unique()) s.put("uniqueItems", true);
        } else if (type instanceof Obj o) {
            s.put("type", "object");
            var properties = new LinkedHashMap<String, Object>();
            var required = new ArrayList<String>();
            o.fields().forEach((name, field) -> {
                var p = new LinkedHashMap<String, Object>();
                p.put("description", field.description());
                p.putAll(of(field.type()));
                properties.put(name, p);
                if (field.required()) required.add(name);
            });
            s.put("properties", properties);
            if (!required.isEmpty()) s.put("required", required);
            s.put("additionalProperties", false);
        } else if (type instanceof MapOf m) {
            s.put("type", "object");
            s.put("propertyNames", Map.of("enum", m.keys()));
            s.put("additionalProperties", of(m.values()));
            if (m.minEntries() > 0) s.put("minProperties", m.minEntries());
        } else if (type instanceof NoneOr n) {
            s.put("oneOf", List.of(Map.of("const", "none"), of(n.object())));
        }
        return s;
    }
}
