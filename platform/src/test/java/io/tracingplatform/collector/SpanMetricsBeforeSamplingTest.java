package io.tracingplatform.collector;

import static io.tracingplatform.collector.GatewaySignalsTest.at;
import static io.tracingplatform.collector.GatewaySignalsTest.gateway;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.TempProject;
import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Span metrics of sampling tenants come from the gateway, before sampling, and Tempo's generator no longer computes
 * them for those tenants (issue 15, item 8). The real collector and Prometheus check the numbers:
 * real/SpanMetricsRealTest.
 */
class SpanMetricsBeforeSamplingTest {
    @Test
    @SuppressWarnings("unchecked")
    void prodsSamplingTenantsFeedTheSpanMetricsConnectorAndTheSamplerInOneRoute() throws Exception {
        var inputs = Plans.inputs("prod");
        var cfg = gateway(inputs.settings(), inputs.tenants());
        var sampling = inputs.tenants().stream().filter(t -> t.settings().sampling().enabled()).map(Tenant::id).toList();
        assertEquals(List.of("payments", "webshop"), sampling, "fixture: prod's sampling tenants");
        var routes = (List<Map<String, Object>>) at(cfg, "connectors", "routing/tenants").get("table");
        for (var t : inputs.tenants()) {
            var route = routes.stream().filter(r -> String.valueOf(r.get("condition")).contains("\"" + t.id() + "\"")).toList();
            assertEquals(1, route.size(), t.id() + ": one route (the router sends data to the first match only)");
            var expected = t.settings().spanMetricsAtGateway() ? List.of("traces/to-sampler", "traces/spanmetrics")
                    : t.settings().sampling().enabled() ? List.of("traces/to-sampler") : List.of("traces/tenant-" + t.id());
            assertEquals(expected, route.get(0).get("pipelines"), t.id());
        }
        var pipelines = at(cfg, "service", "pipelines");
        assertEquals(Map.of("receivers", List.of("routing/tenants"), "processors", List.of("transform/spanmetrics-resource"),
                "exporters", List.of("spanmetrics")), at(pipelines, "traces/spanmetrics"));
        assertEquals(Map.of("receivers", List.of("spanmetrics"), "processors", List.of("memory_limiter",
                "transform/spanmetrics-names", "resource/spanmetrics-instance"), "exporters", List.of("routing/metrics")),
                at(pipelines, "metrics/spanmetrics"), "into the per-tenant metrics routing: each tenant's own X-Scope-OrgID");
        var resource = String.valueOf(at(cfg, "processors", "transform/spanmetrics-resource"));
        assertTrue(resource.contains(GatewayPlan.TENANT_ATTRIBUTE), "the metrics router reads the tenant from the resource: " + resource);
        assertFalse(resource.contains("service.instance.id"), "the app's instance id is dropped: one series per service and gateway pod");
        assertEquals(List.of(Map.of("key", "service.instance.id", "value", "${env:POD_NAME}", "action", "upsert")),
                at(cfg, "processors", "resource/spanmetrics-instance").get("attributes"),
                "each gateway pod's cumulative counters are its own series (the instance label)");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConnectorCountsLikeTemposGeneratorAndKeepsTheTenant() throws Exception {
        var inputs = Plans.inputs("prod");
        var connector = at(gateway(inputs.settings(), inputs.tenants()), "connectors", "spanmetrics");
        assertEquals("traces.spanmetrics", connector.get("namespace"));
        assertEquals(true, connector.get("add_resource_attributes"), "tracing.tenant stays on the resource whatever the feature gate");
        assertEquals(Map.of("enabled", false), connector.get("exemplars"), "exemplars would point at traces the sampler drops");
        assertEquals("AGGREGATION_TEMPORALITY_CUMULATIVE", connector.get("aggregation_temporality"));
        var histogram = (Map<String, Object>) connector.get("histogram");
        assertEquals("s", histogram.get("unit"));
        var buckets = (List<String>) ((Map<String, Object>) histogram.get("explicit")).get("buckets");
        var seconds = buckets.stream().map(b -> Double.parseDouble(b.replace("ms", "")) / 1000).toList();
        var tempo = Yaml.YAML.readTree(Reference.require("tempo/config-manifest-v2.10.8.yaml").toFile())
                .at("/metrics_generator/processor/span_metrics/histogram_buckets");
        var expected = new ArrayList<Double>();
        tempo.forEach(n -> expected.add(n.asDouble()));
        assertEquals(expected, seconds, "the generator's default buckets, so le labels are the same");
        var tempoRegistry = Yaml.YAML.readTree(Reference.require("tempo/config-manifest-v2.10.8.yaml").toFile())
                .at("/metrics_generator/registry");
        assertEquals(tempoRegistry.path("collection_interval").asText(), connector.get("metrics_flush_interval"));
        assertEquals(tempoRegistry.path("stale_duration").asText().replace("0s", ""), connector.get("metrics_expiration"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void tempoComputesSpanMetricsOnlyWhereTheGatewayDoesNot(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var plan = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var overrides = Yaml.YAML.readTree(plan.overridesYaml()).path("overrides");
        var gw = GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today());
        for (var t : inputs.tenants()) {
            var processors = new ArrayList<String>();
            overrides.path(t.id()).path("metrics_generator").path("processors").forEach(n -> processors.add(n.asText()));
            var s = t.settings();
            assertEquals(s.spanMetrics() && !s.sampling().enabled(), processors.contains("span-metrics"),
                    stack + " " + t.id() + ": span metrics from Tempo only for tenants that keep every trace " + processors);
            // The size subprocessor only, where the gateway counts: the tenant usage dashboard's bytes against the
            // rate limit (traces_spanmetrics_size_total) measure what reached Tempo.
            assertEquals(s.spanMetricsAtGateway(), processors.contains("span-metrics-size"),
                    stack + " " + t.id() + ": the generator keeps the size of what reached Tempo " + processors);
            assertEquals(s.serviceGraphs(), processors.contains("service-graphs"),
                    stack + " " + t.id() + ": service graphs stay with the generator (no servicegraph connector here)");
            assertEquals(s.spanMetricsAtGateway(), gw.spanMetricsTenants().contains(t.id()), stack + " " + t.id());
        }
        boolean any = !gw.spanMetricsTenants().isEmpty();
        var gatewayConfig = Yaml.YAML.readValue(gw.gatewayYaml(), Map.class);
        assertEquals(any, ((Map<?, ?>) gatewayConfig.getOrDefault("connectors", Map.of())).containsKey("spanmetrics"), stack);
    }

    /** The gateway pods get their own name from the downward API exactly where the config reads it. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    @SuppressWarnings("unchecked")
    void theGatewayPodKnowsItsNameWhereItComputesSpanMetrics(String stack) {
        var inputs = Plans.inputs(stack);
        boolean computes = !GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today()).spanMetricsTenants().isEmpty();
        assertEquals(stack.equals("prod"), computes, "fixture: only prod has sampling tenants");
        var sts = Plans.of(stack).named("kubernetes:apps/v1:StatefulSet", "platform-gateway-gateway").inputs();
        var containers = (List<Map<String, Object>>) at(at(at(sts, "spec"), "template"), "spec").get("containers");
        var env = (List<Map<String, Object>>) containers.get(0).get("env");
        var pod = env.stream().filter(e -> GatewayPlan.POD_NAME_ENV.equals(e.get("name"))).toList();
        assertEquals(computes ? 1 : 0, pod.size(), stack + ": " + env);
        if (computes) {
            assertEquals(Map.of("fieldRef", Map.of("fieldPath", "metadata.name")), pod.get(0).get("valueFrom"));
        }
    }

    @TempDir Path projectDir;

    /** Without a metrics backend the gateway has nowhere to send them: refused, not served wrong by the generator. */
    @Test
    void aSamplingTenantsSpanMetricsNeedTheStacksMetricsEndpoint() throws Exception {
        var p = new TempProject(projectDir, true);
        p.replaceInStack("prod", "    metricsEndpoint: http://mimir-distributor.metrics.svc:8080/otlp\n", "");
        var e = assertThrows(InvalidInputException.class,
                () -> io.tracingplatform.App.load(p.layout, StackFiles.read(p.layout, "prod")));
        var fields = e.problems().stream().map(pr -> pr.field()).distinct().toList();
        assertEquals(List.of("tracing-platform:gateway.metricsEndpoint"), fields, e.getMessage());
        var text2 = e.problems().stream().map(pr -> pr.message()).toList().toString();
        assertTrue(text2.contains("payments") && text2.contains("webshop"), text2);

        // The same stack is fine once those tenants turn span metrics off.
        for (String id : List.of("payments", "webshop")) {
            Path tf = p.root.resolve("stacks/tenants/" + id + ".yaml");
            String t = Files.readString(tf);
            Files.writeString(tf, t.replaceFirst("metricsGenerator: \\{spanMetrics: true", "metricsGenerator: {spanMetrics: false"));
        }
        var inputs = io.tracingplatform.App.load(p.layout, StackFiles.read(p.layout, "prod"));
        assertTrue(GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today()).spanMetricsTenants().isEmpty());
    }
}
