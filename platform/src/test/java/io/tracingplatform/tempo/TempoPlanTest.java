package io.tracingplatform.tempo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.config.TempoSettings;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TempoPlanTest {
    static final Map<String, String> KINDS = Map.of(
            "distributor", "kubernetes:apps/v1:Deployment",
            "ingester", "kubernetes:apps/v1:StatefulSet",
            "querier", "kubernetes:apps/v1:Deployment",
            "query-frontend", "kubernetes:apps/v1:Deployment",
            "compactor", "kubernetes:apps/v1:Deployment",
            "metrics-generator", "kubernetes:apps/v1:StatefulSet",
            "memcached", "kubernetes:apps/v1:StatefulSet");

    @SuppressWarnings("unchecked")
    static <T> T at(Object map, String... path) {
        Object v = map;
        for (String p : path) v = v instanceof List<?> l ? l.get(Integer.parseInt(p)) : ((Map<String, Object>) v).get(p);
        return (T) v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyComponentHasTheRightKindAndReplicasFromSizing(String stack) {
        var plan = Plans.of(stack);
        var sizes = Sizing.of(Plans.inputs(stack).settings().tempo());
        for (var e : KINDS.entrySet()) {
            var r = plan.named(e.getValue(), "platform-tempo-" + e.getKey());
            assertEquals("platform-tempo", r.parent());
            Number replicas = at(r.inputs(), "spec", "replicas");
            boolean hpa = e.getKey().equals("distributor") || e.getKey().equals("querier");
            if (hpa) {
                assertEquals(null, replicas, e.getKey() + ": replicas belong to the HPA");
                var h = plan.named("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "platform-tempo-" + e.getKey() + "-hpa");
                assertEquals(sizes.get(e.getKey()).replicas(), ((Number) at(h.inputs(), "spec", "minReplicas")).intValue());
            } else {
                assertEquals(sizes.get(e.getKey()).replicas(), replicas.intValue(), stack + " " + e.getKey());
            }
        }
        var tempoHpas = plan.ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler").stream()
                .filter(h -> h.parent().equals("platform-tempo")).toList();
        assertEquals(2, tempoHpas.size(), "HPAs for distributor and querier only");
        assertTrue(tempoHpas.stream().noneMatch(h -> h.name().contains("ingester")), "never an HPA for ingesters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyContainerIsHardened(String stack) {
        var plan = Plans.of(stack);
        int containers = 0;
        for (var r : plan.resources()) {
            if (!List.of("kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:batch/v1:Job",
                    "kubernetes:batch/v1:CronJob").contains(r.type())) continue;
            Map<String, Object> pod = r.type().endsWith(":CronJob")
                    ? at(r.inputs(), "spec", "jobTemplate", "spec", "template", "spec")
                    : at(r.inputs(), "spec", "template", "spec");
            assertEquals(true, at(pod, "securityContext", "runAsNonRoot"), r.name());
            assertEquals(false, pod.get("automountServiceAccountToken"), r.name() + ": no API token");
            for (Map<String, Object> c : (List<Map<String, Object>>) pod.get("containers")) {
                containers++;
                String where = stack + " " + r.name() + "/" + c.get("name");
                assertEquals(true, at(c, "securityContext", "runAsNonRoot"), where);
                assertEquals(true, at(c, "securityContext", "readOnlyRootFilesystem"), where);
                assertEquals(false, at(c, "securityContext", "allowPrivilegeEscalation"), where);
                assertEquals(List.of("ALL"), at(c, "securityContext", "capabilities", "drop"), where);
                assertEquals("RuntimeDefault", at(c, "securityContext", "seccompProfile", "type"), where);
                for (String k : List.of("requests", "limits")) {
                    Map<String, Object> res = at(c, "resources", k);
                    assertTrue(res != null && res.containsKey("cpu") && res.containsKey("memory"), where + ": " + k);
                }
            }
        }
        assertTrue(containers >= 8, "all workloads seen: " + containers);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void bucketUsersRunAsTheIrsaServiceAccountAndOthersWithoutCloudIdentity(String stack) {
        var plan = Plans.of(stack);
        for (String t : List.of("ingester", "querier", "query-frontend", "compactor")) {
            assertEquals("tempo", at(plan.named(KINDS.get(t), "platform-tempo-" + t).inputs(), "spec", "template", "spec", "serviceAccountName"), t);
        }
        for (String t : List.of("distributor", "metrics-generator", "memcached")) {
            assertEquals(TempoCluster.INTERNAL_SERVICE_ACCOUNT,
                    at(plan.named(KINDS.get(t), "platform-tempo-" + t).inputs(), "spec", "template", "spec", "serviceAccountName"), t);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void ingestersAreSafeToRunAndToDrain(String stack) throws Exception {
        var plan = Plans.of(stack);
        var ingester = plan.named("kubernetes:apps/v1:StatefulSet", "platform-tempo-ingester").inputs();
        assertEquals(1200L, ((Number) at(ingester, "spec", "template", "spec", "terminationGracePeriodSeconds")).longValue());
        assertEquals("ingester-data", at(ingester, "spec", "volumeClaimTemplates", "0", "metadata", "name"));
        assertEquals("Retain", at(ingester, "spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"));
        assertEquals("topology.kubernetes.io/zone", at(ingester, "spec", "template", "spec", "topologySpreadConstraints", "0", "topologyKey"));
        assertEquals("DoNotSchedule", at(ingester, "spec", "template", "spec", "topologySpreadConstraints", "0", "whenUnsatisfiable"));
        assertEquals("memberlist", at(ingester, "spec", "template", "metadata", "labels", "app.kubernetes.io/part-of"));
        var pdb = plan.named("kubernetes:policy/v1:PodDisruptionBudget", "platform-tempo-ingester-pdb").inputs();
        assertEquals(1L, ((Number) at(pdb, "spec", "maxUnavailable")).longValue(), "PDB allows one ingester down");
        var config = Yaml.YAML.readTree(Plans.of(stack).named("kubernetes:core/v1:ConfigMap", "platform-tempo-ingester-config")
                .inputs().get("data") instanceof Map<?, ?> m ? String.valueOf(m.get("tempo.yaml")) : "");
        assertEquals(3, config.at("/ingester/lifecycler/ring/replication_factor").asInt());
        assertTrue(plan.resources().stream().anyMatch(r -> r.type().equals("kubernetes:apps/v1:StatefulSet")
                && r.name().equals("platform-tempo-ingester") && r.retainOnDelete()), "ingester StatefulSet retained on delete");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void overridesConfigMapHasEveryTenantOfTheStackWithEveryField(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        Map<String, Object> data = at(Plans.of(stack).named("kubernetes:core/v1:ConfigMap", "platform-tempo-overrides").inputs(), "data");
        var file = Yaml.YAML.readTree(String.valueOf(data.get("overrides.yaml")));
        var ids = new java.util.TreeSet<String>();
        file.get("overrides").fieldNames().forEachRemaining(ids::add);
        assertEquals(new java.util.TreeSet<>(inputs.tenants().stream().map(t -> t.id()).toList()), ids);
        for (var t : inputs.tenants()) {
            var o = file.get("overrides").get(t.id());
            for (String p : List.of("/ingestion/rate_limit_bytes", "/ingestion/burst_size_bytes", "/ingestion/max_traces_per_user",
                    "/ingestion/rate_strategy", "/global/max_bytes_per_trace", "/compaction/block_retention",
                    "/metrics_generator/max_active_series", "/metrics_generator/processors", "/read/max_bytes_per_tag_values_query")) {
                assertFalse(o.at(p).isMissingNode(), t.id() + " must set " + p);
            }
            assertTrue(o.at("/ingestion/rate_limit_bytes").asLong() > 0, "never a zero rate limit");
            assertEquals(Math.round(t.settings().rateLimitMBps() * 1_000_000), o.at("/ingestion/rate_limit_bytes").asLong());
            assertEquals(t.settings().retention().toHours() + "h", o.at("/compaction/block_retention").asText());
        }
    }

    @Test
    void aConfigChangeRollsPodsButATenantChangeDoesNot() {
        var inputs = Plans.inputs("dev");
        var storage = StoragePlan.of(inputs.settings(), inputs.tenants());
        var a = TempoPlan.of(inputs.settings(), inputs.tenants(), storage);
        var b = TempoPlan.of(inputs.settings(), inputs.tenants().subList(0, 1), storage);
        assertNotEquals(a.overridesYaml(), b.overridesYaml());
        assertEquals(a.configHashes(), b.configHashes(), "overrides reload at runtime: no restart for a tenant change");
        var hash = at(Plans.of("dev").named("kubernetes:apps/v1:StatefulSet", "platform-tempo-ingester").inputs(),
                "spec", "template", "metadata", "annotations", "tracing-platform.io/config-hash");
        assertEquals(a.configHashes().get("ingester"), hash);
        var prod = Plans.inputs("prod");
        var other = TempoPlan.of(prod.settings(), prod.tenants(), StoragePlan.of(prod.settings(), prod.tenants()));
        assertNotEquals(a.configHashes().get("ingester"), other.configHashes().get("ingester"), "another bucket, another hash");
    }

    static TempoSettings ingest(double mbps) {
        return new TempoSettings(mbps, 3, "standard", "required", "10Gi", "10Gi", Optional.empty(), "http://p/api/v1/write",
                true, 3, Map.of());
    }

    @Test
    void sizingFollowsTheSizeGuide() {
        // The table in platform/README.md: 10, 100 and 500 MB/s.
        assertReplicas(ingest(10), 2, 3, 7, 2, 3, 1, 1);
        assertReplicas(ingest(100), 10, 25, 67, 2, 25, 10, 2);
        assertReplicas(ingest(500), 50, 125, 334, 2, 125, 50, 10);
        assertEquals(3, Sizing.of(ingest(1)).get("ingester").replicas(), "never below the replication factor");
        var overridden = new TempoSettings(10, 3, "standard", "required", "10Gi", "10Gi", Optional.empty(), "http://p", true, 3,
                Map.of("querier", new TempoSettings.ComponentOverride(Optional.of(4), Optional.of("250m"), Optional.empty(), Optional.empty(), Optional.empty())));
        assertEquals(4, Sizing.of(overridden).get("querier").replicas());
        assertEquals("250m", Sizing.of(overridden).get("querier").cpu());
    }

    static void assertReplicas(TempoSettings t, int dist, int ing, int querier, int qf, int compactor, int gen, int memcached) {
        var s = Sizing.of(t);
        assertEquals(List.of(dist, ing, querier, qf, compactor, gen, memcached), List.of(s.get("distributor").replicas(),
                s.get("ingester").replicas(), s.get("querier").replicas(), s.get("query-frontend").replicas(),
                s.get("compactor").replicas(), s.get("metrics-generator").replicas(), s.get("memcached").replicas()),
                "at " + t.plannedIngestMBps() + " MB/s");
    }

    @Test
    void localStackHasNoPrometheusOperatorObjects() {
        var plan = Plans.of("local");
        assertTrue(plan.resources().stream().noneMatch(r -> r.type().contains("monitoring.coreos.com")),
                "no CRD instances where the operator is absent");
        assertTrue(Plans.of("prod").ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").size() >= 7);
    }

    @TempDir Path tmp;

    @Test
    void renderedRulesPassPromtool() throws Exception {
        var promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool), "promtool absent: .ci/run installs Debian's prometheus package");
        Map<String, Object> spec = at(Plans.of("prod").named("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-tempo-alerts").inputs(), "spec");
        var file = tmp.resolve("rules.yaml");
        Files.writeString(file, Yaml.toYaml(spec));
        var p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS: 6 rules found"), out);
    }

    @Test
    void alertsUseMetricNamesTempoExports() throws Exception {
        var mixin = new StringBuilder();
        try (var files = Files.list(Reference.require("tempo/mixin-v2.10.8"))) {
            for (Path f : files.toList()) mixin.append(Files.readString(f));
        }
        var rules = Yaml.toYaml(TempoAlerts.ruleGroups("tracing", "prod"));
        var metrics = java.util.regex.Pattern.compile("\\b(tempo[a-z_]*|tempodb_[a-z_]+|memcached_up)\\{").matcher(rules);
        int n = 0;
        while (metrics.find()) {
            String metric = metrics.group(1);
            n++;
            if (metric.equals("memcached_up")) continue; // prom/memcached-exporter, not Tempo
            assertTrue(mixin.indexOf(metric) >= 0, metric + " is not a metric Tempo's mixin knows");
        }
        assertTrue(n >= 6, "saw " + n + " metrics");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    void spanMetricsCarryTheTenantSoOneLocalPrometheusKeepsTenantsApart(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var plan = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var generator = Yaml.YAML.readTree(plan.configs().get("metrics-generator")).path("metrics_generator");
        assertEquals("tenant", generator.path("registry").path("inject_tenant_id_as").asText(),
                stack + ": two tenants' services of the same name stay two series");
        for (String target : List.of("distributor", "ingester", "querier", "query-frontend", "compactor")) {
            assertTrue(Yaml.YAML.readTree(plan.configs().get(target)).path("metrics_generator").isMissingNode(), target);
        }
    }
}
