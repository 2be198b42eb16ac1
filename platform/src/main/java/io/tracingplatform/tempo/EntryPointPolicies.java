package io.tracingplatform.tempo;

import io.tracingplatform.config.TempoSettings;
import io.tracingplatform.k8s.Labels;
import io.tracingplatform.k8s.NetworkPolicies;
import io.tracingplatform.k8s.NetworkPolicies.Peer;
import io.tracingplatform.k8s.NetworkPolicies.Rule;
import io.tracingplatform.tempo.targets.Distributor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may connect to Tempo's two entry points, port by port (pure: the component turns these rules into
 * NetworkPolicies). Without them any pod of the cluster could write spans to a distributor, or read any tenant's
 * traces from a query-frontend, with any {@code X-Scope-OrgID}. Every port a target's container declares has a
 * rule here (a test holds that), so a port added later is a decision, not an accident.
 */
public final class EntryPointPolicies {
    private EntryPointPolicies() {}

    /** Every pod of Tempo's (targets, vulture, memcached): the selector labels they all share, without a component. */
    static Map<String, String> tempoPods() {
        return Map.of(Labels.NAME, TempoCluster.APP, Labels.INSTANCE, TempoCluster.APP);
    }

    static Map<String, String> component(String component) {
        return Labels.selector(TempoCluster.APP, TempoCluster.APP, component);
    }

    /** The distributors' ingress. */
    public static List<Rule> distributor(TempoClients clients, List<Peer> scrapers) {
        var writers = pods(clients.writers());
        // tempo-vulture writes its probe traces straight to a distributor (its OTLP gRPC port).
        writers.add(NetworkPolicies.pods(component(TempoCluster.VULTURE)));
        return List.of(
                // OTLP: the only way spans enter Tempo. 4318 (OTLP/HTTP) has no platform client today; it stays open to the
                // same senders so switching an exporter's protocol needs no policy change.
                Rule.from(writers, Distributor.OTLP_GRPC, Distributor.OTLP_HTTP),
                ownTraffic(),
                metrics(scrapers));
    }

    /** The query-frontends' ingress. */
    public static List<Rule> queryFrontend(TempoClients clients, List<Peer> scrapers) {
        var readers = pods(clients.readers());
        // tempo-vulture reads its probe traces back through the query-frontend's HTTP API.
        readers.add(NetworkPolicies.pods(component(TempoCluster.VULTURE)));
        return List.of(
                // The HTTP API (search, trace by id, metrics queries; Grafana's streaming rides on it too,
                // stream_over_http_enabled).
                Rule.from(readers, WorkloadSpec.HTTP),
                // Queriers' frontend workers dial in to fetch jobs. Queriers only: this gRPC server also serves
                // StreamingQuerier (cmd/tempo/app/modules.go, initQueryFrontend, v2.10.8), i.e. queries for any tenant.
                Rule.from(List.of(NetworkPolicies.pods(component("querier"))), WorkloadSpec.GRPC),
                // Memberlist: the frontend owns no ring entry and declares no gossip port, but every 2.10.8 target
                // initialises memberlist (Common -> UsageReport -> MemberlistKV); should it gossip, members must reach
                // it, and where nothing listens the rule opens nothing.
                Rule.from(List.of(NetworkPolicies.pods(tempoPods())), WorkloadSpec.GOSSIP),
                metrics(scrapers));
    }

    /**
     * Tempo's own traffic: memberlist gossip of the rings (dskit's TCP transport, so TCP covers it) and the gRPC port.
     * Every Tempo pod, not only those labelled ring members: which targets start memberlist is Tempo's business (its
     * module dependencies), and a member that cannot gossip with the distributors splits the ring view. No 2.10.8
     * target dials a distributor's gRPC port (initDistributor registers no service on it); it stays open to Tempo's
     * own pods only.
     */
    static Rule ownTraffic() {
        return Rule.from(List.of(NetworkPolicies.pods(tempoPods())), WorkloadSpec.GOSSIP, WorkloadSpec.GRPC);
    }

    /**
     * Metrics (/metrics on the HTTP port) for the cluster's Prometheus. On the query-frontend the same port serves the
     * HTTP API: a scraper there could also query, hence only Prometheus's pods of the scrape namespaces. With no
     * scraper at all the rule admits nobody (it is left out, never turned into "from anywhere").
     */
    static Rule metrics(List<Peer> scrapers) {
        return metrics(scrapers, WorkloadSpec.HTTP);
    }

    /** The same scrapers on {@code port} (memcached's exporter, tempo-vulture). */
    static Rule metrics(List<Peer> scrapers, int port) {
        return Rule.from(scrapers, port);
    }

    /**
     * Who scrapes the platform's pods, the one place that says it: the scraper pods (the local stack's Prometheus) and
     * the pods of {@code tempo.scrapeNamespaces} that carry {@code tempo.scrapePodLabels} (one peer, both selectors: an
     * AND). Not every pod of those namespaces: their Grafana, Alertmanager, exporters and Jobs would reach the
     * query-frontend's API for any tenant, the queriers' /querier/api, the ingesters' /shutdown and the collectors'
     * metrics naming every tenant's exporter. Every Tempo pod's metrics rule, and the gateway's and the sampler's
     * (GatewayCluster), admit these peers.
     */
    public static List<Peer> scrapers(TempoClients clients, TempoSettings tempo) {
        var peers = pods(clients.scrapers());
        peers.add(NetworkPolicies.namespaces(tempo.scrapeNamespaces(), tempo.scrapePodLabels()));
        return peers;
    }

    private static List<Peer> pods(List<Map<String, String>> selectors) {
        var out = new ArrayList<Peer>();
        for (var s : selectors) out.add(NetworkPolicies.pods(s));
        return out;
    }
}
