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
public record TempoConfig(Boolean multitenancyEnabled, Server server, Distributor distributor, Ingester ingester,
                          Querier querier, QueryFrontend queryFrontend, Compactor compactor,
                          MetricsGenerator metricsGenerator, Storage storage, Cache cache, Memberlist memberlist,
                          Overrides overrides) {

    public TempoConfig withDistributor(Distributor d) {
        return new TempoConfig(multitenancyEnabled, server, d, ingester, querier, queryFrontend, compactor, metricsGenerator, storage, cache, memberlist, overrides);
    }

    public TempoConfig withQuerier(Querier q) {
        return new TempoConfig(multitenancyEnabled, server, distributor, ingester, q, queryFrontend, compactor, metricsGenerator, storage, cache, memberlist, overrides);
    }

    public TempoConfig withQueryFrontend(QueryFrontend q) {
        return new TempoConfig(multitenancyEnabled, server, distributor, ingester, querier, q, compactor, metricsGenerator, storage, cache, memberlist, overrides);
    }

    public TempoConfig withCompactor(Compactor c) {
        return new TempoConfig(multitenancyEnabled, server, distributor, ingester, querier, queryFrontend, c, metricsGenerator, storage, cache, memberlist, overrides);
    }

    public TempoConfig withMetricsGenerator(MetricsGenerator m) {
        return new TempoConfig(multitenancyEnabled, server, distributor, ingester, querier, queryFrontend, compactor, m, storage, cache, memberlist, overrides);
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Server(int httpListenPort, int grpcListenPort, String logLevel) {}

    /** Receivers are OpenTelemetry Collector receiver config: free-form below the receiver name. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Distributor(Map<String, Object> receivers) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ingester(Lifecycler lifecycler) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lifecycler(Ring ring) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ring(Integer replicationFactor, Kvstore kvstore) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Kvstore(String store) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Querier(FrontendWorker frontendWorker) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FrontendWorker(String frontendAddress) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record QueryFrontend(Boolean multiTenantQueriesEnabled) {}

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
    public record Memberlist(Boolean abortIfClusterJoinFails, Integer bindPort, List<String> joinMembers) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Overrides(String perTenantOverrideConfig, String perTenantOverridePeriod, TenantOverrides defaults) {}

    /** One tenant's limits in Tempo's scoped overrides format. Always written with every field set. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TenantOverrides(Ingestion ingestion, Read read, TenantCompaction compaction,
                                  GeneratorOverrides metricsGenerator, Global global) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ingestion(String rateStrategy, long rateLimitBytes, long burstSizeBytes, long maxTracesPerUser,
                            boolean retryInfoEnabled) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Read(long maxBytesPerTagValuesQuery) {}

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
