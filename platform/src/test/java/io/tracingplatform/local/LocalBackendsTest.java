package io.tracingplatform.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.yaml.Yaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's Loki and Prometheus: valid for their tools, and what Grafana and Tempo are pointed at. */
class LocalBackendsTest {
    static LocalBackendsPlan plan() {
        return LocalBackendsPlan.of(Plans.inputs("local").settings());
    }

    static String run(Path dir, String... command) throws Exception {
        var p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void prometheusConfigPassesPromtoolAndItsFlagsExist(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")), "promtool is not installed (Debian package prometheus; .ci/run installs it)");
        // Only a promtool of the pinned image's major version is a judge: Debian bookworm's 2.42 refuses 3.x fields
        // (the otlp section) that the pinned 3.5 accepts. The real-server suite judges with 3.5 (PrometheusRealTest).
        String pinned = Plans.inputs("local").settings().release().image("prometheus");
        String major = pinned.substring(pinned.indexOf(":v") + 2).split("\\.")[0];
        String version = run(dir, "/usr/bin/promtool", "--version");
        assumeTrue(version.startsWith("promtool, version " + major + "."), "system promtool is not " + major + ".x ("
                + version.lines().findFirst().orElse("") + "); PrometheusRealTest (-Preal) judges the config at " + pinned);
        Files.writeString(dir.resolve("prometheus.yml"), plan().prometheusYaml());
        String out = run(dir, "/usr/bin/promtool", "check", "config", "prometheus.yml");
        assertTrue(out.contains("SUCCESS"), out);
        String help = run(dir, "/usr/bin/prometheus", "--help");
        for (String arg : plan().prometheusArgs()) {
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            assertTrue(help.contains(flag), flag + " is not a flag of Prometheus");
        }
    }

    @Test
    void grafanaAndTempoPointAtTheBackendsTheLocalStackRuns() {
        var s = Plans.inputs("local").settings();
        String ns = s.kubernetes().namespace();
        assertEquals("http://" + LocalBackendsPlan.LOKI + "." + ns + ".svc:" + LocalBackendsPlan.LOKI_PORT, s.grafana().lokiUrl());
        assertEquals("http://" + LocalBackendsPlan.PROMETHEUS + "." + ns + ".svc:" + LocalBackendsPlan.PROMETHEUS_PORT, s.grafana().prometheusUrl());
        assertEquals(s.grafana().prometheusUrl() + "/api/v1/write", s.tempo().prometheusRemoteWriteUrl(), "Prometheus's remote-write receiver");
        assertTrue(plan().prometheusArgs().contains("--web.enable-remote-write-receiver"));
        assertTrue(plan().prometheusArgs().contains("--enable-feature=exemplar-storage"), "exemplars link metrics to traces");
        var plan = Plans.of("local");
        plan.named("kubernetes:apps/v1:StatefulSet", "platform-backends-loki");
        plan.named("kubernetes:core/v1:Service", "platform-backends-prometheus-service");
        assertTrue(Plans.of("prod").ofType("tracing-platform:local:LocalBackends").isEmpty(), "production stacks bring their own");
    }

    /**
     * Prometheus finds its targets through the metrics Service's SRV records, so that Service must select every pod
     * that serves a metrics port: Tempo's ring members (ingesters, distributors, generators, compactors) included,
     * whose part-of label is "memberlist", not the platform's.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theMetricsServiceSelectsEveryPodWithAMetricsPortRingMembersIncluded() {
        var plan = Plans.of("local");
        var service = plan.named("kubernetes:core/v1:Service", "platform-backends-metrics-service");
        var selector = (Map<String, String>) at(service.inputs(), "spec", "selector");
        var scraped = new java.util.TreeSet<String>();
        var missed = new java.util.TreeSet<String>();
        for (String type : List.of("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet")) {
            for (var r : plan.ofType(type)) {
                var template = (Map<String, Object>) at(r.inputs(), "spec", "template");
                var labels = (Map<String, String>) ((Map<String, Object>) template.get("metadata")).get("labels");
                var containers = (List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers");
                boolean metrics = containers.stream().flatMap(c -> ((List<Map<String, Object>>) c.getOrDefault("ports", List.of())).stream())
                        .anyMatch(port -> LocalBackendsPlan.METRICS_PORTS.containsValue(String.valueOf(port.get("name"))));
                if (!metrics) continue;
                (labels.entrySet().containsAll(selector.entrySet()) ? scraped : missed).add(r.name());
            }
        }
        assertEquals(java.util.Set.of(), missed, "pods with a metrics port the Service does not select (selector " + selector + ")");
        assertTrue(scraped.stream().anyMatch(n -> n.contains("ingester")) && scraped.stream().anyMatch(n -> n.contains("distributor")),
                "ring members are scraped: " + scraped);
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> map, String... path) {
        Object at = map;
        for (String key : path) at = ((Map<String, Object>) at).get(key);
        return at;
    }

    @Test
    void lokiIsMultiTenantKeepsTheStacksRetentionAndScrapesOnlyThePlatform() throws Exception {
        var loki = Yaml.YAML.readTree(plan().lokiYaml());
        assertTrue(loki.path("auth_enabled").asBoolean(), "X-Scope-OrgID selects the tenant");
        assertTrue(loki.path("querier").path("multi_tenant_queries_enabled").asBoolean(), "the admins query 'a|b'");
        assertEquals("48h", loki.path("limits_config").path("retention_period").asText(), "local tenant default retention: 2d");
        assertTrue(loki.path("compactor").path("retention_enabled").asBoolean());
        var prometheus = Yaml.YAML.readTree(plan().prometheusYaml());
        var names = new java.util.TreeSet<String>();
        prometheus.path("scrape_configs").forEach(c -> names.add(c.path("dns_sd_configs").get(0).path("names").get(0).asText()));
        assertEquals(java.util.Set.of("_collector._tcp.platform-metrics.tracing.svc.cluster.local",
                "_memcached._tcp.platform-metrics.tracing.svc.cluster.local", "_tempo._tcp.platform-metrics.tracing.svc.cluster.local"), names);
        // The headless Service behind those names selects platform pods and targets their named metrics ports.
        var service = Plans.of("local").named("kubernetes:core/v1:Service", "platform-backends-metrics-service").inputs();
        assertEquals("None", ((java.util.Map<?, ?>) service.get("spec")).get("clusterIP"));
        assertEquals(java.util.Map.of("tracing-platform.io/environment", "local"), ((java.util.Map<?, ?>) service.get("spec")).get("selector"));
    }
}
