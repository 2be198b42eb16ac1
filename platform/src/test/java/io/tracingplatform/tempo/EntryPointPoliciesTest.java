package io.tracingplatform.tempo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.App;
import io.tracingplatform.Plans;
import io.tracingplatform.TempProject;
import io.tracingplatform.collector.GatewayPlan;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.NetworkPolicyEvaluator;
import io.tracingplatform.k8s.NetworkPolicyEvaluator.Pod;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.tempo.targets.Distributor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tempo's NetworkPolicies on every stack, judged by the NetworkPolicy evaluator on the offline plan: who may write to a
 * distributor, who may read from a query-frontend, that no other pod reaches the inner tiers (ingesters, queriers,
 * generators, compactors, memcached, vulture) on any port, and that Tempo's own traffic (ring gossip, gRPC, the
 * cache) still flows.
 */
class EntryPointPoliciesTest {
    static final int OTLP = Distributor.OTLP_GRPC;
    static final int HTTP = WorkloadSpec.HTTP;
    static final int GRPC = WorkloadSpec.GRPC;
    static final int GOSSIP = WorkloadSpec.GOSSIP;
    static final List<Integer> DISTRIBUTOR_PORTS = List.of(OTLP, Distributor.OTLP_HTTP, HTTP, GRPC, GOSSIP);

    @TempDir Path dir;

    static List<String> stacks() {
        return Plans.STACKS;
    }

    static NetworkPolicyEvaluator evaluator(String stack) {
        return NetworkPolicyEvaluator.of(Plans.of(stack));
    }

    static String ns(String stack) {
        return Plans.inputs(stack).settings().kubernetes().namespace();
    }

    /**
     * The labels the Prometheus Operator gives a Prometheus server pod (pkg/prometheus/server/statefulset.go,
     * podSelectorLabels), kube-prometheus-stack's included: the default of tempo.scrapePodLabels.
     */
    static Pod prometheusIn(String namespace) {
        return NetworkPolicyEvaluator.podIn(namespace, Map.of("app.kubernetes.io/name", "prometheus",
                "app.kubernetes.io/managed-by", "prometheus-operator", "app.kubernetes.io/instance", "k8s", "prometheus", "k8s"));
    }

    static void allowed(NetworkPolicyEvaluator e, Pod from, Pod to, int port) {
        assertTrue(e.allows(from, to, port), "expected allowed: " + e.explain(from, to, port));
    }

    static void denied(NetworkPolicyEvaluator e, Pod from, Pod to, int port) {
        assertFalse(e.allows(from, to, port), "expected denied: " + e.explain(from, to, port));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void onlyTheGatewayTheSamplerAndVultureWriteToTheDistributor(String stack) {
        var e = evaluator(stack);
        var distributor = e.pod("distributor");
        // The sampler runs only where a tenant samples (prod); its pods carry these labels wherever it runs.
        var sampler = NetworkPolicyEvaluator.podIn(ns(stack), Labels.selector(GatewayPlan.GATEWAY, GatewayPlan.GATEWAY, "sampler"));
        for (var writer : List.of(e.pod(GatewayPlan.GATEWAY), sampler, e.pod(TempoCluster.VULTURE))) {
            allowed(e, writer, distributor, OTLP);
        }
        if (stack.equals("prod")) allowed(e, e.pod(GatewayPlan.SAMPLER), distributor, OTLP);
        for (int port : DISTRIBUTOR_PORTS) {
            denied(e, NetworkPolicyEvaluator.stranger(ns(stack)), distributor, port);
            denied(e, NetworkPolicyEvaluator.stranger("payments"), distributor, port);
        }
        denied(e, e.pod("grafana"), distributor, OTLP);
        // A team's pod copying the gateway's labels is still in its own namespace.
        denied(e, NetworkPolicyEvaluator.podIn("payments", e.pod(GatewayPlan.GATEWAY).labels()), distributor, OTLP);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void onlyGrafanaAndVultureQueryTheQueryFrontendAndOnlyQueriersTakeItsJobs(String stack) {
        var e = evaluator(stack);
        var frontend = e.pod("query-frontend");
        allowed(e, e.pod("grafana"), frontend, HTTP);
        allowed(e, e.pod(TempoCluster.VULTURE), frontend, HTTP);
        allowed(e, e.pod("querier"), frontend, GRPC);
        for (int port : List.of(HTTP, GRPC, 80)) {
            denied(e, NetworkPolicyEvaluator.stranger(ns(stack)), frontend, port);
            denied(e, NetworkPolicyEvaluator.stranger("payments"), frontend, port);
        }
        denied(e, e.pod(GatewayPlan.GATEWAY), frontend, HTTP);
        denied(e, e.pod("grafana"), frontend, GRPC); // its gRPC server also answers queries (StreamingQuerier)
        denied(e, e.pod("grafana-org-sync"), frontend, HTTP);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void tempoPodsStillGossipWithEveryRingMemberAndReachTheGrpcPorts(String stack) {
        var e = evaluator(stack);
        var tempo = e.pods().stream().filter(p -> TempoCluster.APP.equals(p.labels().get(Labels.NAME))).toList();
        var members = tempo.stream().filter(p -> p.ports().containsKey("gossip")).toList();
        assertTrue(members.size() >= 5, "ring members: " + members);
        for (var from : tempo) {
            for (var to : members) allowed(e, from, to, GOSSIP);
            allowed(e, from, e.pod("distributor"), GRPC);
        }
        // The gRPC calls Tempo 2.10.8 really makes between its targets (InternalPolicies cites each).
        for (String caller : List.of("distributor", "querier")) {
            allowed(e, e.pod(caller), e.pod("ingester"), GRPC);
            allowed(e, e.pod(caller), e.pod("metrics-generator"), GRPC);
        }
        for (String other : List.of("compactor", "query-frontend", "metrics-generator", TempoCluster.VULTURE, TempoPlan.MEMCACHED)) {
            denied(e, e.pod(other), e.pod("ingester"), GRPC); // nobody else pushes or reads recent traces
        }
        denied(e, e.pod(TempoCluster.VULTURE), e.pod("metrics-generator"), GRPC);
        for (String user : List.of("query-frontend", "ingester", "querier", "compactor", "metrics-generator")) {
            allowed(e, e.pod(user), e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED);
        }
        denied(e, e.pod("distributor"), e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED); // never opens the store
        denied(e, e.pod(TempoCluster.VULTURE), e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED);
    }

    /** Ingesters (every zone's), queriers, generators, compactors, memcached, vulture: their pods in the plan. */
    static List<Pod> innerPods(NetworkPolicyEvaluator e) {
        return e.pods().stream().filter(p -> TempoCluster.APP.equals(p.labels().get(Labels.NAME)))
                .filter(p -> !List.of("distributor", "query-frontend").contains(p.labels().get(Labels.COMPONENT))).toList();
    }

    /** The stack's plan, and (where zones apply) the same stack with one ingester StatefulSet per zone. */
    static List<NetworkPolicyEvaluator> planned(String stack) {
        return stack.equals("local") ? List.of(evaluator(stack))
                : List.of(evaluator(stack), NetworkPolicyEvaluator.of(Plans.zoned(stack)));
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void strangersReachNoPortOfTheInnerTiers(String stack) {
        for (var e : planned(stack)) {
            var inner = innerPods(e);
            var components = new TreeSet<String>();
            inner.forEach(p -> components.add(p.labels().get(Labels.COMPONENT)));
            assertEquals(new TreeSet<>(List.of("compactor", "ingester", TempoPlan.MEMCACHED, "metrics-generator", "querier",
                    TempoCluster.VULTURE)), components, "inner Tempo pods: " + inner);
            for (var to : inner) {
                assertFalse(e.selecting(to).isEmpty(), to + " (" + to.labels() + ") is selected by no policy");
                var ports = new TreeSet<>(to.ports().values());
                ports.addAll(List.of(HTTP, GRPC, GOSSIP));
                for (int port : ports) {
                    denied(e, NetworkPolicyEvaluator.stranger(ns(stack)), to, port);
                    denied(e, NetworkPolicyEvaluator.stranger("payments"), to, port);
                    // A team's pod copying a Tempo pod's labels is still in its own namespace.
                    denied(e, NetworkPolicyEvaluator.podIn("payments", e.pod("querier").labels()), to, port);
                }
                // Clients of the entry points are not clients of the inner tiers.
                for (String client : List.of(GatewayPlan.GATEWAY, "grafana")) {
                    for (int port : ports) denied(e, e.pod(client), to, port);
                }
            }
        }
        if (!stack.equals("local")) {
            var zoned = innerPods(planned(stack).get(1));
            assertEquals(Plans.ZONES.size(), zoned.stream().filter(p -> p.name().startsWith("ingester-zone-")).count(),
                    "the zoned plan's per-zone ingesters: " + zoned);
        }
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void metricsPortsAreScrapedFromTheMonitoringNamespaceOrTheLocalPrometheus(String stack) {
        var e = evaluator(stack);
        var monitoring = prometheusIn("monitoring");
        boolean local = stack.equals("local");
        var targets = e.pods().stream().filter(p -> TempoCluster.APP.equals(p.labels().get(Labels.NAME))
                && p.ports().containsValue(HTTP)).toList();
        assertEquals(6, targets.size(), "Tempo targets serving /metrics: " + targets);
        for (var target : targets) {
            if (local) {
                allowed(e, e.pod("prometheus"), target, HTTP);
                denied(e, monitoring, target, HTTP);
            } else {
                allowed(e, monitoring, target, HTTP);
                denied(e, monitoring, target, GRPC);
            }
        }
        if (!local) denied(e, monitoring, e.pod("distributor"), OTLP);
        // memcached's exporter and vulture serve metrics on ports of their own.
        var scraper = local ? e.pod("prometheus") : monitoring;
        allowed(e, scraper, e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED_EXPORTER);
        allowed(e, scraper, e.pod(TempoCluster.VULTURE), InternalPolicies.VULTURE_METRICS);
        denied(e, scraper, e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED);
        denied(e, scraper, e.pod("ingester"), GRPC);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void theSamplersAndGrafanasPoliciesStillHold(String stack) {
        var e = evaluator(stack);
        var grafana = e.pod("grafana");
        allowed(e, NetworkPolicyEvaluator.stranger("ingress-nginx"), grafana, 3000);
        allowed(e, e.pod("grafana-org-sync"), grafana, 3000);
        denied(e, NetworkPolicyEvaluator.stranger(ns(stack)), grafana, 3000);
        if (stack.equals("prod")) {
            var sampler = e.pod(GatewayPlan.SAMPLER);
            allowed(e, e.pod(GatewayPlan.GATEWAY), sampler, OTLP);
            denied(e, NetworkPolicyEvaluator.stranger(ns(stack)), sampler, OTLP);
        }
    }

    /**
     * The collectors' metrics name every tenant's exporter and pipeline: only the stack's scrapers read them, while
     * teams send OTLP to the gateway from anywhere, and the gateway reaches the sampler on OTLP only.
     */
    @ParameterizedTest
    @MethodSource("stacks")
    void theCollectorsMetricsAreForTheScrapersOnly(String stack) {
        var e = evaluator(stack);
        var team = NetworkPolicyEvaluator.stranger("team-namespace");
        var neighbour = NetworkPolicyEvaluator.stranger(ns(stack));
        var scraper = stack.equals("local") ? e.pod("prometheus") : prometheusIn("monitoring");
        var gateway = e.pod(GatewayPlan.GATEWAY);
        allowed(e, team, gateway, GatewayPlan.OTLP_GRPC);
        allowed(e, team, gateway, GatewayPlan.OTLP_HTTP);
        denied(e, team, gateway, GatewayPlan.METRICS);
        denied(e, neighbour, gateway, GatewayPlan.METRICS);
        allowed(e, scraper, gateway, GatewayPlan.METRICS);
        var sampler = e.pods().stream().filter(p -> p.name().equals(GatewayPlan.SAMPLER)).findFirst();
        assertEquals(stack.equals("prod"), sampler.isPresent(), "prod's tenants sample");
        sampler.ifPresent(s -> {
            denied(e, neighbour, s, GatewayPlan.METRICS);
            denied(e, gateway, s, GatewayPlan.METRICS);
            allowed(e, scraper, s, GatewayPlan.METRICS);
        });
    }

    /** Every metrics port of the stack: each Tempo pod's 3200, memcached's exporter, vulture's, the collectors' 8888. */
    static List<Map.Entry<Pod, Integer>> metricsPorts(NetworkPolicyEvaluator e) {
        var out = new java.util.ArrayList<Map.Entry<Pod, Integer>>();
        for (var p : e.pods()) {
            if (TempoCluster.APP.equals(p.labels().get(Labels.NAME)) && p.ports().containsValue(HTTP)) out.add(Map.entry(p, HTTP));
            if (GatewayPlan.GATEWAY.equals(p.labels().get(Labels.NAME))) out.add(Map.entry(p, GatewayPlan.METRICS));
        }
        out.add(Map.entry(e.pod(TempoPlan.MEMCACHED), InternalPolicies.MEMCACHED_EXPORTER));
        out.add(Map.entry(e.pod(TempoCluster.VULTURE), InternalPolicies.VULTURE_METRICS));
        return out;
    }

    /**
     * Port 3200 is also the query-frontend's API for any tenant, the querier's /querier/api and the ingesters' /shutdown;
     * 8888 names every tenant's exporter. So of the monitoring namespace only Prometheus scrapes: Grafana, Alertmanager,
     * exporters and Jobs that live there are denied every metrics port; a Prometheus pod elsewhere too.
     */
    @ParameterizedTest
    @MethodSource("stacks")
    void ofTheMonitoringNamespaceOnlyPrometheusReachesTheMetricsPorts(String stack) {
        var e = evaluator(stack);
        var ports = metricsPorts(e);
        assertTrue(ports.size() >= 9, "metrics ports: " + ports);
        var gateways = ports.stream().filter(p -> p.getValue() == GatewayPlan.METRICS).count();
        assertEquals(stack.equals("prod") ? 2 : 1, gateways, "the gateway's (and prod's sampler's) 8888: " + ports);
        var grafanaThere = NetworkPolicyEvaluator.podIn("monitoring", Map.of("app.kubernetes.io/name", "grafana"));
        for (var target : ports) {
            for (var pod : List.of(NetworkPolicyEvaluator.stranger("monitoring"), grafanaThere, prometheusIn("payments"))) {
                denied(e, pod, target.getKey(), target.getValue());
            }
            if (stack.equals("local")) {
                denied(e, prometheusIn("monitoring"), target.getKey(), target.getValue()); // local: no scrape namespace
                allowed(e, e.pod("prometheus"), target.getKey(), target.getValue());
            } else {
                allowed(e, prometheusIn("monitoring"), target.getKey(), target.getValue());
            }
        }
    }

    /**
     * The dev stack's plan with {@code lines} added to its tempo block. The fixture's stack file is kept aside on the first
     * call, so every call starts from it.
     */
    static NetworkPolicyEvaluator devPlanWith(TempProject project, String lines) throws Exception {
        Path file = project.root.resolve("stacks/Pulumi.dev.yaml");
        Path original = project.root.resolve("fixture-Pulumi.dev.yaml");
        if (!Files.exists(original)) Files.copy(file, original);
        String text = Files.readString(original);
        String block = "  tracing-platform:tempo:\n";
        assertTrue(text.contains(block), "fixture: " + file);
        Files.writeString(file, text.replace(block, block + lines));
        return NetworkPolicyEvaluator.of(OfflineEngine.plan(App.load(project.layout, StackFiles.read(project.layout, "dev"))));
    }

    /** {@code scrapePodLabels: {}} is the old, weaker rule: every pod of the scrape namespaces, and still no other. */
    @Test
    void emptyScrapePodLabelsAdmitEveryPodOfTheScrapeNamespaces() throws Exception {
        var e = devPlanWith(new TempProject(dir, true), "    scrapePodLabels: {}\n");
        for (var target : metricsPorts(e)) {
            allowed(e, NetworkPolicyEvaluator.stranger("monitoring"), target.getKey(), target.getValue());
            allowed(e, prometheusIn("monitoring"), target.getKey(), target.getValue());
            denied(e, prometheusIn("payments"), target.getKey(), target.getValue());
        }
        denied(e, NetworkPolicyEvaluator.stranger("monitoring"), e.pod("ingester"), GRPC);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void everyPortEveryTempoPodServesHasARule(String stack) {
        var clients = new TempoClients(List.of(Map.of("a", "writer")), List.of(Map.of("a", "reader")), List.of());
        var rules = InternalPolicies.byComponent(clients, List.of(NetworkPolicies.namespaces(List.of("monitoring"),
                Map.of(Labels.NAME, "prometheus"))));
        for (var e : planned(stack)) {
            // Every pod of Tempo's in the plan (targets, per-zone ingesters, memcached, vulture), by its container ports.
            var tempo = e.pods().stream().filter(p -> TempoCluster.APP.equals(p.labels().get(Labels.NAME))).toList();
            assertTrue(tempo.size() >= 8, "Tempo pods: " + tempo);
            for (var pod : tempo) {
                String component = pod.labels().get(Labels.COMPONENT);
                assertTrue(rules.containsKey(component), pod + ": no rules for component " + component);
                var ruled = new TreeSet<Integer>();
                rules.get(component).forEach(r -> ruled.addAll(r.ports()));
                assertTrue(!pod.ports().isEmpty() && ruled.containsAll(pod.ports().values()),
                        pod + " serves " + pod.ports() + "; rules cover " + ruled);
                for (var r : rules.get(component)) {
                    assertFalse(r.fromAnywhere() || r.ports().isEmpty(), pod + ": a rule from anywhere or on every port: " + r);
                }
            }
        }
    }

    @Test
    void switchedOffThereAreNoTempoPoliciesAndNoScrapeNamespaceAdmitsNobody() throws Exception {
        var project = new TempProject(dir, true);
        var off = devPlanWith(project, "    networkPolicy: false\n");
        for (var pod : off.pods()) {
            if (TempoCluster.APP.equals(pod.labels().get(Labels.NAME))) {
                assertEquals(List.of(), off.selecting(pod), pod + " with tempo.networkPolicy false");
            }
        }
        allowed(off, NetworkPolicyEvaluator.stranger("payments"), off.pod("distributor"), OTLP);
        allowed(off, NetworkPolicyEvaluator.stranger("payments"), off.pod("query-frontend"), HTTP);
        denied(off, NetworkPolicyEvaluator.stranger("payments"), off.pod("grafana"), 3000); // Grafana's has its own switch

        var none = devPlanWith(project, "    scrapeNamespaces: []\n");
        for (var target : List.of(none.pod("distributor"), none.pod("query-frontend"), none.pod("ingester"), none.pod("querier"))) {
            // Empty: the metrics rule is left out, never rendered as a rule without peers (which would admit everybody).
            denied(none, NetworkPolicyEvaluator.stranger("monitoring"), target, HTTP);
            denied(none, NetworkPolicyEvaluator.stranger("payments"), target, HTTP);
        }
        allowed(none, none.pod("grafana"), none.pod("query-frontend"), HTTP);
    }
}
