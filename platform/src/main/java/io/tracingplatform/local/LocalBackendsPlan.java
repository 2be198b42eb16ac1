package io.tracingplatform.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tracingplatform.config.Durations;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.yaml.Yaml;
import java.util.List;
import java.util.Map;

/**
 * The logs and metrics backends the local stack runs so Grafana has something to correlate traces with on a
 * laptop: single-binary Loki (multi-tenant, filesystem; OTLP logs from the gateway) and Prometheus (remote-write
 * and OTLP receivers, exemplar storage, scraping the platform's pods found by DNS). Production stacks point at their own Loki and Mimir instead.
 *
 * @param prometheusYaml prometheus.yml (checked with promtool in the tests)
 * @param prometheusArgs Prometheus command-line flags
 * @param lokiYaml Loki's config (keys as in grafana/loki cmd/loki/loki-local-config.yaml and the configuration reference)
 */
public record LocalBackendsPlan(String prometheusYaml, List<String> prometheusArgs, String lokiYaml) {
    public static final String PROMETHEUS = "prometheus";
    public static final String LOKI = "loki";
    public static final int PROMETHEUS_PORT = 9090;
    public static final int LOKI_PORT = 3100;
    /** The headless Service whose ports are the platform pods' metrics ports. */
    public static final String METRICS_SERVICE = "platform-metrics";
    /** Scrape job (= Service port name) to the named container port it targets: Tempo, the collector, the memcached exporter. */
    public static final Map<String, String> METRICS_PORTS = new java.util.TreeMap<>(Map.of(
            "tempo", "prom-metrics", "collector", "metrics", "memcached", "http-metrics"));
    /** The port numbers behind those names (WorkloadSpec.HTTP, GatewayPlan.METRICS, the exporter's 9150). */
    public static final Map<String, Integer> METRICS_PORT_NUMBERS = Map.of("tempo", 3200, "collector", 8888, "memcached", 9150);

    public static LocalBackendsPlan of(StackSettings settings) {
        String ns = settings.kubernetes().namespace();
        String retention = Durations.toGo(settings.tenants().defaults().retention());
        // One headless Service (METRICS_SERVICE) selects every platform pod; its SRV records list each pod's
        // metrics port, so Prometheus needs no Kubernetes API access (and no API token) to find them.
        var scrapes = new java.util.ArrayList<Object>();
        METRICS_PORTS.forEach((job, port) -> scrapes.add(Map.of(
                "job_name", job,
                "dns_sd_configs", List.of(Map.of("type", "SRV", "refresh_interval", "30s",
                        "names", List.of("_" + job + "._tcp." + METRICS_SERVICE + "." + ns + ".svc.cluster.local"))),
                "relabel_configs", List.of(Map.of("target_label", "namespace", "replacement", ns)))));
        // Tenants' app metrics arrive over OTLP from the gateway (GatewayPlan.passThrough). This Prometheus has one
        // tenant, so the gateway's tracing.tenant becomes a label (Prometheus config.go OTLPConfig
        // promote_resource_attributes) and queries can tell teams apart; Mimir separates them by X-Scope-OrgID.
        String prometheus = Yaml.toYaml(Map.of(
                "global", Map.of("scrape_interval", "30s", "evaluation_interval", "30s",
                        "external_labels", Map.of("cluster", settings.clusterName())),
                "otlp", Map.of("promote_resource_attributes", List.of(
                        io.tracingplatform.collector.GatewayPlan.TENANT_ATTRIBUTE, "k8s.namespace.name")),
                "scrape_configs", scrapes));
        var args = List.of(
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=" + retention,
                // Tempo's metrics-generator writes span metrics here, with exemplars.
                "--web.enable-remote-write-receiver",
                "--enable-feature=exemplar-storage",
                // Apps' metrics, from the gateway (OTLP/HTTP at /api/v1/otlp/v1/metrics).
                "--web.enable-otlp-receiver",
                "--web.listen-address=:" + PROMETHEUS_PORT);
        var loki = new Loki(true,
                new Server(LOKI_PORT, 9096, "info"),
                new Common("127.0.0.1", "/loki", new CommonStorage(new Filesystem("/loki/chunks", "/loki/rules")), 1,
                        new Ring(new Kvstore("inmemory"))),
                new SchemaConfig(List.of(new Period("2024-04-01", "tsdb", "filesystem", "v13", new Index("index_", "24h")))),
                new Limits(retention, true),
                new Compactor("/loki/compactor", true, "filesystem"),
                new Querier(true),
                new Analytics(false));
        return new LocalBackendsPlan(prometheus, args, Yaml.toYaml(loki));
    }

    record Loki(@JsonProperty("auth_enabled") boolean authEnabled, Server server, Common common,
                @JsonProperty("schema_config") SchemaConfig schemaConfig, @JsonProperty("limits_config") Limits limitsConfig,
                Compactor compactor, Querier querier, Analytics analytics) {}

    record Server(@JsonProperty("http_listen_port") int httpListenPort, @JsonProperty("grpc_listen_port") int grpcListenPort,
                  @JsonProperty("log_level") String logLevel) {}

    record Common(@JsonProperty("instance_addr") String instanceAddr, @JsonProperty("path_prefix") String pathPrefix,
                  CommonStorage storage, @JsonProperty("replication_factor") int replicationFactor, Ring ring) {}

    record CommonStorage(Filesystem filesystem) {}

    record Filesystem(@JsonProperty("chunks_directory") String chunksDirectory, @JsonProperty("rules_directory") String rulesDirectory) {}

    record Ring(Kvstore kvstore) {}

    record Kvstore(String store) {}

    record SchemaConfig(List<Period> configs) {}

    record Period(String from, String store, @JsonProperty("object_store") String objectStore, String schema, Index index) {}

    record Index(String prefix, String period) {}

    /** Retention applies per tenant; OTLP logs carry trace_id as structured metadata. */
    record Limits(@JsonProperty("retention_period") String retentionPeriod,
                  @JsonProperty("allow_structured_metadata") boolean allowStructuredMetadata) {}

    record Compactor(@JsonProperty("working_directory") String workingDirectory, @JsonProperty("retention_enabled") boolean retentionEnabled,
                     @JsonProperty("delete_request_store") String deleteRequestStore) {}

    /** Lets the admins' Grafana organisation query every tenant at once ("a|b"). */
    record Querier(@JsonProperty("multi_tenant_queries_enabled") boolean multiTenantQueriesEnabled) {}

    record Analytics(@JsonProperty("reporting_enabled") boolean reportingEnabled) {}
}
