package io.tracingplatform.grafana;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The correlated Tempo, Loki and Prometheus data sources of one Grafana organisation. The same function builds
 * the platform admins' set (every tenant in one header, {@code a|b}) and each tenant's own (its id only), so a
 * tenant organisation has exactly the admins' correlations, scoped to itself.
 *
 * <p>Sources of the field names: Grafana docs, "Configure the Tempo data source" (tracesToLogsV2,
 * tracesToMetrics, serviceMap, nodeGraph, lokiSearch, traceQuery), "Configure the Loki data source"
 * (derivedFields), "Configure the Prometheus data source" (exemplarTraceIdDestinations), "Data source HTTP
 * headers" (httpHeaderName1 / secureJsonData.httpHeaderValue1).
 */
public final class DataSources {
    public static final String TENANT_HEADER = "X-Scope-OrgID";
    public static final String TEMPO = "tp-tempo";
    public static final String LOKI = "tp-loki";
    public static final String PROMETHEUS = "tp-prometheus";
    /** Main organisation only: Tempo's and the collector's own metrics, for the platform dashboards. */
    public static final String PLATFORM_METRICS = "tp-platform-metrics";
    /** Every data source the platform manages has a uid with this prefix; the sync removes others it made. */
    public static final String MANAGED_PREFIX = "tp-";

    /**
     * Appended to the names of a tenant organisation's data sources. Names are unique per organisation (Grafana
     * answers 409), and a team's own data source is likely to be called "Tempo": ours are not. The main
     * organisation keeps the plain names: its provisioning finds data sources by name, and a renamed one with the
     * same uid would be refused at Grafana's start.
     */
    public static final String TENANT_NAME_SUFFIX = " · tracing platform";

    /** Span-metrics label names of Tempo's metrics-generator (Tempo docs, span metrics: default dimensions). */
    static final String SERVICE_LABEL = "service";

    private DataSources() {}

    /**
     * @param tempoUrl the query-frontend
     * @param tenantHeader the X-Scope-OrgID value: one tenant, or {@code a|b|c} for the admins ("" sends none)
     * @param exemplarLabel the label the metrics-generator writes trace ids under
     * @param nameSuffix appended to every name ("" in the main organisation, {@link #TENANT_NAME_SUFFIX} in tenants')
     * @param streaming Grafana's Tempo streaming (gRPC streams over Tempo's HTTP port) for search and metrics;
     *     only where Tempo serves them ({@code stream_over_http_enabled}), else every search fails
     */
    static List<DataSource> correlated(String tempoUrl, String lokiUrl, String prometheusUrl, String tenantHeader,
                                       String exemplarLabel, String nameSuffix, boolean streaming) {
        var tempo = new LinkedHashMap<String, Object>();
        tempo.put("tracesToLogsV2", Map.of(
                "datasourceUid", LOKI,
                "spanStartTimeShift", "-5m",
                "spanEndTimeShift", "5m",
                "filterByTraceID", true,
                "filterBySpanID", false,
                // OTLP resource attribute -> the Loki label it becomes (Loki's OTLP ingestion default).
                "tags", List.of(Map.of("key", "service.name", "value", "service_name"),
                        Map.of("key", "k8s.namespace.name", "value", "k8s_namespace_name"))));
        tempo.put("tracesToMetrics", Map.of(
                "datasourceUid", PROMETHEUS,
                "spanStartTimeShift", "-5m",
                "spanEndTimeShift", "5m",
                "tags", List.of(Map.of("key", "service.name", "value", SERVICE_LABEL)),
                "queries", List.of(
                        Map.of("name", "Request rate", "query", "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))"),
                        Map.of("name", "Error rate", "query",
                                "sum(rate(traces_spanmetrics_calls_total{$__tags, status_code=\"STATUS_CODE_ERROR\"}[5m]))"),
                        Map.of("name", "Duration p95", "query",
                                "histogram_quantile(0.95, sum(rate(traces_spanmetrics_latency_bucket{$__tags}[5m])) by (le))"))));
        tempo.put("serviceMap", Map.of("datasourceUid", PROMETHEUS));
        tempo.put("nodeGraph", Map.of("enabled", true));
        tempo.put("lokiSearch", Map.of("datasourceUid", LOKI));
        tempo.put("search", Map.of("hide", false));
        tempo.put("traceQuery", Map.of("timeShiftEnabled", true, "spanStartTimeShift", "-30m", "spanEndTimeShift", "30m"));
        // Grafana's Tempo data source: jsonData.streamingEnabled.{search,metrics} (Grafana docs, Tempo data source,
        // "Streaming"); written out either way, so the setting is visible and compared by the sync.
        tempo.put("streamingEnabled", Map.of("search", streaming, "metrics", streaming));

        var loki = new LinkedHashMap<String, Object>();
        loki.put("maxLines", 1000);
        loki.put("derivedFields", List.of(
                // trace_id as structured metadata (OTLP logs into Loki 3) ...
                Map.of("name", "trace_id", "matcherType", "label", "matcherRegex", "trace_id",
                        "datasourceUid", TEMPO, "url", "${__value.raw}", "urlDisplayLabel", "View trace"),
                // ... or written in the log line by an SDK's log correlation.
                Map.of("name", "TraceID", "matcherType", "regex",
                        "matcherRegex", "(?:trace_id|traceID|traceId)[\"']?[=: ]+[\"']?([0-9a-fA-F]{16,32})",
                        "datasourceUid", TEMPO, "url", "${__value.raw}", "urlDisplayLabel", "View trace")));

        var prometheus = new LinkedHashMap<String, Object>();
        prometheus.put("httpMethod", "POST");
        prometheus.put("exemplarTraceIdDestinations", List.of(Map.of("name", exemplarLabel, "datasourceUid", TEMPO)));

        var list = new ArrayList<DataSource>();
        list.add(DataSource.of(TEMPO, "Tempo" + nameSuffix, "tempo", tempoUrl, true, tempo, tenantHeader));
        list.add(DataSource.of(LOKI, "Loki" + nameSuffix, "loki", lokiUrl, false, loki, tenantHeader));
        list.add(DataSource.of(PROMETHEUS, "Prometheus (span metrics)" + nameSuffix, "prometheus", prometheusUrl, false, prometheus, tenantHeader));
        return List.copyOf(list);
    }

    /** The admins' extra source for platform dashboards: the platform's own metrics tenant (or none). */
    static DataSource platformMetrics(String prometheusUrl, Optional<String> platformTenant) {
        return DataSource.of(PLATFORM_METRICS, "Platform metrics", "prometheus", prometheusUrl, false,
                Map.of("httpMethod", "POST"), platformTenant.orElse(""));
    }
}
