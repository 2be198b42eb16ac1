package io.tracingplatform.tempo;

import io.tracingplatform.config.Durations;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.config.TempoSettings;
import io.tracingplatform.k8s.Monitoring;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.tempo.targets.Compactor;
import io.tracingplatform.tempo.targets.Distributor;
import io.tracingplatform.tempo.targets.Ingester;
import io.tracingplatform.tempo.targets.MetricsGenerator;
import io.tracingplatform.tempo.targets.Querier;
import io.tracingplatform.tempo.targets.QueryFrontend;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tempo of one stack as data: the config of every target (base plus delta), the per-tenant overrides file,
 * and every workload. A pure function of settings, tenants and the storage plan.
 *
 * @param configs workload name to its rendered tempo.yaml (per-zone ingesters differ in their ring zone)
 * @param configHashes workload name to the SHA-256 of its tempo.yaml (pod annotation: a change rolls the pods)
 * @param overridesYaml the runtime overrides file (reloaded by Tempo every 10s; not hashed, so a tenant change
 *     rolls no pod)
 * @param workloads the Tempo targets' workloads, in start order
 * @param memcached the cache's size
 * @param image the Tempo image of the stack's release
 */
public record TempoPlan(Map<String, String> configs, Map<String, String> configHashes, String overridesYaml,
                        List<WorkloadSpec> workloads, Sizing.Size memcached, String image) {
    public static final List<TempoTarget> TARGETS = List.of(new Distributor(), new Ingester(), new Querier(),
            new QueryFrontend(), new Compactor(), new MetricsGenerator());
    public static final String OVERRIDES_CONFIG_MAP = "tempo-overrides";
    public static final String MEMCACHED = "memcached";
    /** MB in tenant files and settings are decimal megabytes, as Tempo's documented defaults are. */
    static final long MB = 1_000_000L;
    /**
     * The exemplar label the metrics-generator writes trace ids under: Tempo's default ("traceID", in
     * modules/generator/registry when metrics_generator.trace_id_label_name is empty), written out per tenant so
     * Grafana's exemplar links and Tempo can never disagree.
     */
    public static final String EXEMPLAR_LABEL = "traceID";

    /** The targets in start order, each once (per-zone ingesters are one target). */
    public List<String> targets() {
        return workloads.stream().map(WorkloadSpec::target).distinct().toList();
    }

    /** A target's replicas over all its workloads. */
    public int replicas(String target) {
        return workloads.stream().filter(w -> w.target().equals(target)).mapToInt(w -> w.size().replicas()).sum();
    }

    /** What targets read from the stack. */
    public record Context(TempoSettings settings, String namespace, Duration defaultRetention, Map<String, Sizing.Size> sizes) {
        public Sizing.Size size(String component) {
            return sizes.get(component);
        }
    }

    public static TempoPlan of(StackSettings settings, List<Tenant> tenants, StoragePlan storage) {
        var sizes = Sizing.of(settings.tempo());
        var ctx = new Context(settings.tempo(), settings.kubernetes().namespace(),
                settings.tenants().defaults().retention(), sizes);
        var base = base(settings, storage.tempo(settings), ctx);
        var configs = new LinkedHashMap<String, String>();
        var hashes = new LinkedHashMap<String, String>();
        var workloads = new ArrayList<WorkloadSpec>();
        for (var target : TARGETS) {
            var config = target.config(base, ctx);
            for (var w : target.workloads(ctx)) {
                String yaml = Yaml.toYaml(w.zone().map(z -> inZone(config, z)).orElse(config));
                configs.put(w.name(), yaml);
                hashes.put(w.name(), Monitoring.configHash(yaml));
                workloads.add(w);
            }
        }
        return new TempoPlan(Map.copyOf(configs), Map.copyOf(hashes), overridesYaml(settings, tenants), List.copyOf(workloads),
                sizes.get("memcached"), settings.release().image("tempo"));
    }

    /** The config of an ingester in {@code zone}: its ring entry carries the zone (ingester.lifecycler.availability_zone). */
    static TempoConfig inZone(TempoConfig config, String zone) {
        var i = config.ingester();
        return config.toBuilder().ingester(new TempoConfig.Ingester(
                new TempoConfig.Lifecycler(i.lifecycler().ring(), zone), i.flushAllOnShutdown())).build();
    }

    /** The memberlist cluster label: this stack's Tempo, so a second Tempo (3.x beside 2.x) never joins its ring. */
    public static String clusterLabel(String environment) {
        return "tempo-" + environment;
    }

    /** What every target shares: server, storage, cache, ring, multitenancy, overrides. */
    static TempoConfig base(StackSettings settings, StoragePlan.TempoStorage s3, Context ctx) {
        String ns = ctx.namespace();
        var storage = new TempoConfig.Storage(new TempoConfig.Trace("s3",
                new TempoConfig.S3(s3.bucket(), s3.endpoint(), s3.region(), s3.insecure(), s3.forcePathStyle()),
                new TempoConfig.Wal("/var/tempo/wal"),
                new TempoConfig.Block("vParquet4"),
                "5m",
                new TempoConfig.Pool(400, 20000)));
        var cache = new TempoConfig.Cache(List.of(new TempoConfig.CacheEntry(List.of("bloom", "parquet-footer"),
                new TempoConfig.Memcached(MEMCACHED + "." + ns + ".svc.cluster.local", "memcached-client", true, "200ms"))));
        // cluster_label: memberlist drops gossip from another cluster's members (dskit memberlist KVConfig.ClusterLabel),
        // needed before Tempo 3 runs beside 2.x on the same network. Adding it to a running ring goes in phases
        // (tempo.clusterLabel: off, unverified, verified), else old and new pods reject each other mid-rollout.
        String phase = ctx.settings().clusterLabel();
        var memberlist = new TempoConfig.Memberlist(false, WorkloadSpec.GOSSIP,
                List.of("dns+" + TempoCluster.GOSSIP_RING + "." + ns + ".svc.cluster.local.:" + WorkloadSpec.GOSSIP),
                phase.equals("off") ? null : clusterLabel(settings.environment()),
                !phase.equals("verified"));
        var overrides = new TempoConfig.Overrides("/overrides/overrides.yaml", "10s", defaults(settings));
        // zone_awareness_enabled: a trace's replicas go to ingesters of distinct zones (dskit ring ReplicationStrategy),
        // read by distributors and queriers from this same ring config.
        var ring = new TempoConfig.Ring(ctx.settings().replicationFactor(), null, ctx.settings().zoneAware() ? true : null);
        return new TempoConfig.Builder()
                .multitenancyEnabled(true)
                // Grafana's streaming search and metrics (gRPC over the HTTP port): cmd/tempo/app/config.go,
                // Config.StreamOverHTTPEnabled `yaml:"stream_over_http_enabled,omitempty"` (not re-read here).
                .streamOverHttpEnabled(true)
                .server(new TempoConfig.Server(WorkloadSpec.HTTP, WorkloadSpec.GRPC, "info"))
                .ingester(new TempoConfig.Ingester(new TempoConfig.Lifecycler(ring, null), null))
                .storage(storage).cache(cache).memberlist(memberlist).overrides(overrides)
                // Off: it lists the bucket at start in every target and writes tempo_cluster_seed.json at its root.
                .usageReport(new TempoConfig.UsageReport(false))
                .build();
    }

    /** overrides.defaults: the stack's tenant defaults, for any tenant without its own entry. */
    static TempoConfig.TenantOverrides defaults(StackSettings settings) {
        var d = settings.tenants().defaults();
        // global: a tenant's limit is for the cluster, divided by the healthy distributors (only read from here).
        return overrides("global", d.retention(), d.rateLimitMBps(), d.burstMB(), d.maxTracesPerUser(), d.maxTraceSizeMB(),
                spanMetricsProcessor(d.spanMetrics(), false), d.serviceGraphs(), d.maxActiveSeries());
    }

    /**
     * Every field written out: Tempo gives a tenant listed in the runtime file zero for any field it leaves out,
     * not the default (grafana/tempo#4996), and zero means no retention or no ingestion.
     */
    static TempoConfig.TenantOverrides overrides(String rateStrategy, Duration retention, double rateMBps, double burstMB, long traces,
                                                 double traceMB, String spanMetrics, boolean serviceGraphs, long series) {
        var processors = new ArrayList<String>();
        if (spanMetrics != null) processors.add(spanMetrics);
        if (serviceGraphs) processors.add("service-graphs");
        return new TempoConfig.TenantOverrides(
                new TempoConfig.Ingestion(rateStrategy, bytes(rateMBps), bytes(burstMB), traces, true),
                // The longest search a tenant may run is its retention: older data is gone anyway.
                new TempoConfig.Read(1_000_000L, Durations.toGo(retention)),
                new TempoConfig.TenantCompaction(Durations.toGo(retention)),
                new TempoConfig.GeneratorOverrides(processors, series, "classic", "0s", 1.1, 100, "15m", EXEMPLAR_LABEL),
                new TempoConfig.Global(bytes(traceMB)));
    }

    /** The generator's span-metrics processor, or null for none (Tempo v2.10.8 modules/generator/processor/processor_names.go). */
    static String spanMetricsProcessor(boolean spanMetrics, boolean atGateway) {
        if (!spanMetrics) return null;
        // Where the gateway counts calls and latency before sampling (TenantEnvironment.spanMetricsAtGateway), the
        // generator would count the kept traces again: it keeps only the size subprocessor
        // (traces_spanmetrics_size_total, what reached Tempo, which is what the tenant's rate limit measures and the
        // tenant usage dashboard shows against it).
        return atGateway ? "span-metrics-size" : "span-metrics";
    }

    /** Per tenant (span metrics: see spanMetricsProcessor). */
    static String overridesYaml(StackSettings settings, List<Tenant> tenants) {
        var map = new TreeMap<String, TempoConfig.TenantOverrides>();
        for (var t : tenants) {
            var s = t.settings();
            map.put(t.id(), overrides(null, s.retention(), s.rateLimitMBps(), s.burstMB(), s.maxTracesPerUser(),
                    s.maxTraceSizeMB(), spanMetricsProcessor(s.spanMetrics(), s.spanMetricsAtGateway()), s.serviceGraphs(),
                    s.maxActiveSeries()));
        }
        return Yaml.toYaml(new TempoConfig.OverridesFile(map));
    }

    static long bytes(double mb) {
        return Math.round(mb * MB);
    }
}
