package io.tracingplatform.tempo;

import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.NetworkPolicies.Peer;
import io.tracingplatform.k8s.NetworkPolicies.Rule;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who may connect to Tempo's inner tiers (ingesters, queriers, metrics-generators, compactors, memcached, vulture),
 * port by port (pure, like {@link EntryPointPolicies}). Without them any pod of the cluster could push to an ingester
 * or a generator, or read any tenant's traces from an ingester's gRPC {@code Querier} or a querier's
 * {@code /querier/api/...}, with any {@code X-Scope-OrgID}, past the entry points' policies. Each rule admits only
 * the callers Tempo 2.10.8 really has (sources cited per rule), Tempo's gossip, and the scrapers.
 *
 * <p>Nothing outside Tempo calls an ingester's or querier's HTTP port but scrapers and the kubelet's probes (from the
 * pod's own node, always admitted): queriers take their work over the gRPC stream their worker opens to a frontend and
 * run it through their own HTTP handler in-process (modules/querier/querier.go, CreateAndRegisterWorker wraps the
 * handler in httpgrpc_server.NewServer; modules/querier/worker/frontend_processor.go, runRequest), and an ingester's
 * HTTP routes are /flush, /shutdown and /ingester/prepare-partition-downscale for operators (initIngester,
 * cmd/tempo/app/modules.go). Operators reach those with {@code kubectl port-forward}: the kubelet and the container
 * runtime connect from inside the pod's network namespace to its loopback, which NetworkPolicy does not cover
 * (loopback is left to implementations, kubernetes/kubernetes#95879, and common CNIs do not filter it; not tested
 * here), so no rule is written for it.
 */
public final class InternalPolicies {
    private InternalPolicies() {}

    /** The ports of memcached (client, exporter) and of tempo-vulture's metrics. */
    public static final int MEMCACHED = 11211;
    public static final int MEMCACHED_EXPORTER = 9150;
    public static final int VULTURE_METRICS = 8080;

    /**
     * Every Tempo NetworkPolicy's rules by the component label it guards (sorted: stable output); {@code scrapers} from
     * {@link EntryPointPolicies#scrapers}. A per-zone ingester
     * StatefulSet's pods carry {@code component: ingester} too (TempoCluster.podLabels), so one policy guards all zones.
     */
    public static Map<String, List<Rule>> byComponent(TempoClients clients, List<Peer> scrapers) {
        var out = new TreeMap<String, List<Rule>>();
        out.put("distributor", EntryPointPolicies.distributor(clients, scrapers));
        out.put("query-frontend", EntryPointPolicies.queryFrontend(clients, scrapers));
        out.put("ingester", ingester(scrapers));
        out.put("querier", querier(scrapers));
        out.put("metrics-generator", metricsGenerator(scrapers));
        out.put("compactor", compactor(scrapers));
        out.put(TempoPlan.MEMCACHED, memcached(scrapers));
        out.put(TempoCluster.VULTURE, vulture(scrapers));
        return out;
    }

    /**
     * Ingesters: on gRPC, pushes ({@code Pusher.PushBytesV2}) from distributors (modules/distributor/distributor.go)
     * and reads of recent traces ({@code Querier}: FindTraceByID, SearchRecent, ...) from queriers
     * (modules/querier/querier.go, forIngesterRings); initIngester registers those two services and no other. Only
     * these two targets hold ring clients (no other 2.10.8 module imports modules/ingester/client).
     */
    public static List<Rule> ingester(List<Peer> scrapers) {
        return List.of(Rule.from(pods("distributor", "querier"), WorkloadSpec.GRPC), gossip(),
                // The HTTP port also serves /shutdown: only the scrapers (Prometheus's pods), never a whole namespace.
                EntryPointPolicies.metrics(scrapers));
    }

    /**
     * Queriers: nothing dials them (see the class comment), and initQuerier registers no gRPC service. Their gRPC port
     * stays open to Tempo's own pods only, as the distributor's does. The HTTP port also serves /querier/api/...: a
     * scraper there could query, so only the scrapers' pods ({@link EntryPointPolicies#scrapers}) reach it.
     */
    public static List<Rule> querier(List<Peer> scrapers) {
        return List.of(EntryPointPolicies.ownTraffic(), EntryPointPolicies.metrics(scrapers));
    }

    /**
     * Metrics-generators: on gRPC, spans ({@code MetricsGenerator.PushSpans}) from distributors
     * (modules/distributor/distributor.go) and recent metrics queries from queriers (modules/querier/querier.go,
     * forGivenGenerators; querier_query_range.go). Their HTTP port's /generator/api/... is called by nobody.
     */
    public static List<Rule> metricsGenerator(List<Peer> scrapers) {
        return List.of(Rule.from(pods("distributor", "querier"), WorkloadSpec.GRPC), gossip(),
                EntryPointPolicies.metrics(scrapers));
    }

    /** Compactors: gossip (their sharding ring) and metrics only; initCompactor registers no gRPC service. */
    public static List<Rule> compactor(List<Peer> scrapers) {
        return List.of(gossip(), EntryPointPolicies.metrics(scrapers));
    }

    /**
     * memcached: its client port from the targets that open the store, whose cache provider it is (the module deps
     * in cmd/tempo/app/modules.go: Store needs CacheProvider; QueryFrontend, Ingester, Querier, Compactor need Store,
     * MetricsGenerator OptionalStore). Writers fill the cache too (tempodb/backend/cache/cache.go, Write stores bloom
     * and footer), so ingesters, generators and compactors need it as much as queriers. Distributors and vulture
     * never open the store. The exporter's port for the scrapers.
     */
    public static List<Rule> memcached(List<Peer> scrapers) {
        return List.of(Rule.from(pods("query-frontend", "ingester", "querier", "compactor", "metrics-generator"), MEMCACHED),
                EntryPointPolicies.metrics(scrapers, MEMCACHED_EXPORTER));
    }

    /** tempo-vulture serves only its metrics (cmd/tempo-vulture/main.go: promhttp on -prometheus-listen-address). */
    public static List<Rule> vulture(List<Peer> scrapers) {
        return List.of(EntryPointPolicies.metrics(scrapers, VULTURE_METRICS));
    }

    /** Memberlist gossip from every Tempo pod (see {@link EntryPointPolicies#ownTraffic} for why every one). */
    static Rule gossip() {
        return Rule.from(List.of(NetworkPolicies.pods(EntryPointPolicies.tempoPods())), WorkloadSpec.GOSSIP);
    }

    private static List<Peer> pods(String... components) {
        return java.util.Arrays.stream(components).map(c -> NetworkPolicies.pods(EntryPointPolicies.component(c))).toList();
    }
}
