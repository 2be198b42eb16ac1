package io.tracingplatform.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tracingplatform.Plans;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.yaml.Yaml;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * upgrade check against fabric8's mock API server in CRUD mode, loaded with the very objects the prod plan creates
 * (Given), with statuses of a healthy, a degraded and a drifted cluster (When), read by the check (Then).
 */
@EnableKubernetesMockClient(crud = true)
class ClusterCheckTest {
    KubernetesMockServer server;
    KubernetesClient client;
    static final String NS = "tracing";

    Plan plan;
    int ingesters;
    String ringState = "ACTIVE";

    /** The test runs against prod with tempo.zones set (one ingester StatefulSet per zone), not the repository's prod. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    @interface WithZones {}

    @BeforeEach
    void givenTheClusterThePlanDescribes(org.junit.jupiter.api.TestInfo test) {
        boolean zones = test.getTestMethod().map(m -> m.isAnnotationPresent(WithZones.class)).orElse(false);
        plan = zones ? Plans.zoned("prod") : Plans.of("prod");
        for (String crd : ClusterCheck.requiredCrds(plan)) {
            String plural = crd.substring(0, crd.indexOf('.'));
            String group = crd.substring(crd.indexOf('.') + 1);
            client.apiextensions().v1().customResourceDefinitions().resource(new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder()
                    .withNewMetadata().withName(crd).endMetadata()
                    .withNewSpec().withGroup(group).withScope("Namespaced")
                    .withNewNames().withPlural(plural).withKind(plural).endNames()
                    .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                    .endSpec().build()).create();
        }
        for (var r : plan.resources()) {
            String json = Yaml.toJson(r.inputs());
            if (r.type().equals("kubernetes:apps/v1:Deployment")) {
                Deployment d = Serialization.unmarshal(json, Deployment.class);
                // An HPA-managed Deployment leaves replicas to the autoscaler; the API server shows its choice.
                if (d.getSpec().getReplicas() == null) d.getSpec().setReplicas(2);
                int replicas = d.getSpec().getReplicas();
                d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withAvailableReplicas(replicas)
                        .withUpdatedReplicas(replicas).withReadyReplicas(replicas).build());
                client.resource(d).create();
            } else if (r.type().equals("kubernetes:core/v1:Secret") && r.name().endsWith("grafana-secret-key")) {
                client.resource(Serialization.unmarshal(json, io.fabric8.kubernetes.api.model.Secret.class)).create();
            } else if (r.type().equals("kubernetes:apps/v1:StatefulSet")) {
                StatefulSet s = Serialization.unmarshal(json, StatefulSet.class);
                // The gateway's replicas are its HPA's (none in the spec); the API server shows the HPA's choice.
                if (s.getSpec().getReplicas() == null) s.getSpec().setReplicas(2);
                int replicas = s.getSpec().getReplicas();
                if (s.getMetadata().getName().startsWith("ingester")) ingesters += replicas; // one StatefulSet, or one per zone
                s.setStatus(new StatefulSetStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
                        .withUpdatedReplicas(replicas).withCurrentRevision("r1").withUpdateRevision("r1").build());
                client.resource(s).create();
                for (int i = 0; i < replicas && s.getSpec().getVolumeClaimTemplates() != null; i++) {
                    for (var t : s.getSpec().getVolumeClaimTemplates()) {
                        client.resource(pvc(t.getMetadata().getName() + "-" + s.getMetadata().getName() + "-" + i, "Bound")).create();
                    }
                }
            }
        }
    }

    static PersistentVolumeClaim pvc(String name, String phase) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").endSpec().withNewStatus().withPhase(phase).endStatus().build();
    }

    /** Tempo's ring page as dskit writes it (ring/http.go: {"shards":[{"id","state",...}],"now"}), via the service proxy. */
    void ringAnswers(int n, String lastState) {
        var shards = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) shards.append(',');
            String state = i == n - 1 ? lastState : "ACTIVE";
            shards.append("{\"id\":\"ingester-").append(i).append("\",\"state\":\"").append(state)
                    .append("\",\"address\":\"10.0.0.").append(i).append(":9095\",\"zone\":\"eu-central-1a\",\"tokens\":[]}");
        }
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/services/distributor:3200/proxy/ingester/ring")
                .andReturn(200, "{\"shards\":[" + shards + "],\"now\":\"2026-11-24T00:00:00Z\"}").once();
    }

    /** When: the check runs (the ring answers once, with the last ingester in {@code ringState}). */
    List<ClusterCheck.Finding> check() {
        ringAnswers(ingesters, ringState);
        return ClusterCheck.run(client, plan, NS);
    }

    List<ClusterCheck.Finding> problems() {
        return check().stream().filter(f -> f.status() != ClusterCheck.Status.OK).toList();
    }

    /**
     * After the exporter rename (release 2026.12), each gateway pod's old-id exporters must have sent what their queues
     * held before a release may stop draining them: read from each pod's own metrics (the collector's Prometheus
     * exposition, otelcol_exporter_queue_size by exporter) through the API server's pod proxy.
     */
    @Test
    void theRenamedExportersQueuesAreReadOnEveryCollectorPod() {
        var renamed = UpgradePlanTest.plan("staging", "2026.12");
        var labels = Labels.selector(io.tracingplatform.collector.GatewayPlan.GATEWAY, io.tracingplatform.collector.GatewayPlan.GATEWAY, "gateway");
        for (String pod : List.of("otel-gateway-0", "otel-gateway-1")) {
            client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(pod).withNamespace(NS)
                    .withLabels(labels).endMetadata().build()).create();
        }
        String metrics = "# TYPE otelcol_exporter_queue_size gauge\n"
                + "otelcol_exporter_queue_size{data_type=\"traces\",exporter=\"otlp_grpc/tenant-claims\"} 5000\n"
                + "otelcol_exporter_queue_size{data_type=\"traces\",exporter=\"otlp/tenant-claims\"} %s\n"
                + "otelcol_exporter_queue_size{data_type=\"traces\",exporter=\"otlp/tenant-payments\"} 0\n";
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/otel-gateway-0:8888/proxy/metrics")
                .andReturn(200, metrics.formatted("0")).always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/otel-gateway-1:8888/proxy/metrics")
                .andReturn(200, metrics.formatted("1.2e+06")).always();
        client.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("otel-gateway-2").withNamespace(NS)
                .withLabels(labels).endMetadata().build()).create();
        // A pod still on the previous release (or with telemetry off) shows none of the drain exporters: no evidence.
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/otel-gateway-2:8888/proxy/metrics")
                .andReturn(200, "otelcol_exporter_queue_size{data_type=\"traces\",exporter=\"otlp/tenant-claims\"} 0\n").always();
        var findings = ClusterCheck.drains(client, renamed, NS);
        assertEquals(List.of(ClusterCheck.Status.OK, ClusterCheck.Status.PROBLEM, ClusterCheck.Status.PROBLEM),
                findings.stream().map(ClusterCheck.Finding::status).toList(), findings.toString());
        assertEquals("still draining: {otlp/tenant-claims=1200000.0}", findings.get(1).message(), "the live exporter's queue is not a drain's");
        assertEquals("no queue metric for [otlp/tenant-payments]", findings.get(2).message());
        assertEquals(List.of(), ClusterCheck.drains(client, UpgradePlanTest.plan("staging", "2026.11"), NS), "nothing to drain before the rename");
    }

    @Test
    void aHealthyClusterPasses() {
        var findings = check();
        assertEquals(List.of(), findings.stream().filter(f -> f.status() != ClusterCheck.Status.OK).toList());
        assertTrue(findings.stream().anyMatch(f -> f.check().equals("ring") && f.message().equals(ingesters + " ingesters ACTIVE")), findings.toString());
        assertTrue(findings.stream().anyMatch(f -> f.object().equals("StatefulSet tracing/ingester")), "prod keeps its one ingester StatefulSet");
        assertEquals(11, findings.stream().filter(f -> f.check().equals("workload")).count(), "every Deployment and StatefulSet of the plan (vulture too)");
        assertEquals(java.util.Set.of("servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com",
                "instrumentations.opentelemetry.io"), ClusterCheck.requiredCrds(plan), "prod uses both operators");
        var out = new StringWriter();
        assertEquals(0, ClusterCheck.write(findings, "prod", "2026.08", false, new PrintWriter(out)));
        assertTrue(out.toString().contains("No problems."), out.toString());
    }

    @Test
    @WithZones
    void aHealthyClusterWithZonesPassesAndTheRingHoldsEveryZone() {
        var findings = check();
        assertEquals(List.of(), findings.stream().filter(f -> f.status() != ClusterCheck.Status.OK).toList());
        int perZone = client.apps().statefulSets().inNamespace(NS).withName("ingester-zone-a").get().getSpec().getReplicas();
        assertEquals(3 * perZone, ingesters, "the ring holds the three zones' ingesters");
        assertTrue(findings.stream().anyMatch(f -> f.check().equals("ring") && f.message().equals(ingesters + " ingesters ACTIVE")), findings.toString());
        assertEquals(13, findings.stream().filter(f -> f.check().equals("workload")).count(), "every Deployment and StatefulSet of the plan (three ingester zones, vulture)");
        assertTrue(findings.stream().noneMatch(f -> f.object().equals("StatefulSet tracing/ingester")), "the zones replace the single StatefulSet");
    }

    @Test
    void anIngesterNotReadyIsAProblemWithWhatToDo() {
        var ingester = client.apps().statefulSets().inNamespace(NS).withName("ingester").get();
        ingester.getStatus().setReadyReplicas(ingesters - 1);
        client.resource(ingester).updateStatus();
        ringState = "LEAVING";
        var problems = problems();
        assertEquals(2, problems.size(), problems.toString());
        var workload = problems.get(0);
        assertEquals("StatefulSet tracing/ingester", workload.object());
        assertEquals((ingesters - 1) + "/" + ingesters + " ready, " + ingesters + " updated", workload.message());
        assertTrue(workload.fix().contains("kubectl -n tracing rollout status statefulset/ingester;"), workload.fix());
        assertEquals("ring", problems.get(1).check());
        assertTrue(problems.get(1).message().contains("ingester-" + (ingesters - 1) + " LEAVING"), problems.get(1).message());
        var out = new StringWriter();
        assertEquals(2, ClusterCheck.write(problems, "prod", "2026.08", false, new PrintWriter(out)));
        assertTrue(out.toString().contains("do: kubectl -n tracing rollout status statefulset/ingester"), out.toString());
    }

    @Test
    @WithZones
    void anIngesterNotReadyInOneZoneIsAProblemWithWhatToDo() {
        // one ingester StatefulSet per zone: zone a loses a pod
        var ingester = client.apps().statefulSets().inNamespace(NS).withName("ingester-zone-a").get();
        int zoneA = ingester.getSpec().getReplicas();
        ingester.getStatus().setReadyReplicas(zoneA - 1);
        client.resource(ingester).updateStatus();
        ringState = "LEAVING";
        var problems = problems();
        assertEquals(2, problems.size(), problems.toString());
        var workload = problems.get(0);
        assertEquals("StatefulSet tracing/ingester-zone-a", workload.object());
        assertEquals((zoneA - 1) + "/" + zoneA + " ready, " + zoneA + " updated", workload.message());
        assertTrue(workload.fix().contains("kubectl -n tracing rollout status statefulset/ingester-zone-a"), workload.fix());
        assertEquals("ring", problems.get(1).check());
        assertTrue(problems.get(1).message().contains("ingester-" + (ingesters - 1) + " LEAVING"), problems.get(1).message());
        var out = new StringWriter();
        assertEquals(2, ClusterCheck.write(problems, "prod", "2026.08", false, new PrintWriter(out)));
        assertTrue(out.toString().contains("do: kubectl -n tracing rollout status statefulset/ingester-zone-a"), out.toString());
    }

    @Test
    void anImageChangedByHandIsDrift() {
        var distributor = client.apps().deployments().inNamespace(NS).withName("distributor").get();
        distributor.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("grafana/tempo:2.10.9-hotfix");
        client.resource(distributor).update();
        var problems = problems();
        assertEquals(1, problems.size(), problems.toString());
        var drift = problems.get(0);
        assertEquals("image", drift.check());
        assertEquals("Deployment tracing/distributor/distributor", drift.object());
        assertEquals("runs grafana/tempo:2.10.9-hotfix, the stack's release pins grafana/tempo:2.10.5", drift.message());
    }

    @Test
    void unboundVolumesRestartLoopsAndMissingWorkloadsAreProblems() {
        client.resource(pvc("grafana-data", "Pending")).create();
        client.resource(new PodBuilder().withNewMetadata().withName("querier-7d9f").withNamespace(NS)
                .withLabels(Map.of(Labels.PART_OF, Labels.PLATFORM, Labels.ENVIRONMENT, "prod")).endMetadata()
                .withNewSpec().addNewContainer().withName("querier").withImage("grafana/tempo:2.10.5").endContainer().endSpec()
                .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName("querier").withRestartCount(7)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build()).endStatus()
                .build()).create();
        // A ring member, labelled as the plan labels the ingesters' pods (part-of memberlist, not tracing-platform).
        var ingester = plan.resources().stream().filter(r -> r.type().equals("kubernetes:apps/v1:StatefulSet")
                && "ingester".equals(RuleChecks.name(r))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        var ingesterLabels = (Map<String, String>) UpgradePlanner.at(ingester.inputs(), "spec.template.metadata.labels");
        client.resource(new PodBuilder().withNewMetadata().withName("ingester-0").withNamespace(NS)
                .withLabels(ingesterLabels).endMetadata()
                .withNewSpec().addNewContainer().withName("ingester").withImage("grafana/tempo:2.10.5").endContainer().endSpec()
                .withNewStatus().withContainerStatuses(new ContainerStatusBuilder().withName("ingester").withRestartCount(5)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState().build()).endStatus()
                .build()).create();
        client.apps().deployments().inNamespace(NS).withName("compactor").delete();
        client.apiextensions().v1().customResourceDefinitions().withName("instrumentations.opentelemetry.io").delete();
        var checks = problems().stream().map(f -> f.check() + " " + f.object() + ": " + f.message()).sorted().toList();
        assertEquals(List.of(
                "crd CustomResourceDefinition instrumentations.opentelemetry.io: missing",
                "restarts Pod tracing/ingester-0/ingester: 5 restarts, CrashLoopBackOff",
                "restarts Pod tracing/querier-7d9f/querier: 7 restarts, CrashLoopBackOff",
                "volume PersistentVolumeClaim tracing/grafana-data: Pending",
                "workload Deployment tracing/compactor: not found"), checks);
    }

    @Test
    void anUnreachableRingIsReportedAsSkippedNotAsHealthy() {
        // A server that answers the proxy path with 404, as an API server does for a Service without endpoints.
        var fresh = new io.fabric8.kubernetes.client.server.mock.KubernetesMockServer(false);
        fresh.init();
        try (var other = fresh.createClient()) {
            var finding = ClusterCheck.ring(other, NS, 3);
            assertEquals(ClusterCheck.Status.SKIPPED, finding.status(), finding.toString());
        } finally {
            fresh.destroy();
        }
    }

    @Test
    void theCommandReadsTheClusterOfAKubeconfigContextAndRefusesAnUnknownOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ringAnswers(ingesters, "ACTIVE");
        server.expect().get().withPath("/api/v1/namespaces/metrics/services/mimir-query-frontend:8080/proxy/config")
                .andReturn(200, "tenant_federation:\n  enabled: true\nlimits:\n  max_global_exemplars_per_user: 100000\n").once();
        server.expect().get().withPath("/api/v1/namespaces/logging/services/loki-gateway:80/proxy/config")
                .andReturn(200, "querier:\n  multi_tenant_queries_enabled: true\n").once();
        var kubeconfig = java.nio.file.Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                  - name: mock
                    user: {token: mock}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: mock, namespace: tracing}
                current-context: mock
                """.formatted(client.getMasterUrl().toString()));
        var ok = io.tracingplatform.cli.MainTest.run("upgrade", "check", "--stack", "prod", "--kubeconfig", kubeconfig.toString(),
                "--context", "mock", "--format", "json");
        assertEquals(0, ok.code(), ok.out() + ok.err());
        var json = Yaml.JSON.readTree(ok.out());
        assertEquals(0, json.path("problems").asInt());
        assertEquals("2026.08", json.path("release").asText());
        var wrong = io.tracingplatform.cli.MainTest.run("upgrade", "check", "--stack", "prod", "--kubeconfig", kubeconfig.toString(),
                "--context", "prod-cluster");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("context 'prod-cluster' is not in " + kubeconfig + "; known: mock"), wrong.err());
    }

    /** Mimir's /config (YAML of its effective config) and Loki's gateway, which has none, through the service proxy. */
    List<ClusterCheck.Finding> prerequisites(String mimirConfig) {
        server.expect().get().withPath("/api/v1/namespaces/metrics/services/mimir-query-frontend:8080/proxy/config")
                .andReturn(200, mimirConfig).once();
        server.expect().get().withPath("/api/v1/namespaces/logging/services/loki-gateway:80/proxy/config")
                .andReturn(404, "404 page not found").once();
        return ClusterCheck.prerequisites(client, Plans.inputs("prod").settings().grafana(), NS);
    }

    static ClusterCheck.Finding finding(List<ClusterCheck.Finding> findings, String objectStart) {
        return findings.stream().filter(f -> f.object().startsWith(objectStart)).findFirst().orElseThrow(() -> new AssertionError(findings.toString()));
    }

    @Test
    void mimirWithoutTenantFederationOrExemplarsIsAProblemAndAGatewayWithoutConfigIsSkipped() {
        var findings = prerequisites("tenant_federation:\n  enabled: false\nlimits:\n  max_global_exemplars_per_user: 0\n");
        var mimir = finding(findings, "metrics store mimir-query-frontend.metrics");
        assertEquals(ClusterCheck.Status.PROBLEM, mimir.status(), mimir.toString());
        assertTrue(mimir.message().contains("tenant_federation.enabled is false") && mimir.message().contains("max_global_exemplars_per_user is 0"), mimir.message());
        var loki = finding(findings, "logs store loki-gateway.logging");
        assertEquals(ClusterCheck.Status.SKIPPED, loki.status(), "a gateway serves no /config: said, not passed");
        assertTrue(loki.fix().contains("querier.multi_tenant_queries_enabled"), loki.fix());
    }

    @Test
    void mimirWithTenantFederationAndExemplarsPasses() {
        var mimir = finding(prerequisites("tenant_federation:\n  enabled: true\nlimits:\n  max_global_exemplars_per_user: 100000\n"),
                "metrics store");
        assertEquals(ClusterCheck.Status.OK, mimir.status(), mimir.toString());
    }

    @Test
    void aRunningGrafanaWithoutItsSecretKeySecretMustKeepItsOldKeyBeforeTheNextUp() {
        // Given: the prod plan's Grafana Deployment runs (loaded in setUp), but no grafana-secret-key (an older release).
        client.secrets().inNamespace(NS).withName("grafana-secret-key").delete();
        var key = finding(prerequisites("{}"), "Secret tracing/grafana-secret-key");
        assertEquals(ClusterCheck.Status.PROBLEM, key.status());
        assertTrue(key.fix().contains("tracing-platform:grafanaSecretKey"), key.fix());
        client.secrets().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
                .withName("grafana-secret-key").withNamespace(NS).endMetadata().build()).create();
        assertEquals(ClusterCheck.Status.OK, finding(prerequisites("{}"), "Secret tracing/grafana-secret-key").status());
    }

    @Test
    void aBackendOutsideTheClusterIsSkippedWithWhatToCheck() {
        var f = ClusterCheck.backend(client, "logs store", "https://logs.example.com", java.util.Map.of("querier.multi_tenant_queries_enabled", "true"));
        assertEquals(ClusterCheck.Status.SKIPPED, f.status());
        assertTrue(f.message().contains("outside the cluster"), f.message());
    }
}
