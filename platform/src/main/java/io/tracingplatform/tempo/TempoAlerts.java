package io.tracingplatform.tempo;

import io.tracingplatform.k8s.Alerts;
import java.util.List;
import java.util.Map;

/**
 * The alerts that matter for this platform, scoped to the stack's namespace. Metric names and thresholds follow
 * Tempo's own mixin (operations/tempo-mixin at v2.10.8, ../shared/reference/tempo/mixin-v2.10.8), except
 * {@code memcached_up}, which prom/memcached-exporter exports. The result is a Prometheus rule file's
 * {@code groups}, used as the PrometheusRule spec; a test runs {@code promtool check rules} on it.
 */
public final class TempoAlerts {
    private TempoAlerts() {}

    public static Map<String, Object> ruleGroups(String namespace, String environment) {
        String ns = "namespace=\"" + namespace + "\"";
        var rules = List.of(
                new Alerts.Rule("TempoSpansRefused",
                        "sum by (tenant, reason) (rate(tempo_discarded_spans_total{" + ns + "}[5m])) > 0",
                        "15m", "warning",
                        "Tempo refuses spans of tenant {{ $labels.tenant }} ({{ $labels.reason }}).",
                        "The tenant sends more than its limits allow (rate_limited, trace_too_large, live_traces_exceeded): raise its limits in its tenant file within the caps, or sample.",
                        "ingestion-refused"),
                new Alerts.Rule("TempoOverridesReloadFailed",
                        "max by (pod) (tempo_runtime_config_last_reload_successful{" + ns + "}) == 0",
                        "10m", "critical",
                        "Tempo pod {{ $labels.pod }} cannot load the per-tenant overrides.",
                        "Tenant limit changes are not applied. Check the tempo-overrides ConfigMap and the pod log.",
                        "overrides-reload-failed"),
                new Alerts.Rule("TempoTenantIndexTooOld",
                        "max by (tenant) (tempodb_blocklist_tenant_index_age_seconds{" + ns + "}) > 600",
                        "10m", "critical",
                        "The tenant index of {{ $labels.tenant }} is {{ $value | humanizeDuration }} old.",
                        "Queriers and compactors work from a stale block list; new blocks are not searched. Check the compactors (they build the index).",
                        "tenant-index-too-old"),
                new Alerts.Rule("TempoCompactorBacklog",
                        "sum by (tenant) (tempodb_compaction_outstanding_blocks{" + ns + ", container=\"compactor\"})"
                                + " / ignoring(tenant) group_left() count(tempo_build_info{" + ns + ", container=\"compactor\"}) > 100",
                        "6h", "warning",
                        "The compactors are {{ $value }} blocks per compactor behind for {{ $labels.tenant }}.",
                        "Queries slow down and the bucket grows. Scale the compactor (tempo.components.compactor.replicas).",
                        "compactor-backlog"),
                new Alerts.Rule("TempoIngesterFlushFailures",
                        "sum by (pod) (increase(tempo_ingester_failed_flushes_total{" + ns + "}[1h])) > 2"
                                + " and sum by (pod) (increase(tempo_ingester_failed_flushes_total{" + ns + "}[5m])) > 0",
                        "5m", "critical",
                        "Ingester {{ $labels.pod }} fails to flush blocks to the bucket.",
                        "Traces stay only in the WAL. Check bucket access (IRSA role, KMS key) and the ingester log.",
                        "ingester-flush-failures"),
                // Tempo's mixin (TempoVultureHighErrorRate): over 10% of the probe's traces fail to be written, found
                // or read back intact. Rated over 5m (the mixin's 1m needs a 15s scrape; ours is 30s).
                new Alerts.Rule("TempoVultureErrors",
                        "sum by (error) (rate(tempo_vulture_trace_error_total{" + ns + "}[5m]))"
                                + " / ignoring(error) group_left() sum(rate(tempo_vulture_trace_total{" + ns + "}[5m])) > 0.1",
                        "10m", "critical",
                        "Tempo's write-to-read probe fails: {{ $labels.error }}.",
                        "tempo-vulture writes traces through a distributor and cannot read them back intact: tenants' traces are likely refused, lost or unsearchable too.",
                        "vulture-errors"),
                new Alerts.Rule("TempoMemcachedDown",
                        "min by (pod) (memcached_up{" + ns + "}) == 0",
                        "5m", "warning",
                        "Memcached {{ $labels.pod }} is down.",
                        "Queries read bloom filters and parquet footers from the bucket instead: slower and more GET requests.",
                        "memcached-down"));
        return Alerts.group("tracing-platform-tempo-" + environment, "tempo", rules);
    }
}
