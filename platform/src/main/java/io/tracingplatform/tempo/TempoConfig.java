package io.tracingplatform.tempo;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The part of Tempo's configuration the platform sets, as types. Rendered by the one YAML mapper (keys
 * sorted, nulls left out). Every key path must exist in Tempo's own config manifest; a test checks them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TempoConfig(Boolean multitenancyEnabled, Boolean streamOverHttpEnabled, Server server,
                          Distributor distributor, Ingester ingester, Querier querier, QueryFrontend queryFrontend,
                          Compactor compactor, MetricsGenerator metricsGenerator, Storage storage, Cache cache,
                          Memberlist memberlist, Overrides overrides, UsageReport usageReport) {

    /** A builder starting from this config: a target's delta sets only what it changes. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The one way to derive a config from another (it replaced a copy method per field, each repeating every
     * component). Not a record: it is short-lived and local to a target's {@code config}.
     */
    public static final class Builder {
        private Boolean multitenancyEnabled;
        private Boolean streamOverHttpEnabled;
        private Server server;
        private Distributor distributor;
        private Ingester ingester;
        private Querier querier;
        private QueryFrontend queryFrontend;
        private Compactor compactor;
        private MetricsGenerator metricsGenerator;
        private Storage storage;
        private Cache cache;
        private Memberlist memberlist;
        private Overrides overrides;
        private UsageReport usageReport;

        public Builder() {}

        Builder(TempoConfig c) {
            multitenancyEnabled = c.multitenancyEnabled;
            streamOverHttpEnabled = c.streamOverHttpEnabled;
            server = c.server;
            distributor = c.distributor;
            ingester = c.ingester;
            querier = c.querier;
            queryFrontend = c.queryFrontend;
            compactor = c.compactor;
            metricsGenerator = c.metricsGenerator;
            storage = c.storage;
            cache = c.cache;
            memberlist = c.memberlist;
            overrides = c.overrides;
            usageReport = c.usageReport;
        }

        public Builder multitenancyEnabled(Boolean v) { multitenancyEnabled = v; return this; }
        public Builder streamOverHttpEnabled(Boolean v) { streamOverHttpEnabled = v; return this; }
        public Builder server(Server v) { server = v; return this; }
        public Builder distributor(Distributor v) { distributor = v; return this; }
        public Builder ingester(Ingester v) { ingester = v; return this; }
        public Builder querier(Querier v) { querier = v; return this; }
        public Builder queryFrontend(QueryFrontend v) { queryFrontend = v; return this; }
        public Builder compactor(Compactor v) { compactor = v; return this; }
        public Builder metricsGenerator(MetricsGenerator v) { metricsGenerator = v; return this; }
        public Builder storage(Storage v) { storage = v; return this; }
        public Builder cache(Cache v) { cache = v; return this; }
        public Builder memberlist(Memberlist v) { memberlist = v; return this; }
        public Builder overrides(Overrides v) { overrides = v; return this; }
        public Builder usageReport(UsageReport v) { usageReport = v; return this; }

        public TempoConfig build() {
            return new TempoConfig(multitenancyEnabled, streamOverHttpEnabled, server, distributor, ingester, querier,
                    queryFrontend, compactor, metricsGenerator, storage, cache, memberlist, overrides, usageReport);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Server(int httpListenPort, int grpcListenPort, String logLevel) {}

    /**
     * usage_report: Tempo phones home and, on start, lists the bucket and writes {@code tempo_cluster_seed.json}
     * at its root (cmd/tempo/app/modules.go, initUsageReport, v2.10.8; not re-read here).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UsageReport(Boolean reportingEnabled) {}

    /** Receivers are OpenTelemetry Collector receiver config: free-form below the receiver name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Distributor(Map<String, Object> receivers) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ingester(Lifecycler lifecycler, Boolean flushAllOnShutdown) {}

    /** availability_zone: the ring zone of this ingester (per-zone StatefulSets set it). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lifecycler(Ring ring, String availabilityZone) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ring(Integer replicationFactor, Kvstore kvstore, Boolean zoneAwarenessEnabled) {
        public static Ring memberlist() {
            return new Ring(null, new Kvstore("memberlist"), null);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Kvstore(String store) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Querier(FrontendWorker frontendWorker) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FrontendWorker(String frontendAddress) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record QueryFrontend(Boolean multiTenantQueriesEnabled, FrontendSearch search) {}

    /** query_frontend.search: {@code max_duration} is the longest search range for tenants without their own. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FrontendSearch(String maxDuration) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Compactor(Compaction compaction, Ring ring) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Compaction(String blockRetention, String compactedBlockRetention) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MetricsGenerator(GeneratorStorage storage, Ring ring, Registry registry) {}

    /** metrics_generator.registry: {@code inject_tenant_id_as} labels every generated series with its tenant id. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Registry(String injectTenantIdAs) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GeneratorStorage(String path, List<RemoteWrite> remoteWrite) {}

    /** A Prometheus remote_write entry (Prometheus' own config format). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RemoteWrite(String url, Boolean sendExemplars) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Storage(Trace trace) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Trace(String backend, S3 s3, Wal wal, Block block, String blocklistPoll, Pool pool) {}

    /** Tempo spells forcepathstyle as one word. */
    @JsonNaming(PropertyNamingStrategies.LowerCaseStrategy.class)
    public record S3(String bucket, String endpoint, String region, Boolean insecure, Boolean forcepathstyle) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Wal(String path) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Block(String version) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Pool(Integer maxWorkers, Integer queueDepth) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Cache(List<CacheEntry> caches) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CacheEntry(List<String> roles, Memcached memcached) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Memcached(String host, String service, Boolean consistentHash, String timeout) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Memberlist(Boolean abortIfClusterJoinFails, Integer bindPort, List<String> joinMembers,
                             String clusterLabel, Boolean clusterLabelVerificationDisabled) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Overrides(String perTenantOverrideConfig, String perTenantOverridePeriod, TenantOverrides defaults) {}

    /** One tenant's limits in Tempo's scoped overrides format. Always written with every field set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantOverrides(Ingestion ingestion, Read read, TenantCompaction compaction,
                                  GeneratorOverrides metricsGenerator, Global global) {}

    /**
     * {@code rate_strategy} only in overrides.defaults (null per tenant): 2.10.8 reads it once, for the empty
     * tenant id, when the distributor starts (modules/overrides/runtime_config_overrides.go,
     * IngestionRateStrategy; not re-read here); a per-tenant value is silently ignored.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ingestion(String rateStrategy, long rateLimitBytes, long burstSizeBytes, long maxTracesPerUser,
                            boolean retryInfoEnabled) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Read(long maxBytesPerTagValuesQuery, String maxSearchDuration) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantCompaction(String blockRetention) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GeneratorOverrides(List<String> processors, long maxActiveSeries, String generateNativeHistograms,
                                     String ingestionTimeRangeSlack, double nativeHistogramBucketFactor,
                                     int nativeHistogramMaxBucketNumber, String nativeHistogramMinResetDuration,
                                     String traceIdLabelName) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Global(long maxBytesPerTrace) {}

    /** The runtime overrides file: {@code overrides: {<tenant>: {...}}}. */
    public record OverridesFile(Map<String, TenantOverrides> overrides) {}
}
