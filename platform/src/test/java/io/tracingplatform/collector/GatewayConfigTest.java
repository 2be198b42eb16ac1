package io.tracingplatform.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.release.ReleaseCatalog;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The generated collector configs are complete, minimal and made of components the pinned image has. */
class GatewayConfigTest {
    /** Component type to the Go module that provides it (as the distribution manifest lists them). */
    static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("extension/basicauth", "basicauthextension"), Map.entry("extension/bearertokenauth", "bearertokenauthextension"),
            Map.entry("extension/file_storage", "filestorage"), Map.entry("extension/headers_setter", "headerssetterextension"),
            Map.entry("extension/health_check", "healthcheckextension"), Map.entry("extension/pprof", "pprofextension"),
            Map.entry("extension/zpages", "zpagesextension"), Map.entry("receiver/otlp", "otlpreceiver"),
            Map.entry("processor/attributes", "attributesprocessor"), Map.entry("processor/batch", "batchprocessor"),
            Map.entry("processor/memory_limiter", "memorylimiterprocessor"), Map.entry("processor/resource", "resourceprocessor"),
            Map.entry("processor/tail_sampling", "tailsamplingprocessor"), Map.entry("processor/transform", "transformprocessor"),
            Map.entry("connector/routing", "routingconnector"), Map.entry("connector/spanmetrics", "spanmetricsconnector"),
            Map.entry("exporter/loadbalancing", "loadbalancingexporter"),
            Map.entry("exporter/otlp", "otlpexporter"), Map.entry("exporter/otlphttp", "otlphttpexporter"),
            // The 0.144+ names of the same modules (their internal/metadata/generated_status.go: Type, DeprecatedType).
            Map.entry("exporter/otlp_grpc", "otlpexporter"), Map.entry("exporter/otlp_http", "otlphttpexporter"),
            // contrib 0.151+ name of the same module (its metadata.yaml: type span_metrics, deprecated_type spanmetrics).
            Map.entry("connector/span_metrics", "spanmetricsconnector"));

    static List<Map<String, Object>> configs(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var plan = GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today());
        var list = new ArrayList<Map<String, Object>>();
        list.add(Yaml.YAML.readValue(plan.gatewayYaml(), Map.class));
        if (plan.samplerYaml().isPresent()) list.add(Yaml.YAML.readValue(plan.samplerYaml().get(), Map.class));
        return list;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, List<String>>> pipelines(Map<String, Object> cfg) {
        return (Map<String, Map<String, List<String>>>) ((Map<String, Object>) cfg.get("service")).get("pipelines");
    }

    @SuppressWarnings("unchecked")
    static Set<String> ids(Map<String, Object> cfg, String section) {
        var m = (Map<String, Object>) cfg.getOrDefault(section, Map.of());
        return m.keySet();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    @SuppressWarnings("unchecked")
    void everyReferencedComponentIsDefinedAndEveryDefinedOneIsUsed(String stack) throws Exception {
        for (var cfg : configs(stack)) {
            var usedReceivers = new HashSet<String>();
            var usedProcessors = new HashSet<String>();
            var usedExporters = new HashSet<String>();
            pipelines(cfg).forEach((name, p) -> {
                usedReceivers.addAll(p.get("receivers"));
                usedProcessors.addAll(p.getOrDefault("processors", List.of()));
                usedExporters.addAll(p.get("exporters"));
            });
            var connectors = ids(cfg, "connectors");
            for (String r : usedReceivers) assertTrue(ids(cfg, "receivers").contains(r) || connectors.contains(r), "undefined receiver " + r);
            for (String p : usedProcessors) assertTrue(ids(cfg, "processors").contains(p), "undefined processor " + p);
            for (String e : usedExporters) assertTrue(ids(cfg, "exporters").contains(e) || connectors.contains(e), "undefined exporter " + e);
            assertEquals(ids(cfg, "receivers"), Set.copyOf(usedReceivers.stream().filter(r -> !connectors.contains(r)).toList()), "unused receivers");
            assertEquals(ids(cfg, "processors"), usedProcessors, "unused processors");
            assertEquals(ids(cfg, "exporters"), Set.copyOf(usedExporters.stream().filter(e -> !connectors.contains(e)).toList()), "unused exporters");
            for (String c : connectors) {
                assertTrue(usedExporters.contains(c) && usedReceivers.contains(c), "connector " + c + " must join two pipelines");
            }
            var service = (Map<String, Object>) cfg.get("service");
            var extensions = (List<String>) service.getOrDefault("extensions", List.of());
            assertEquals(ids(cfg, "extensions"), Set.copyOf(extensions), "every extension is enabled in service.extensions");
            String text = Yaml.toYaml(cfg);
            for (String ext : extensions) {
                if (ext.equals("health_check") || ext.equals("pprof") || ext.equals("zpages")) continue;
                assertTrue(text.split(java.util.regex.Pattern.quote(ext), -1).length > 3, "extension " + ext + " is referenced by a component");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void memoryLimiterIsFirstInEveryPipeline(String stack) throws Exception {
        for (var cfg : configs(stack)) {
            pipelines(cfg).forEach((name, p) -> {
                // The span metrics feed shares its data with the sampler route: a refusal there would make the client
                // resend what the sampling tier already took (GatewayPlan.memoryLimiterFirst).
                if (name.equals("traces/spanmetrics")) assertFalse(p.get("processors").contains("memory_limiter"), name);
                else assertEquals("memory_limiter", p.get("processors").get(0), name);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyComponentTypeIsInThePinnedCollectorVersion(String stack) {
        var inputs = Plans.inputs(stack);
        var plan = GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today());
        var allowed = inputs.settings().release().collectorComponents();
        plan.componentTypes().forEach((kind, types) -> {
            for (String t : types) {
                String key = kind.substring(0, kind.length() - 1) + "/" + t;
                assertTrue(allowed.contains(key), key + " is not in release " + inputs.settings().release().name()
                        + "'s collectorComponents");
            }
        });
    }

    @Test
    void everyReleasesCollectorComponentsExistInItsContribManifest() throws Exception {
        for (var release : ReleaseCatalog.builtIn().all()) {
            String version = release.version("otelcolContrib");
            var manifest = manifestOf(version);
            for (String c : release.collectorComponents()) {
                String module = MODULES.get(c);
                assertTrue(module != null, "no module known for " + c);
                if (c.equals("exporter/otlp_grpc") || c.equals("exporter/otlp_http")) {
                    assertTrue(io.tracingplatform.release.Versions.compare(version, "0.144.0") >= 0,
                            release.name() + ": " + c + " is a name of otelcol 0.144 and later, not of " + version);
                }
                if (c.equals("connector/span_metrics")) {
                    assertTrue(io.tracingplatform.release.Versions.compare(version, "0.151.0") >= 0,
                            release.name() + ": " + c + " is a name of contrib 0.151 and later, not of " + version);
                }
                // The distribution pins each module itself (v0.140.0 builds contrib modules at v0.140.1).
                assertTrue(java.util.regex.Pattern.compile("/" + module + " v\\d").matcher(manifest).find(),
                        release.name() + ": " + c + " (" + module + ") is not in otelcol-contrib " + version);
            }
        }
    }

    /** The distribution manifest whose dist.version is the image tag. */
    static String manifestOf(String version) throws Exception {
        try (var files = Files.list(Reference.require("otelcol"))) {
            for (var f : files.toList()) {
                var dist = Yaml.YAML.readTree(f.toFile()).get("dist");
                if (dist != null && version.equals(dist.get("version").asText())) return Files.readString(f);
            }
        }
        throw new AssertionError("no otelcol-contrib manifest with dist.version " + version + " in ../shared/reference/otelcol:"
                + " the release pins an image whose components nobody checked");
    }

    @Test
    void debugExtensionsOnlyOnLocalAndOnlyOnLocalhost() throws Exception {
        for (String stack : List.of("dev", "staging", "prod")) {
            for (var cfg : configs(stack)) {
                assertFalse(ids(cfg, "extensions").contains("pprof") || ids(cfg, "extensions").contains("zpages"), stack);
            }
        }
        assertTrue(Yaml.toYaml(configs("local").get(0)).contains("endpoint: localhost:1777"));
    }

    @Test
    void samplingTierExistsOnlyWhenSomeTenantSamples() throws Exception {
        assertEquals(2, configs("prod").size(), "prod: payments and webshop sample");
        assertEquals(1, configs("dev").size(), "nobody samples in dev");
        assertTrue(Plans.of("dev").resources().stream().noneMatch(r -> r.name().contains("sampler")));
        assertTrue(Stream.of("platform-gateway-sampler", "platform-gateway-sampler-ingress")
                .allMatch(n -> Plans.of("prod").resources().stream().anyMatch(r -> r.name().equals(n))));
    }

    /**
     * Each sampling tenant has its own tail sampler, after the tenant router, with only its own rules: one shared
     * sampler groups spans by trace ID alone, so another tenant's span with the same trace ID could satisfy its rules.
     */
    @Test
    @SuppressWarnings("unchecked")
    void everySamplingTenantHasItsOwnTailSamplerWithOnlyItsRules() throws Exception {
        var inputs = Plans.inputs("prod");
        var sampler = configs("prod").get(1);
        var processors = (Map<String, Object>) sampler.get("processors");
        var pipelines = pipelines(sampler);
        assertFalse(pipelines.get("traces/sample").get("processors").stream().anyMatch(p -> p.startsWith("tail_sampling")),
                "nothing samples before the tenant router");
        var sampling = inputs.tenants().stream().filter(t -> t.settings().sampling().enabled()).toList();
        assertEquals(2, sampling.size());
        for (var t : sampling) {
            String id = "tail_sampling/" + t.id();
            assertEquals(List.of("memory_limiter", id), pipelines.get("traces/tenant-" + t.id()).get("processors"));
            assertEquals(List.of("routing/tenants"), pipelines.get("traces/tenant-" + t.id()).get("receivers"));
            var policies = (List<Map<String, Object>>) ((Map<String, Object>) processors.get(id)).get("policies");
            var s = t.settings().sampling();
            var expected = new ArrayList<String>();
            if (s.keepErrors()) expected.add("errors");
            if (s.keepSlowerThan().isPresent()) expected.add("slow");
            if (s.keepPercent() > 0) expected.add("percent");
            assertEquals(expected, policies.stream().map(p -> (String) p.get("name")).toList(), t.id());
            // The pod's 100000 shared by the tenants' rate limits.
            double rates = sampling.stream().mapToDouble(x -> x.settings().rateLimitMBps()).sum();
            assertEquals(Math.round(100_000 * t.settings().rateLimitMBps() / rates),
                    ((Number) ((Map<String, Object>) processors.get(id)).get("num_traces")).longValue(), t.id());
        }
        assertEquals(sampling.size(), processors.keySet().stream().filter(k -> k.startsWith("tail_sampling")).count());
    }
}
