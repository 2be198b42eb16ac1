package io.tracingplatform.tempo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every key the platform writes into Tempo's config exists in Tempo 2.10.8's own config manifest. */
class TempoConfigKeysTest {
    /**
     * Keys Tempo accepts that the manifest does not print, because the manifest omits zero values. Each with its
     * source; nothing else may be missing.
     */
    static final Map<String, String> OMITTED_IN_MANIFEST = Map.of(
            "multitenancy_enabled", "Tempo docs, Multitenancy: 'multitenancy_enabled: true' (false is omitted)",
            "metrics_generator.storage.remote_write", "Tempo docs, metrics-generator: storage.remote_write, a list of Prometheus remote_write configs (empty is omitted)",
            "metrics_generator.registry.inject_tenant_id_as", "Tempo docs, metrics-generator configuration: registry.inject_tenant_id_as, 'If set, the tenant ID will added as label with the given label name to all generated metrics' (empty is omitted)",
            "stream_over_http_enabled", "cmd/tempo/app/config.go (v2.10.8): Config.StreamOverHTTPEnabled `yaml:\"stream_over_http_enabled,omitempty\"` (false is omitted; not re-read here)");
    /** Per-tenant override keys whose zero defaults the manifest omits (Tempo docs, Overrides: scoped format). */
    static final Map<String, String> OMITTED_IN_OVERRIDES = Map.of(
            "compaction.block_retention", "Tempo docs, Overrides: compaction.block_retention (0 = the compactor's)",
            "metrics_generator.processors", "Tempo docs, Overrides: metrics_generator.processors (empty = none)",
            "metrics_generator.max_active_series", "Tempo docs, Overrides: metrics_generator.max_active_series (0 = unlimited)",
            "metrics_generator.trace_id_label_name", "Tempo modules/overrides: TraceIDLabelName `yaml:\"trace_id_label_name,omitempty\"` (empty = \"traceID\")",
            "read.max_search_duration", "modules/overrides/config.go (v2.10.8): ReadOverrides.MaxSearchDuration `yaml:\"max_search_duration,omitempty\"` (0 = query_frontend.search.max_duration; not re-read here)");

    static JsonNode manifest() throws Exception {
        return Yaml.YAML.readTree(Reference.require("tempo/config-manifest-v2.10.8.yaml").toFile());
    }

    /** Every leaf path of a YAML document; list items as "[]". */
    static List<String> paths(JsonNode node, String prefix) {
        var out = new ArrayList<String>();
        if (node.isObject() && node.size() > 0) {
            node.fields().forEachRemaining(e -> out.addAll(paths(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey())));
        } else if (node.isArray() && node.size() > 0 && node.get(0).isObject()) {
            for (JsonNode item : node) out.addAll(paths(item, prefix + "[]"));
        } else {
            out.add(prefix);
        }
        return out;
    }

    /** Whether the manifest accepts the path: every segment exists, or a free-form ({}, [], null) value is reached. */
    static boolean accepts(JsonNode manifest, String path) {
        JsonNode node = manifest;
        for (String segment : path.split("\\.")) {
            if (node == null) return false;
            if (node.isNull() || (node.isObject() && node.size() == 0) || (node.isArray() && node.size() == 0)) return true;
            boolean list = segment.endsWith("[]");
            String key = list ? segment.substring(0, segment.length() - 2) : segment;
            node = node.get(key);
            if (node != null && list && node.isArray() && node.size() > 0) node = node.get(0);
        }
        return node != null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyGeneratedConfigKeyExistsInTempoManifest(String stack) throws Exception {
        var manifest = manifest();
        var inputs = Plans.inputs(stack);
        var plan = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var unknown = new TreeSet<String>();
        int checked = 0;
        for (var entry : plan.configs().entrySet()) {
            for (String path : paths(Yaml.YAML.readTree(entry.getValue()), "")) {
                checked++;
                if (OMITTED_IN_MANIFEST.keySet().stream().anyMatch(path::startsWith)) continue;
                if (path.startsWith("overrides.defaults.")
                        && OMITTED_IN_OVERRIDES.containsKey(path.substring("overrides.defaults.".length()))) continue;
                if (!accepts(manifest, path)) unknown.add(entry.getKey() + ": " + path);
            }
        }
        assertTrue(checked > 50, "the check must see the whole config, saw " + checked);
        assertEquals(new TreeSet<String>(), unknown, "keys Tempo 2.10.8 does not know");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyPerTenantOverrideKeyExistsInTheOverridesSection(String stack) throws Exception {
        var defaults = manifest().get("overrides").get("defaults");
        var inputs = Plans.inputs(stack);
        var file = Yaml.YAML.readTree(TempoPlan.overridesYaml(inputs.settings(), inputs.tenants()));
        var unknown = new TreeSet<String>();
        file.get("overrides").fields().forEachRemaining(tenant -> {
            for (String path : paths(tenant.getValue(), "")) {
                if (OMITTED_IN_OVERRIDES.containsKey(path)) continue;
                if (!accepts(defaults, path)) unknown.add(tenant.getKey() + ": " + path);
            }
        });
        assertEquals(new TreeSet<String>(), unknown, "per-tenant override keys Tempo 2.10.8 does not know");
    }

    @Test
    void theCheckItselfRejectsAMisspeltKey() throws Exception {
        var manifest = manifest();
        assertTrue(accepts(manifest, "storage.trace.s3.forcepathstyle"));
        assertTrue(!accepts(manifest, "storage.trace.s3.force_path_style"), "misspelt key must be refused");
        assertTrue(!accepts(manifest, "distributer.receivers"), "unknown section must be refused");
        assertTrue(accepts(manifest, "distributor.receivers.otlp.protocols.grpc.endpoint"), "receivers are free-form");
    }
}
