package io.tracingplatform.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a tenant gets for every value its file leaves out ({@code tracing-platform:tenantDefaults}).
 * Same names as the tenant file's environment entry.
 *
 * @param retention trace retention; default 14d
 * @param rateLimitMBps ingestion rate limit, MB/s; default 5
 * @param burstMB ingestion burst, MB; default 10; at least one gateway request (8 MiB)
 * @param maxTracesPerUser live traces per ingester; default 10000 (Tempo's default)
 * @param maxTraceSizeMB largest trace, MB; default 5 (Tempo's default)
 * @param sampling tail sampling; default none
 * @param spanMetrics span metrics on; default true
 * @param serviceGraphs service graphs on; default true
 * @param maxActiveSeries metrics-generator series cap; default 20000
 */
public record TenantDefaults(Duration retention, double rateLimitMBps, double burstMB, long maxTracesPerUser,
                             double maxTraceSizeMB, Sampling sampling, boolean spanMetrics, boolean serviceGraphs,
                             long maxActiveSeries) {
    public TenantDefaults {
        Objects.requireNonNull(retention, "tenantDefaults.retention");
        Objects.requireNonNull(sampling, "tenantDefaults.sampling");
    }

    static TenantDefaults read(Fields f) {
        var retention = f.duration("retention", Duration.ofDays(14));
        var ingestion = f.object("ingestion", false);
        double rate = ingestion.decimal("rateLimitMBps", 5, 0.001, 1e6, "MB/s");
        double burst = ingestion.decimal("burstMB", 10, 0.001, 1e6, "MB");
        if (burst < io.tracingplatform.tenants.TenantModel.MIN_BURST_MB) {
            ingestion.problem("burstMB", burst + " MB is below " + io.tracingplatform.tenants.TenantModel.MIN_BURST_MB
                    + " MB: " + io.tracingplatform.tenants.TenantModel.WHY_MIN_BURST, "10");
        }
        long traces = ingestion.integer("maxTracesPerUser", 10_000, 1, 100_000_000, "traces");
        double traceSize = ingestion.decimal("maxTraceSizeMB", 5, 0.001, 1e6, "MB");
        ingestion.finish();
        var sampling = readSampling(f, "sampling");
        var generator = f.object("metricsGenerator", false);
        boolean spanMetrics = generator.bool("spanMetrics", true);
        boolean serviceGraphs = generator.bool("serviceGraphs", true);
        long series = generator.integer("maxActiveSeries", 20_000, 1, 100_000_000, "series");
        generator.finish();
        f.finish();
        return new TenantDefaults(retention, rate, burst, traces, traceSize, sampling, spanMetrics, serviceGraphs, series);
    }

    static Sampling readSampling(Fields f, String key) {
        if (!f.has(key)) return Sampling.NONE;
        Object v = f.peek(key);
        if ("none".equals(v)) return Sampling.NONE;
        var s = f.object(key, false);
        boolean errors = s.bool("keepErrors", true);
        var slower = s.has("keepSlowerThan") ? java.util.Optional.of(s.duration("keepSlowerThan", Duration.ofSeconds(1)))
                : java.util.Optional.<Duration>empty();
        double percent = s.decimal("keepPercent", Sampling.DEFAULT_KEEP_PERCENT, 0, 100, "%");
        s.finish();
        return new Sampling(true, errors, slower, percent);
    }
}
