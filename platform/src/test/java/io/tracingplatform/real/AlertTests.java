package io.tracingplatform.real;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code promtool test rules} cases for every alert the platform generates: for each, series that must make it fire
 * (and not before its {@code for}), and series that must leave it silent. An alert without a case fails the suite:
 * a new alert needs its own. Expected annotations are the rule's own, with its templates filled in as Prometheus
 * fills them, so a template that does not render also fails.
 */
final class AlertTests {
    /** One alert's case. {@code value} is how Prometheus prints {@code $value} in the annotations of the firing case. */
    record Case(String interval, Map<String, String> firing, Map<String, String> silent, String evalTime, String notYet,
                Map<String, String> labels, String value) {}

    /** Series by alert; "NS" stands for the namespace the rule selects. */
    static final Map<String, Case> CASES = new java.util.HashMap<>(Map.of(
            "TempoSpansRefused", new Case("1m",
                    Map.of("tempo_discarded_spans_total{namespace=\"NS\",tenant=\"webshop\",reason=\"rate_limited\",pod=\"distributor-0\"}", "0+60x40"),
                    Map.of("tempo_discarded_spans_total{namespace=\"NS\",tenant=\"webshop\",reason=\"rate_limited\",pod=\"distributor-0\"}", "100x40"),
                    "30m", "10m", Map.of("tenant", "webshop", "reason", "rate_limited"), "1"),
            "TempoOverridesReloadFailed", new Case("1m",
                    Map.of("tempo_runtime_config_last_reload_successful{namespace=\"NS\",pod=\"ingester-0\"}", "0x40"),
                    Map.of("tempo_runtime_config_last_reload_successful{namespace=\"NS\",pod=\"ingester-0\"}", "1x40"),
                    "30m", "5m", Map.of("pod", "ingester-0"), "0"),
            "TempoTenantIndexTooOld", new Case("1m",
                    Map.of("tempodb_blocklist_tenant_index_age_seconds{namespace=\"NS\",tenant=\"webshop\",pod=\"querier-0\"}", "900x40"),
                    Map.of("tempodb_blocklist_tenant_index_age_seconds{namespace=\"NS\",tenant=\"webshop\",pod=\"querier-0\"}", "120x40"),
                    "30m", "5m", Map.of("tenant", "webshop"), "15m 0s"),
            "TempoCompactorBacklog", new Case("1m", // 1m: samples further apart than the 5m lookback would reset "for"
                    Map.of("tempodb_compaction_outstanding_blocks{namespace=\"NS\",container=\"compactor\",tenant=\"webshop\",pod=\"compactor-0\"}", "300x480",
                           "tempo_build_info{namespace=\"NS\",container=\"compactor\",pod=\"compactor-0\"}", "1x480",
                           "tempo_build_info{namespace=\"NS\",container=\"compactor\",pod=\"compactor-1\"}", "1x480"),
                    Map.of("tempodb_compaction_outstanding_blocks{namespace=\"NS\",container=\"compactor\",tenant=\"webshop\",pod=\"compactor-0\"}", "100x480",
                           "tempo_build_info{namespace=\"NS\",container=\"compactor\",pod=\"compactor-0\"}", "1x480",
                           "tempo_build_info{namespace=\"NS\",container=\"compactor\",pod=\"compactor-1\"}", "1x480"),
                    "7h", "3h", Map.of("tenant", "webshop"), "150"),
            "TempoIngesterFlushFailures", new Case("1m",
                    Map.of("tempo_ingester_failed_flushes_total{namespace=\"NS\",pod=\"ingester-0\"}", "0+1x120"),
                    // a burst of failures long ago, none in the last hour
                    Map.of("tempo_ingester_failed_flushes_total{namespace=\"NS\",pod=\"ingester-0\"}", "0+1x10 10x110"),
                    "90m", "3m", Map.of("pod", "ingester-0"), ""),
            // Half of the probe's traces not found for 30 minutes fires (not before its 10m "for"); errors that stop
            // growing stay silent.
            "TempoVultureErrors", new Case("1m",
                    Map.of("tempo_vulture_trace_error_total{namespace=\"NS\",error=\"notfound_search\",pod=\"vulture-0\"}", "0+6x40",
                           "tempo_vulture_trace_total{namespace=\"NS\",pod=\"vulture-0\"}", "0+12x40"),
                    Map.of("tempo_vulture_trace_error_total{namespace=\"NS\",error=\"notfound_search\",pod=\"vulture-0\"}", "6x40",
                           "tempo_vulture_trace_total{namespace=\"NS\",pod=\"vulture-0\"}", "0+12x40"),
                    "30m", "5m", Map.of("error", "notfound_search"), ""),
            "TempoMemcachedDown", new Case("1m",
                    Map.of("memcached_up{namespace=\"NS\",pod=\"memcached-0\"}", "0x20"),
                    Map.of("memcached_up{namespace=\"NS\",pod=\"memcached-0\"}", "1x20"),
                    "15m", "3m", Map.of("pod", "memcached-0"), "0"),
            // A sync Job created at 0 that failed from minute 5 fires while it is recent; a Job that succeeded stays
            // silent. (notYet 2m: before it failed.)
            "GrafanaOrgSyncFailed", new Case("1m",
                    Map.of("kube_job_failed{namespace=\"NS\",job_name=\"grafana-org-sync-1a2b3c4d5e\",condition=\"true\"}", "0x4 1x40",
                           "kube_job_created{namespace=\"NS\",job_name=\"grafana-org-sync-1a2b3c4d5e\"}", "0x44"),
                    Map.of("kube_job_failed{namespace=\"NS\",job_name=\"grafana-org-sync-1a2b3c4d5e\",condition=\"true\"}", "0x44",
                           "kube_job_created{namespace=\"NS\",job_name=\"grafana-org-sync-1a2b3c4d5e\"}", "0x44"),
                    "30m", "2m", Map.of("job_name", "grafana-org-sync-1a2b3c4d5e"), "1")));

    static {
        // The gateways' alerts (collector.GatewayAlerts): series named as the real collector exports them.
        String q = "{namespace=\"NS\",pod=\"otel-gateway-0\",exporter=\"otlp/tenant-claims\"}";
        CASES.put("GatewayQueueFilling", new Case("1m",
                Map.of("otelcol_exporter_queue_size" + q, "900x40", "otelcol_exporter_queue_capacity" + q, "1000x40"),
                Map.of("otelcol_exporter_queue_size" + q, "100x40", "otelcol_exporter_queue_capacity" + q, "1000x40"),
                "30m", "5m", Map.of("pod", "otel-gateway-0", "exporter", "otlp/tenant-claims"), ""));
        CASES.put("GatewayEnqueueFailures", new Case("1m",
                Map.of("otelcol_exporter_enqueue_failed_spans_total" + q, "0+60x40"),
                Map.of("otelcol_exporter_enqueue_failed_spans_total" + q, "5x40"),
                "30m", "3m", Map.of("pod", "otel-gateway-0", "exporter", "otlp/tenant-claims"), ""));
        CASES.put("GatewaySendFailures", new Case("1m",
                Map.of("otelcol_exporter_send_failed_spans_total" + q, "0+60x40"),
                Map.of("otelcol_exporter_send_failed_spans_total" + q, "5x40"),
                "30m", "10m", Map.of("exporter", "otlp/tenant-claims"), ""));
        String r = "{namespace=\"NS\",pod=\"otel-gateway-0\",receiver=\"otlp\",transport=\"http\"}";
        CASES.put("GatewayRefusedSpans", new Case("1m",
                Map.of("otelcol_receiver_refused_spans_total" + r, "0+60x40"),
                Map.of("otelcol_receiver_refused_spans_total" + r, "5x40"),
                "30m", "5m", Map.of("pod", "otel-gateway-0", "receiver", "otlp"), ""));
    }

    private static final Pattern NAMESPACE = Pattern.compile("namespace=\"([^\"]+)\"");
    private static final Pattern LABEL = Pattern.compile("\\{\\{\\s*\\$labels\\.(\\w+)\\s*}}");
    private static final Pattern VALUE = Pattern.compile("\\{\\{\\s*\\$value[^}]*}}");

    /** The test file, and its inversion (every silent case expected to fire) that promtool must fail. */
    record Files(Map<String, Object> good, Map<String, Object> inverted) {}

    @SuppressWarnings("unchecked")
    static Files forRules(Map<String, Object> spec, String rulesFile) {
        var good = new ArrayList<Object>();
        var inverted = new ArrayList<Object>();
        for (Object g : (List<Object>) spec.get("groups")) {
            for (Object r : (List<Object>) Laptop.map(g).get("rules")) {
                var rule = Laptop.map(r);
                String alert = (String) rule.get("alert");
                if (alert == null) continue;
                Case c = CASES.get(alert);
                if (c == null) {
                    throw new AssertionError("alert " + alert + " has no promtool unit test: add a Case to AlertTests");
                }
                Matcher ns = NAMESPACE.matcher((String) rule.get("expr"));
                String namespace = ns.find() ? ns.group(1) : "tracing";
                var labels = new LinkedHashMap<String, Object>(Laptop.map(rule.get("labels")));
                labels.putAll(c.labels());
                var annotations = new LinkedHashMap<String, Object>();
                Laptop.map(rule.get("annotations")).forEach((k, v) -> annotations.put(k, fill((String) v, c)));
                var firing = Map.of("exp_labels", labels, "exp_annotations", annotations);
                good.add(test(c.interval(), c.firing(), namespace, List.of(
                        eval(c.notYet(), alert, List.of()), eval(c.evalTime(), alert, List.of(firing)))));
                good.add(test(c.interval(), c.silent(), namespace, List.of(eval(c.evalTime(), alert, List.of()))));
                inverted.add(test(c.interval(), c.silent(), namespace, List.of(eval(c.evalTime(), alert, List.of(firing)))));
            }
        }
        return new Files(file(rulesFile, good), file(rulesFile, inverted));
    }

    static String fill(String template, Case c) {
        String s = LABEL.matcher(template).replaceAll(m -> Matcher.quoteReplacement(c.labels().getOrDefault(m.group(1), "")));
        return VALUE.matcher(s).replaceAll(Matcher.quoteReplacement(c.value()));
    }

    static Map<String, Object> file(String rulesFile, List<Object> tests) {
        var f = new LinkedHashMap<String, Object>();
        f.put("rule_files", List.of(rulesFile));
        f.put("evaluation_interval", "1m");
        f.put("tests", tests);
        return f;
    }

    static Map<String, Object> test(String interval, Map<String, String> series, String namespace, List<Object> evals) {
        var input = new ArrayList<Object>();
        series.forEach((s, v) -> input.add(Map.of("series", s.replace("\"NS\"", "\"" + namespace + "\""), "values", v)));
        var t = new LinkedHashMap<String, Object>();
        t.put("interval", interval);
        t.put("input_series", input);
        t.put("alert_rule_test", evals);
        return t;
    }

    static Map<String, Object> eval(String at, String alert, List<Object> expected) {
        return Map.of("eval_time", at, "alertname", alert, "exp_alerts", expected);
    }
}
