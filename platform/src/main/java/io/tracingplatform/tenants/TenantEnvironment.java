package io.tracingplatform.tenants;

import io.tracingplatform.config.Sampling;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One tenant's settings in one environment, every value resolved (file value, else the stack's default),
 * so Tempo overrides can be written out in full.
 *
 * @param retention trace retention
 * @param rateLimitMBps ingestion rate limit, MB/s
 * @param burstMB ingestion burst, MB
 * @param maxTracesPerUser live traces per ingester
 * @param maxTraceSizeMB largest trace, MB
 * @param averageMBps declared average ingest for cost estimates, MB/s (default: the rate limit)
 * @param sampling tail sampling at the gateway
 * @param spanMetrics span metrics on
 * @param serviceGraphs service graph on
 * @param maxActiveSeries metrics-generator series cap
 * @param viewers SSO groups with Viewer in the tenant's Grafana organisation
 * @param editors SSO groups with Editor
 * @param namespaces Kubernetes namespaces the team runs in
 * @param languages zero-code instrumentation languages
 * @param samplerRatio head sampling ratio for zero-code instrumentation
 */
public record TenantEnvironment(Duration retention, double rateLimitMBps, double burstMB, long maxTracesPerUser,
                                double maxTraceSizeMB, double averageMBps, Sampling sampling, boolean spanMetrics,
                                boolean serviceGraphs, long maxActiveSeries, List<String> viewers,
                                List<String> editors, List<String> namespaces, List<String> languages,
                                double samplerRatio) {
    public TenantEnvironment {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(sampling, "sampling");
        viewers = List.copyOf(viewers);
        editors = List.copyOf(editors);
        namespaces = List.copyOf(namespaces);
        languages = List.copyOf(languages);
    }

    /**
     * Whether the gateway computes this tenant's span metrics, before tail sampling, instead of Tempo's
     * metrics-generator (which sees only the kept traces: too few calls, too high an error ratio). Service graphs stay
     * with the generator (GatewayPlan.spanMetricsBeforeSampling says why).
     */
    public boolean spanMetricsAtGateway() {
        return spanMetrics && sampling.enabled();
    }
}
