package io.tracingplatform.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Grafana Tempo of the stack ({@code tracing-platform:tempo}).
 *
 * @param plannedIngestMBps planned peak ingest of all tenants, MB/s; drives replicas and resources; default 10
 * @param replicationFactor ingester replication factor; default 3 (1 on the local stack)
 * @param profile {@code standard} (Tempo's size guide) or {@code small} (a tenth of the requests, for laptops);
 *     default standard (small on local)
 * @param zoneSpread {@code required} (ingesters never share a zone beyond the skew) or {@code preferred};
 *     default required (preferred on local)
 * @param walSize ingester WAL volume size; default 10Gi
 * @param generatorWalSize metrics-generator volume size; default 10Gi
 * @param storageClass storage class of those volumes; default the cluster's default
 * @param prometheusRemoteWriteUrl where the metrics-generator writes span metrics and service graphs; required
 * @param prometheusOperator whether the cluster has the Prometheus Operator CRDs (ServiceMonitor,
 *     PrometheusRule); default true (false on local)
 * @param hpaMaxFactor HPA maximum replicas as a multiple of the sized replicas; default 3
 * @param components per-component overrides of replicas, requests and limits
 * @param zones the cluster's zones (node label {@code topology.kubernetes.io/zone}), one ingester StatefulSet and one
 *     ring zone each where zoneSpread is required; exactly replicationFactor of them, so each zone holds one copy of
 *     every trace; default none (one ingester StatefulSet): setting it is a migration (new StatefulSets and WAL
 *     volumes), started on purpose after draining the old ingesters (upgrade runbook)
 * @param clusterLabel memberlist cluster label phase: {@code verified} (label set and checked), {@code unverified}
 *     (label sent, not checked) or {@code off} (no label, not checked); the last two only to add the label to a
 *     running cluster without splitting its ring (upgrade runbook); default off, because a running ring whose
 *     members restart one by one with a label splits in two (old members refuse labelled gossip); move a stack
 *     through unverified to verified as the runbook says
 * @param networkPolicy whether NetworkPolicies guard every Tempo pod (only the gateway and the sampler write, only
 *     Grafana reads; ingesters, queriers, generators, compactors and memcached only from the Tempo pods that call
 *     them, tempo/InternalPolicies); default true (needs a CNI that enforces policies; false for a cluster where they
 *     get in the way, see runbooks/incidents.md)
 * @param scrapeNamespaces namespaces whose Prometheus (the pods of {@code scrapePodLabels}) may scrape those pods' metrics
 *     ports (3200, memcached's exporter 9150, vulture's 8080) and the collectors' 8888;
 *     default [monitoring] ([] on local, whose own Prometheus runs in the platform namespace and is admitted by name)
 * @param scrapePodLabels labels (name to value) a pod of scrapeNamespaces must carry, all of them, to scrape; default
 *     {@link #PROMETHEUS_POD_LABELS}; an explicit {@code {}} admits every pod of those namespaces (weaker: their
 *     Grafana, Alertmanager, exporters and Jobs could then query any tenant's traces through port 3200)
 */
public record TempoSettings(double plannedIngestMBps, int replicationFactor, String profile, String zoneSpread,
                            String walSize, String generatorWalSize, Optional<String> storageClass,
                            String prometheusRemoteWriteUrl, boolean prometheusOperator, int hpaMaxFactor,
                            Map<String, ComponentOverride> components, List<String> zones, String clusterLabel,
                            boolean networkPolicy, List<String> scrapeNamespaces, Map<String, String> scrapePodLabels) {
    public TempoSettings {
        zones = List.copyOf(zones);
        scrapeNamespaces = List.copyOf(scrapeNamespaces);
        scrapePodLabels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(scrapePodLabels));
    }

    /**
     * The label the Prometheus Operator puts on every Prometheus server pod it runs, kube-prometheus-stack's included
     * (prometheus-operator pkg/prometheus/server/statefulset.go, makeStatefulSetSpec: podSelectorLabels
     * {@code app.kubernetes.io/name: prometheus}, also the StatefulSet's selector, so it stays). Its Alertmanager,
     * Grafana and exporters carry other names.
     */
    public static final Map<String, String> PROMETHEUS_POD_LABELS = Map.of("app.kubernetes.io/name", "prometheus");

    /**
     * Settings as tests build them, with the stack file's defaults: no zones, label off, policies on for the
     * Prometheus of [monitoring].
     */
    public TempoSettings(double plannedIngestMBps, int replicationFactor, String profile, String zoneSpread,
                         String walSize, String generatorWalSize, Optional<String> storageClass,
                         String prometheusRemoteWriteUrl, boolean prometheusOperator, int hpaMaxFactor,
                         Map<String, ComponentOverride> components) {
        this(plannedIngestMBps, replicationFactor, profile, zoneSpread, walSize, generatorWalSize, storageClass,
                prometheusRemoteWriteUrl, prometheusOperator, hpaMaxFactor, components, List.of(), "off", true,
                List.of("monitoring"), PROMETHEUS_POD_LABELS);
    }

    /** Whether ingesters run one StatefulSet per zone with zone-aware replication. */
    public boolean zoneAware() {
        return zoneSpread.equals("required") && !zones.isEmpty();
    }

    public static final List<String> COMPONENTS = List.of("distributor", "ingester", "querier", "query-frontend",
            "compactor", "metrics-generator", "memcached");
    static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(m|Ki|Mi|Gi|Ti)?");
    static final Pattern URL = Pattern.compile("https?://\\S+");

    /**
     * @param replicas fixed replica count (HPA minimum where there is an HPA)
     * @param cpu CPU request, e.g. "500m"
     * @param memory memory request, e.g. "2Gi"
     * @param cpuLimit CPU limit
     * @param memoryLimit memory limit
     */
    public record ComponentOverride(Optional<Integer> replicas, Optional<String> cpu, Optional<String> memory,
                                    Optional<String> cpuLimit, Optional<String> memoryLimit) {}

    public ComponentOverride override(String component) {
        return components.getOrDefault(component, new ComponentOverride(Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
    }

    static TempoSettings read(Fields f, Cloud cloud, Optional<String> region) {
        boolean local = cloud == Cloud.LOCAL;
        double ingest = f.decimal("plannedIngestMBps", local ? 1 : 10, 0.1, 100_000, "MB/s");
        int rf = (int) f.integer("replicationFactor", local ? 1 : 3, 1, 5, "ingesters");
        if (!local && rf < 3) {
            f.problem("replicationFactor", rf + " loses data when one ingester fails; AWS stacks need at least 3.", "3");
        }
        String profile = f.choice("profile", List.of("standard", "small"), local ? "small" : "standard", false);
        String spread = f.choice("zoneSpread", List.of("required", "preferred"), local ? "preferred" : "required", false);
        String wal = f.matching("walSize", f.string("walSize", "10Gi"), QUANTITY, "is not a quantity like 10Gi", "10Gi");
        String genWal = f.matching("generatorWalSize", f.string("generatorWalSize", "10Gi"), QUANTITY, "is not a quantity like 10Gi", "10Gi");
        var storageClass = f.optionalString("storageClass");
        String remoteWrite = f.matching("prometheusRemoteWriteUrl",
                f.requiredString("prometheusRemoteWriteUrl", "http://prometheus.monitoring.svc:9090/api/v1/write"), URL,
                "is not an http(s) URL", "http://prometheus.monitoring.svc:9090/api/v1/write");
        boolean operator = f.bool("prometheusOperator", !local);
        int hpaMax = (int) f.integer("hpaMaxFactor", 3, 1, 20, "x");
        var components = new LinkedHashMap<String, ComponentOverride>();
        f.objects("components").forEach((name, c) -> {
            if (!COMPONENTS.contains(name)) {
                f.problemWithFix("components." + name, "is not a Tempo component; known: " + COMPONENTS + "."
                        + Suggest.didYouMean(name, COMPONENTS), "use one of " + COMPONENTS + ".");
                return;
            }
            Optional<Integer> replicas = c.has("replicas") ? Optional.of((int) c.integer("replicas", 1, 0, 1000, "")) : Optional.empty();
            var cpu = c.optionalString("cpu").map(v -> c.matching("cpu", v, QUANTITY, "is not a CPU quantity like 500m", "500m"));
            var mem = c.optionalString("memory").map(v -> c.matching("memory", v, QUANTITY, "is not a memory quantity like 2Gi", "2Gi"));
            var cpuLimit = c.optionalString("cpuLimit").map(v -> c.matching("cpuLimit", v, QUANTITY, "is not a CPU quantity like 2", "2"));
            var memLimit = c.optionalString("memoryLimit").map(v -> c.matching("memoryLimit", v, QUANTITY, "is not a memory quantity like 4Gi", "4Gi"));
            c.finish();
            components.put(name, new ComponentOverride(replicas, cpu, mem, cpuLimit, memLimit));
        });
        // Opt-in, never a default: turning zones on renames the ingester StatefulSets (new WAL volumes), a migration an
        // operator starts on purpose after draining the old ingesters (runbooks/upgrade-the-platform.md).
        var zones = f.has("zones") ? f.stringList("zones") : List.<String>of();
        if (!zones.isEmpty() && !spread.equals("required")) {
            f.problem("zones", "per-zone ingesters need tempo.zoneSpread: required.", "required");
        }
        if (!zones.isEmpty() && zones.size() != rf) {
            f.problem("zones", "lists " + zones.size() + " zones; zoneSpread: required needs exactly replicationFactor ("
                    + rf + ") zones, one copy of every trace in each.", "[eu-central-1a, eu-central-1b, eu-central-1c]");
        }
        if (zones.stream().distinct().count() != zones.size()) f.problem("zones", "lists a zone twice.", "[eu-central-1a, eu-central-1b, eu-central-1c]");
        String label = f.choice("clusterLabel", List.of("verified", "unverified", "off"), "off", false);
        boolean networkPolicy = f.bool("networkPolicy", true);
        var scrapeNamespaces = f.namespaceList("scrapeNamespaces", local ? List.of() : List.of("monitoring"), "monitoring");
        // Absent: the default; {} given on purpose: every pod of the scrape namespaces.
        var scrapePodLabels = f.labelMap("scrapePodLabels", PROMETHEUS_POD_LABELS);
        f.finish();
        return new TempoSettings(ingest, rf, profile, spread, wal, genWal, storageClass, remoteWrite, operator, hpaMax,
                Map.copyOf(components), zones, label, networkPolicy, scrapeNamespaces, scrapePodLabels);
    }

}
