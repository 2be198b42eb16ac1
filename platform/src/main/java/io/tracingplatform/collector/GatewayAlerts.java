package io.tracingplatform.collector;

import io.tracingplatform.k8s.Alerts;
import java.util.List;
import java.util.Map;

/**
 * Alerts on the gateways' own metrics (the collector's internal telemetry, scraped from :8888): a queue filling, spans
 * the queue refuses, spans Tempo refuses after retries, spans the receivers refuse. The metric names are checked on
 * the real collector by the real-server suite (GatewayTrafficRealTest scrapes them after real traffic), and every
 * alert has a promtool unit test (AlertTests).
 */
public final class GatewayAlerts {
    private GatewayAlerts() {}

    public static Map<String, Object> ruleGroups(String namespace, String environment) {
        String ns = "namespace=\"" + namespace + "\"";
        var rules = List.of(
                new Alerts.Rule("GatewayQueueFilling",
                        "max by (pod, exporter) (otelcol_exporter_queue_size{" + ns + "} / otelcol_exporter_queue_capacity{" + ns + "}) > 0.8",
                        "10m", "warning",
                        "Gateway {{ $labels.pod }}: the queue of {{ $labels.exporter }} is over 80% full.",
                        "Tempo is down or throttles this tenant; when the queue is full the gateway refuses the tenant's spans. Check the tenant's limits and Tempo's distributors.",
                        "gateway-queue-filling"),
                new Alerts.Rule("GatewayEnqueueFailures",
                        "sum by (pod, exporter) (rate(otelcol_exporter_enqueue_failed_spans_total{" + ns + "}[5m])) > 0",
                        "5m", "critical",
                        "Gateway {{ $labels.pod }} refuses spans for {{ $labels.exporter }}: its queue is full.",
                        "Senders get errors and retry or drop. Find why the queue does not drain (Tempo refusing, distributors down) or give the gateway a larger queue volume.",
                        "gateway-queue-filling"),
                new Alerts.Rule("GatewaySendFailures",
                        "sum by (exporter) (rate(otelcol_exporter_send_failed_spans_total{" + ns + "}[5m])) > 0",
                        "15m", "warning",
                        "The gateway fails to deliver spans of {{ $labels.exporter }} to Tempo.",
                        "Spans given up after an hour of retries are lost. Check Tempo's distributors and the tenant's limits (TempoSpansRefused).",
                        "ingestion-refused"),
                new Alerts.Rule("GatewayRefusedSpans",
                        "sum by (pod, receiver) (rate(otelcol_receiver_refused_spans_total{" + ns + "}[5m])) > 0",
                        "10m", "warning",
                        "Gateway {{ $labels.pod }} refuses spans at its receiver.",
                        "The memory limiter or a full queue pushes back on senders. Scale the gateway (gateway.maxReplicas) or check Tempo.",
                        "gateway-queue-filling"));
        return Alerts.group("tracing-platform-gateway-" + environment, "gateway", rules);
    }
}
