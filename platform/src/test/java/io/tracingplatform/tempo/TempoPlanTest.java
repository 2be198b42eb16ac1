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
    @SuppressWarnings("unchecked")
    void everyTempoTargetRunsWithTheBucketIdentityAndOthersWithout(String stack) {
        // Issue 15: every 2.10.8 target lists the bucket at start (usage reporter, store); the distributor and the
        // metrics-generator used to run as tempo-internal and would exit with "failed to initialize usage report".
        var plan = Plans.of(stack);
        for (var r : plan.resources()) {
            if (!r.parent().equals("platform-tempo") || !(r.type().endsWith(":Deployment") || r.type().endsWith(":StatefulSet"))) continue;
            String sa = at(r.inputs(), "spec", "template", "spec", "serviceAccountName");
            boolean tempoTarget = ((List<String>) at(r.inputs(), "spec", "template", "spec", "containers", "0", "args")).stream()
                    .anyMatch(a -> a.startsWith("-target="));
            assertEquals(tempoTarget ? "tempo" : TempoCluster.INTERNAL_SERVICE_ACCOUNT, sa, r.name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    @SuppressWarnings("unchecked")
    void usageReportingIsOffAndEveryLocalTargetGetsTheBucketCredentials(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var plan = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        for (var e : plan.configs().entrySet()) {
            assertFalse(Yaml.YAML.readTree(e.getValue()).at("/usage_report/reporting_enabled").asBoolean(true),
                    e.getKey() + ": no phone-home, no tempo_cluster_seed.json in the bucket");
        }
        if (!stack.equals("local")) return;
        for (var r : Plans.of(stack).resources()) {
            if (!r.parent().equals("platform-tempo") || !(r.type().endsWith(":Deployment") || r.type().endsWith(":StatefulSet"))) continue;
            Map<String, Object> c = at(r.inputs(), "spec", "template", "spec", "containers", "0");
            if (((List<String>) c.get("args")).stream().noneMatch(a -> a.startsWith("-target="))) continue;
            assertEquals(StoragePlan.CREDENTIALS_SECRET, at(c, "envFrom", "0", "secretRef", "name"), r.name() + " reads the local store's keys");
        }
    }

    static final String TEMPO_CLUSTER = "tracing-platform:index:TracingPlatform$tracing-platform:tempo:TempoCluster$";

    /** Zones are opt-in: without tempo.zones every stack keeps its one ingester StatefulSet, under its old URN. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyStackKeepsOneIngesterStatefulSetAndItsUrn(String stack) throws Exception {
        var plan = Plans.of(stack);
        var inputs = Plans.inputs(stack);
        assertEquals(List.of(), inputs.settings().tempo().zones(), stack + ": no tempo.zones in the stack file, no zones");
        assertFalse(inputs.settings().tempo().zoneAware(), stack);
        var ingesters = plan.ofType("kubernetes:apps/v1:StatefulSet").stream().filter(r -> r.name().startsWith("platform-tempo-ingester")).toList();
        assertEquals(List.of("platform-tempo-ingester"), ingesters.stream().map(r -> r.name()).toList(), stack + ": one StatefulSet");
        var r = ingesters.get(0);
        assertEquals("urn:pulumi:" + stack + "::tracing-platform::" + TEMPO_CLUSTER + "kubernetes:apps/v1:StatefulSet::platform-tempo-ingester",
                r.urn(), stack + ": an upgrade of the platform code never renames the ingesters (golden/stateful-urns.txt)");
        var ingester = r.inputs();
        assertEquals("ingester", at(ingester, "metadata", "name"));
        assertEquals("ingester", at(ingester, "spec", "serviceName"));
        assertEquals(null, (Object) at(ingester, "spec", "template", "spec", "affinity", "nodeAffinity"), stack + ": not pinned to a zone");
        String spread = inputs.settings().tempo().zoneSpread();
        assertEquals(spread.equals("required") ? "DoNotSchedule" : "ScheduleAnyway",
                at(ingester, "spec", "template", "spec", "topologySpreadConstraints", "0", "whenUnsatisfiable"), stack + ": spread over zones");
        var rendered = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        assertTrue(rendered.configs().keySet().stream().noneMatch(k -> k.startsWith("ingester-zone-")), rendered.configs().keySet().toString());
        assertEquals(List.of(), rendered.workloads().stream().filter(w -> w.name().equals("ingester")).findFirst().orElseThrow().aliases());
        var config = Yaml.YAML.readTree(rendered.configs().get("ingester"));
        assertTrue(config.at("/ingester/lifecycler/availability_zone").isMissingNode(), stack + ": no ring zone");
        for (String target : List.of("distributor", "ingester", "querier")) {
            var c = Yaml.YAML.readTree(rendered.configs().get(target));
            assertTrue(c.at("/ingester/lifecycler/ring/zone_awareness_enabled").isMissingNode(), stack + " " + target + ": not zone-aware");
            assertEquals(inputs.settings().tempo().replicationFactor(), c.at("/ingester/lifecycler/ring/replication_factor").asInt());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void ingestersAreSafeToRunAndToDrain(String stack) throws Exception {
        var plan = Plans.of(stack);
        var inputs = Plans.inputs(stack);
        var rendered = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var ingester = plan.named("kubernetes:apps/v1:StatefulSet", "platform-tempo-ingester").inputs();
        assertEquals(300L, ((Number) at(ingester, "spec", "template", "spec", "terminationGracePeriodSeconds")).longValue());
        assertEquals("ingester-data", at(ingester, "spec", "volumeClaimTemplates", "0", "metadata", "name"));
        assertEquals("Retain", at(ingester, "spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"));
        assertEquals("memberlist", at(ingester, "spec", "template", "metadata", "labels", "app.kubernetes.io/part-of"));
        var config = Yaml.YAML.readTree(rendered.configs().get("ingester"));
        assertFalse(config.at("/ingester/flush_all_on_shutdown").asBoolean(true), "SIGTERM writes the WAL; /shutdown flushes");
        assertTrue(plan.resources().stream().anyMatch(r -> r.name().equals("platform-tempo-ingester") && r.retainOnDelete()),
                "ingester retained on delete");
        var pdb = plan.named("kubernetes:policy/v1:PodDisruptionBudget", "platform-tempo-ingester-pdb").inputs();
        assertEquals(1L, ((Number) at(pdb, "spec", "maxUnavailable")).longValue(), "PDB allows one ingester down");
        assertEquals("ingester", at(pdb, "spec", "selector", "matchLabels", "app.kubernetes.io/component"));
    }

    /** A stack that sets tempo.zones (the opt-in migration): one ingester StatefulSet per zone, zone-aware replication. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void aStackWithZonesRunsOneIngesterStatefulSetPerZoneSafeToRunAndToDrain(String stack) throws Exception {
        var plan = Plans.zoned(stack);
        var inputs = Plans.zonedInputs(stack);
        var zones = inputs.settings().tempo().zones();
        assertEquals(Plans.ZONES, zones, stack + ": one zone per replica of a trace");
        assertTrue(inputs.settings().tempo().zoneAware());
        var rendered = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        assertTrue(plan.ofType("kubernetes:apps/v1:StatefulSet").stream().noneMatch(r -> r.name().equals("platform-tempo-ingester")),
                stack + ": the zones replace the single StatefulSet");
        int total = 0;
        for (int i = 0; i < zones.size(); i++) {
            String name = "ingester-zone-" + (char) ('a' + i);
            var resource = plan.named("kubernetes:apps/v1:StatefulSet", "platform-tempo-" + name);
            var ingester = resource.inputs();
            total += ((Number) at(ingester, "spec", "replicas")).intValue();
            assertEquals("urn:pulumi:" + stack + "::tracing-platform::" + TEMPO_CLUSTER + "kubernetes:apps/v1:StatefulSet::platform-tempo-" + name,
                    resource.urn());
            assertEquals(300L, ((Number) at(ingester, "spec", "template", "spec", "terminationGracePeriodSeconds")).longValue());
            assertEquals("ingester-data", at(ingester, "spec", "volumeClaimTemplates", "0", "metadata", "name"));
            assertEquals("Retain", at(ingester, "spec", "persistentVolumeClaimRetentionPolicy", "whenScaled"));
            assertEquals(name, at(ingester, "spec", "serviceName"));
            // pinned to its zone, which is also its ring zone
            assertEquals(List.of(zones.get(i)), at(ingester, "spec", "template", "spec", "affinity", "nodeAffinity",
                    "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms", "0", "matchExpressions", "0", "values"));
            assertEquals("memberlist", at(ingester, "spec", "template", "metadata", "labels", "app.kubernetes.io/part-of"));
            var config = Yaml.YAML.readTree(rendered.configs().get(name));
            assertEquals(zones.get(i), config.at("/ingester/lifecycler/availability_zone").asText(), name);
            assertFalse(config.at("/ingester/flush_all_on_shutdown").asBoolean(true), "SIGTERM writes the WAL; /shutdown flushes");
            assertEquals(rendered.configHashes().get(name),
                    at(ingester, "spec", "template", "metadata", "annotations", "tracing-platform.io/config-hash"), name + ": its own config hash");
            assertTrue(plan.resources().stream().anyMatch(r -> r.name().equals("platform-tempo-" + name) && r.retainOnDelete()),
                    name + " retained on delete");
        }
        int sized = Sizing.of(inputs.settings().tempo()).get("ingester").replicas();
        assertTrue(total >= sized && total < sized + zones.size(), stack + ": zones hold the sized ingesters, rounded up per zone");
        // zone a keeps the state (alias) of the single StatefulSet it replaces
        var zoneA = rendered.workloads().stream().filter(w -> w.name().equals("ingester-zone-a")).findFirst().orElseThrow();
        assertEquals(List.of("ingester"), zoneA.aliases());
        for (String other : List.of("ingester-zone-b", "ingester-zone-c")) {
            assertEquals(List.of(), rendered.workloads().stream().filter(w -> w.name().equals(other)).findFirst().orElseThrow().aliases(), other);
        }
        // distributors and queriers replicate zone-aware: one copy per zone
        for (String target : List.of("distributor", "querier")) {
            var config = Yaml.YAML.readTree(rendered.configs().get(target));
            assertTrue(config.at("/ingester/lifecycler/ring/zone_awareness_enabled").asBoolean(), target);
            assertEquals(3, config.at("/ingester/lifecycler/ring/replication_factor").asInt());
        }
        var pdb = plan.named("kubernetes:policy/v1:PodDisruptionBudget", "platform-tempo-ingester-pdb").inputs();
        assertEquals(1L, ((Number) at(pdb, "spec", "maxUnavailable")).longValue(), "PDB allows one ingester down, over all zones");
        assertEquals("ingester", at(pdb, "spec", "selector", "matchLabels", "app.kubernetes.io/component"));
    }

    @Test
    void zoneSpreadRequiredNeedsOneZonePerReplica() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> settingsWith("prod",
                "    replicationFactor: 3\n", "    replicationFactor: 3\n    zones: [eu-central-1a, eu-central-1b]\n"));
        assertTrue(e.getMessage().contains("tracing-platform:tempo.zones") && e.getMessage().contains("exactly replicationFactor (3)"), e.getMessage());
    }

    @Test
    void zonesNeedZoneSpreadRequired() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> settingsWith("prod",
                "    replicationFactor: 3\n", "    replicationFactor: 3\n    zoneSpread: preferred\n    zones: [eu-central-1a, eu-central-1b, eu-central-1c]\n"));
        assertTrue(e.getMessage().contains("tracing-platform:tempo.zones") && e.getMessage().contains("zoneSpread: required"), e.getMessage());
    }

    @TempDir Path projectDir;

    io.tracingplatform.PlatformInputs settingsWith(String stack, String from, String to) throws Exception {
        var p = new io.tracingplatform.TempProject(projectDir, true);
        var f = p.root.resolve("stacks/Pulumi." + stack + ".yaml");
        var text = Files.readString(f);
        assertTrue(text.contains(from), "fixture: " + from);
        Files.writeString(f, text.replace(from, to));
        return io.tracingplatform.App.load(p.layout, io.tracingplatform.config.StackFiles.read(p.layout, stack));
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
                    "/read/max_search_duration", "/global/max_bytes_per_trace", "/compaction/block_retention",
                    "/metrics_generator/max_active_series", "/metrics_generator/processors", "/read/max_bytes_per_tag_values_query")) {
                assertFalse(o.at(p).isMissingNode(), t.id() + " must set " + p);
            }
            assertTrue(o.at("/ingestion/rate_limit_bytes").asLong() > 0, "never a zero rate limit");
            assertEquals(Math.round(t.settings().rateLimitMBps() * 1_000_000), o.at("/ingestion/rate_limit_bytes").asLong());
            assertEquals(t.settings().retention().toHours() + "h", o.at("/compaction/block_retention").asText());
            assertEquals(t.settings().retention().toHours() + "h", o.at("/read/max_search_duration").asText(),
                    t.id() + ": searches as far back as the tenant keeps traces");
            // 2.10.8 reads rate_strategy from overrides.defaults only: a per-tenant value would be ignored, so none
            assertTrue(o.at("/ingestion/rate_strategy").isMissingNode(), t.id() + ": no per-tenant rate_strategy");
        }
        var frontend = Yaml.YAML.readTree(TempoPlan.of(inputs.settings(), inputs.tenants(),
                StoragePlan.of(inputs.settings(), inputs.tenants())).configs().get("query-frontend"));
        assertEquals("global", frontend.at("/overrides/defaults/ingestion/rate_strategy").asText());
        assertEquals(inputs.settings().tenants().defaults().retention().toHours() + "h",
                frontend.at("/query_frontend/search/max_duration").asText(), "the global limit is the default retention");
        assertTrue(frontend.at("/stream_over_http_enabled").asBoolean(), "Grafana's streaming needs it");
        // tempo.clusterLabel defaults to off: a running ring restarted member by member with a label would split
        assertEquals("off", inputs.settings().tempo().clusterLabel(), stack);
        for (var config : TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants())).configs().entrySet()) {
            var memberlist = Yaml.YAML.readTree(config.getValue()).path("memberlist");
            assertTrue(memberlist.path("cluster_label").isMissingNode(), stack + " " + config.getKey() + ": no label");
            assertTrue(memberlist.path("cluster_label_verification_disabled").asBoolean(false), stack + " " + config.getKey() + ": not checked");
        }
    }

    /** The phases of adding the label to a running ring (upgrade runbook): off, then unverified, then verified. */
    @ParameterizedTest
    @ValueSource(strings = {"unverified", "verified"})
    void theClusterLabelPhasesAStackSets(String phase) throws Exception {
        var inputs = settingsWith("prod", "    replicationFactor: 3\n", "    replicationFactor: 3\n    clusterLabel: " + phase + "\n");
        assertEquals(phase, inputs.settings().tempo().clusterLabel());
        var configs = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants())).configs();
        for (var config : configs.entrySet()) {
            var memberlist = Yaml.YAML.readTree(config.getValue()).path("memberlist");
            assertEquals("tempo-prod", memberlist.path("cluster_label").asText(), phase + " " + config.getKey() + ": the label is sent");
            assertEquals(phase.equals("unverified"), memberlist.path("cluster_label_verification_disabled").asBoolean(false),
                    phase + " " + config.getKey() + ": checked only when verified");
        }
    }

    @Test
    void anUnknownClusterLabelPhaseIsRefused() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> settingsWith("prod",
                "    replicationFactor: 3\n", "    replicationFactor: 3\n    clusterLabel: verify\n"));
        assertTrue(e.getMessage().contains("tracing-platform:tempo.clusterLabel"), e.getMessage());
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
        assertTrue(out.contains("SUCCESS: 7 rules found"), out);
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
    @ValueSource(strings = {"local", "prod", "prod with zones"})
    void spanMetricsCarryTheTenantSoOneLocalPrometheusKeepsTenantsApart(String stack) throws Exception {
        boolean zones = stack.endsWith(" with zones");
        var inputs = zones ? Plans.zonedInputs("prod") : Plans.inputs(stack);
        var plan = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var generator = Yaml.YAML.readTree(plan.configs().get("metrics-generator")).path("metrics_generator");
        assertEquals("tenant", generator.path("registry").path("inject_tenant_id_as").asText(),
                stack + ": two tenants' services of the same name stay two series");
        for (String target : List.of("distributor", zones ? "ingester-zone-a" : "ingester", "querier", "query-frontend", "compactor")) {
            assertTrue(Yaml.YAML.readTree(plan.configs().get(target)).path("metrics_generator").isMissingNode(), target);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    void gatewaysCanBalanceOverDistributorsAndTheirLargestRequestFits(String stack) throws Exception {
        var plan = Plans.of(stack);
        var discovery = plan.named("kubernetes:core/v1:Service", "platform-tempo-distributor-discovery-service").inputs();
        assertEquals("None", at(discovery, "spec", "clusterIP"), "headless: dns:/// resolves every distributor pod");
        assertEquals(null, (Object) at(discovery, "spec", "publishNotReadyAddresses"), "only ready distributors get spans");
        assertEquals(4317L, ((Number) at(discovery, "spec", "ports", "0", "port")).longValue());
        assertEquals("distributor", at(discovery, "spec", "selector", "app.kubernetes.io/component"));
        var inputs = Plans.inputs(stack);
        var grpc = Yaml.YAML.readTree(TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()))
                .configs().get("distributor")).at("/distributor/receivers/otlp/protocols/grpc");
        assertEquals(16, grpc.at("/max_recv_msg_size_mib").asInt(), "OTLP receiver takes twice the gateway's 8 MiB request");
        assertTrue(grpc.at("/max_recv_msg_size_mib").asLong() * 1024 * 1024 >= 2 * io.tracingplatform.collector.GatewayPlan.MAX_REQUEST_BYTES);
        assertEquals("2m", grpc.at("/keepalive/server_parameters/max_connection_age").asText(), "connections end, so new distributors get traffic");
        assertEquals("30s", grpc.at("/keepalive/server_parameters/max_connection_age_grace").asText());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    @SuppressWarnings("unchecked")
    void everyGoContainerHasAMemoryLimitForTheRuntimeAndNoBallast(String stack) {
        int seen = 0;
        for (var r : Plans.of(stack).resources()) {
            if (!r.parent().equals("platform-tempo") || !(r.type().endsWith(":Deployment") || r.type().endsWith(":StatefulSet"))) continue;
            for (Map<String, Object> c : (List<Map<String, Object>>) at(r.inputs(), "spec", "template", "spec", "containers")) {
                if (c.get("name").equals("memcached")) continue; // C, not Go
                seen++;
                String where = stack + " " + r.name() + "/" + c.get("name");
                assertTrue(((List<String>) c.get("args")).stream().noneMatch(a -> a.startsWith("-mem-ballast")), where + ": no ballast");
                var env = (List<Map<String, Object>>) c.get("env");
                String limit = String.valueOf((Object) at(c, "resources", "limits", "memory"));
                long limitMiB = TempoCluster.parseMebibytes(limit);
                var gomem = env.stream().filter(e -> e.get("name").equals("GOMEMLIMIT")).findFirst().orElseThrow(() -> new AssertionError(where + ": GOMEMLIMIT"));
                long mib = Long.parseLong(String.valueOf(gomem.get("value")).replace("MiB", ""));
                assertTrue(mib >= limitMiB * 84 / 100 && mib <= limitMiB * 90 / 100, where + ": " + mib + "MiB of " + limit);
            }
        }
        assertTrue(seen >= 8, "Tempo targets, memcached exporter and vulture: " + seen);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPodIsScrapedOnceAsTheMixinsJob() {
        var plan = Plans.of("prod");
        var services = plan.ofType("kubernetes:core/v1:Service").stream().filter(r -> r.parent().equals("platform-tempo")).toList();
        var monitors = plan.ofType("kubernetes:monitoring.coreos.com/v1:ServiceMonitor").stream().filter(r -> r.parent().equals("platform-tempo")).toList();
        for (var m : monitors) {
            Map<String, Object> spec = at(m.inputs(), "spec");
            Map<String, String> match = at(spec, "selector", "matchLabels");
            String port = at(spec, "endpoints", "0", "port");
            // the Services this monitor scrapes: label match and the port present
            var scraped = services.stream().filter(svc -> {
                Map<String, String> labels = at(svc.inputs(), "metadata", "labels");
                List<Map<String, Object>> ports = at(svc.inputs(), "spec", "ports");
                return labels.entrySet().containsAll(match.entrySet()) && ports.stream().anyMatch(p -> port.equals(p.get("name")));
            }).toList();
            assertFalse(scraped.isEmpty(), m.name() + " scrapes something");
            // Services of one monitor select disjoint pods: their selectors differ (per-zone ingesters) or there is one
            var selectors = scraped.stream().map(svc -> (Object) at(svc.inputs(), "spec", "selector")).toList();
            assertEquals(selectors.size(), new java.util.HashSet<>(selectors).size(), m.name() + " selects a pod twice: " + scraped.stream().map(x -> x.name()).toList());
            String component = match.get("app.kubernetes.io/component");
            assertEquals("tracing/" + component, at(spec, "endpoints", "0", "relabelings", "0", "replacement"), m.name() + ": job as the mixin matches it");
            assertEquals("job", at(spec, "endpoints", "0", "relabelings", "0", "targetLabel"));
        }
        var ingesterMonitor = plan.named("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "platform-tempo-ingester-monitor");
        assertTrue(ingesterMonitor != null);
        var frontendDiscovery = plan.named("kubernetes:core/v1:Service", "platform-tempo-query-frontend-discovery-service");
        assertEquals("query-frontend-discovery", at(frontendDiscovery.inputs(), "metadata", "labels", "app.kubernetes.io/component"),
                "the discovery Service is not the frontend's metrics Service");
        // StatefulSets are governed by a headless Service of their own name
        for (var st : plan.ofType("kubernetes:apps/v1:StatefulSet").stream().filter(r -> r.parent().equals("platform-tempo")).toList()) {
            String serviceName = at(st.inputs(), "spec", "serviceName");
            var svc = services.stream().filter(x -> serviceName.equals(at(x.inputs(), "metadata", "name"))).findFirst().orElseThrow();
            assertEquals("None", at(svc.inputs(), "spec", "clusterIP"), st.name());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void vultureProbesTheWriteToReadPathFromThePinnedImage() {
        var plan = Plans.of("prod");
        var vulture = plan.named("kubernetes:apps/v1:Deployment", "platform-tempo-vulture").inputs();
        Map<String, Object> c = at(vulture, "spec", "template", "spec", "containers", "0");
        assertEquals(Plans.inputs("prod").settings().release().image("tempo").replace("grafana/tempo:", "grafana/tempo-vulture:"), c.get("image"));
        var args = (List<String>) c.get("args");
        assertTrue(args.contains("-tempo-org-id=" + TempoCluster.VULTURE_TENANT), args.toString());
        assertTrue(io.tracingplatform.tenants.ReservedIds.isReserved(TempoCluster.VULTURE_TENANT), "no team can take the probe's tenant");
        Map<String, Object> rules = at(plan.named("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "platform-tempo-alerts").inputs(), "spec");
        assertTrue(Yaml.toYaml(rules).contains("alert: TempoVultureErrors"));
    }
}
