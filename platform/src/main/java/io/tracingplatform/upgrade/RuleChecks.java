package io.tracingplatform.upgrade;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.release.UpgradeRule;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Evaluates a rule's checks on what a plan generates (ConfigMap data, tenant list): no check trusts a promise. */
public final class RuleChecks {
    private RuleChecks() {}

    /** The failures of a rule on a plan; empty means the program handles the change. */
    public static List<String> failures(UpgradeRule rule, Plan plan, List<String> tenantIds) {
        var out = new ArrayList<String>();
        for (var check : rule.checks()) {
            switch (check.kind()) {
                case "config-equals", "config-not-equals", "config-absent" -> {
                    JsonNode doc = configDocument(plan, check.configMap(), check.key());
                    if (doc == null) {
                        out.add("ConfigMap " + check.configMap() + " has no " + check.key());
                        continue;
                    }
                    JsonNode at = doc.at("/" + check.path().replace('.', '/'));
                    String value = at.isMissingNode() || at.isNull() ? null : at.asText();
                    String where = check.configMap() + "/" + check.key() + ": " + check.path();
                    if (check.kind().equals("config-equals") && !check.value().equals(value)) {
                        out.add(where + " is " + (value == null ? "unset" : "'" + value + "'") + ", needs '" + check.value() + "'");
                    } else if (check.kind().equals("config-not-equals") && check.value().equals(value)) {
                        out.add(where + " is '" + value + "'");
                    } else if (check.kind().equals("config-absent") && !at.isMissingNode()) {
                        out.add(where + " is set");
                    }
                }
                case "collector-components-absent" -> {
                    var used = collectorComponents(plan);
                    for (String c : check.components()) {
                        if (used.contains(c)) out.add("a collector config uses " + c);
                    }
                }
                case "collector-components-draining-only" -> {
                    for (String c : check.components()) {
                        for (String use : collectorUses(plan, c)) out.add("a collector config uses " + c + " " + use);
                    }
                }
                case "tenant-ids-match" -> {
                    var pattern = Pattern.compile(check.pattern());
                    for (String id : tenantIds) {
                        if (!pattern.matcher(id).matches() || id.equals(".") || id.equals("..")) out.add("tenant id '" + id + "'");
                    }
                }
                default -> out.add("unknown check kind '" + check.kind() + "' (catalog bug)");
            }
        }
        return out;
    }

    /** The parsed YAML of one ConfigMap data key in the plan, or null. */
    static JsonNode configDocument(Plan plan, String configMap, String key) {
        for (var r : plan.ofType("kubernetes:core/v1:ConfigMap")) {
            // Per-zone ingesters (tempo-ingester-zone-a, -b, ...) replace tempo-ingester where a stack sets tempo.zones;
            // their configs differ only in the ring zone, so zone a answers for the target.
            if (!configMap.equals(name(r)) && !(configMap + "-zone-a").equals(name(r))) continue;
            if (r.inputs().get("data") instanceof Map<?, ?> data && data.get(key) != null) {
                try {
                    return Yaml.YAML.readTree(String.valueOf(data.get(key)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return null;
    }

    /** "kind/type" of every component every collector config in the plan uses ("otlp/tempo-a" counts as otlp). */
    static List<String> collectorComponents(Plan plan) {
        var out = new ArrayList<String>();
        for (JsonNode doc : collectorConfigs(plan).values()) {
            for (String section : List.of("receivers", "processors", "exporters", "extensions", "connectors")) {
                String kind = section.substring(0, section.length() - 1);
                doc.path(section).fieldNames().forEachRemaining(n -> out.add(kind + "/" + n.split("/")[0]));
            }
        }
        return out;
    }

    /**
     * Where a component type ("exporter/otlp") is used other than as an exporter of the drain pipeline only: "as
     * receiver/otlp", "as otlp/tenant-a in pipeline traces/tenant-a" (the drain pipeline takes no data, GatewayPlan).
     */
    static List<String> collectorUses(Plan plan, String component) {
        String kind = component.substring(0, component.indexOf('/'));
        String type = component.substring(component.indexOf('/') + 1);
        var out = new ArrayList<String>();
        for (JsonNode doc : collectorConfigs(plan).values()) {
            doc.path(kind + "s").fieldNames().forEachRemaining(id -> {
                if (!id.split("/")[0].equals(type)) return;
                if (!kind.equals("exporter")) {
                    out.add("as " + id);
                    return;
                }
                doc.path("service").path("pipelines").fields().forEachRemaining(p -> {
                    for (JsonNode e : p.getValue().path("exporters")) {
                        if (e.asText().equals(id) && !p.getKey().equals(io.tracingplatform.collector.GatewayPlan.DRAIN_PIPELINE)) {
                            out.add("as " + id + " in pipeline " + p.getKey());
                        }
                    }
                });
            });
        }
        return out;
    }

    /** Every collector config of the plan (ConfigMap data key collector.yaml), parsed, by its ConfigMap. */
    static Map<Plan.PlannedResource, JsonNode> collectorConfigs(Plan plan) {
        var out = new java.util.LinkedHashMap<Plan.PlannedResource, JsonNode>();
        for (var r : plan.ofType("kubernetes:core/v1:ConfigMap")) {
            if (!(r.inputs().get("data") instanceof Map<?, ?> data) || data.get("collector.yaml") == null) continue;
            try {
                out.put(r, Yaml.YAML.readTree(String.valueOf(data.get("collector.yaml"))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static String name(Plan.PlannedResource r) {
        return java.util.Objects.toString(UpgradePlanner.at(r.inputs(), "metadata.name"), "");
    }
}
