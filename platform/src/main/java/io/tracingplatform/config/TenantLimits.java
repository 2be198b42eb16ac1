package io.tracingplatform.config;

import java.time.Duration;

/**
 * Caps no tenant of the stack may exceed ({@code tracing-platform:tenantLimits}). A tenant value over a cap
 * is an error that names the cap and {@code requestMoreFrom}.
 *
 * @param maxRetention longest retention; default 30d
 * @param maxRateLimitMBps highest rate limit, MB/s; default 50
 * @param maxBurstMB highest burst, MB; default 100
 * @param maxTracesPerUser highest live traces per ingester; default 100000
 * @param maxTraceSizeMB largest trace size, MB; default 50
 * @param maxActiveSeries highest metrics-generator series cap; default 200000
 * @param requestMoreFrom where a team asks for a higher cap; default "the platform team"
 */
public record TenantLimits(Duration maxRetention, double maxRateLimitMBps, double maxBurstMB, long maxTracesPerUser,
                           double maxTraceSizeMB, long maxActiveSeries, String requestMoreFrom) {
    static TenantLimits read(Fields f) {
        var retention = f.duration("maxRetention", Duration.ofDays(30));
        double rate = f.decimal("maxRateLimitMBps", 50, 0.001, 1e6, "MB/s");
        double burst = f.decimal("maxBurstMB", 100, 0.001, 1e6, "MB");
        long traces = f.integer("maxTracesPerUser", 100_000, 1, 100_000_000, "traces");
        double size = f.decimal("maxTraceSizeMB", 50, 0.001, 1e6, "MB");
        long series = f.integer("maxActiveSeries", 200_000, 1, 100_000_000, "series");
        String ask = f.string("requestMoreFrom", "the platform team");
        f.finish();
        return new TenantLimits(retention, rate, burst, traces, size, series, ask);
    }
}
