package io.tracingplatform.grafana;

import io.tracingplatform.k8s.Alerts;
import java.util.List;
import java.util.Map;

/**
 * The organisation sync's alert, scoped to the stack's namespace: a sync Job that failed (its retries used up)
 * means tenant organisations, data sources or dashboards are not what the tenant files say. Metrics of
 * kube-state-metrics ({@code kube_job_failed}, {@code kube_job_created}; kube-state-metrics docs, Job metrics),
 * which every Prometheus Operator install (kube-prometheus) runs. The result is a rule file's {@code groups}, the
 * PrometheusRule spec; the real-server suite runs {@code promtool test rules} on it.
 */
public final class GrafanaAlerts {
    /** A failed Job older than this no longer fires: the CronJob's next runs (every 30 minutes) fire it again while broken. */
    static final int RECENT_SECONDS = 3600;

    private GrafanaAlerts() {}

    public static Map<String, Object> ruleGroups(String namespace, String environment) {
        String sel = "namespace=\"" + namespace + "\", job_name=~\"" + GrafanaPlan.SYNC + "-.+\"";
        // Failed Jobs stay listed (failedJobsHistoryLimit), so only recent ones count; the Job of `pulumi up` and the
        // CronJob's both match the name.
        return Alerts.group("tracing-platform-grafana-" + environment, "grafana", List.of(new Alerts.Rule("GrafanaOrgSyncFailed",
                "max by (job_name) (kube_job_failed{" + sel + ", condition=\"true\"}) == 1"
                        + " and on (job_name) (time() - max by (job_name) (kube_job_created{" + sel + "})) < " + RECENT_SECONDS,
                "0m", "warning",
                "The Grafana organisation sync Job {{ $labels.job_name }} failed.",
                "Some tenant organisations are not in sync (new tenants get no organisation, drift stays). "
                        + "Its log names each failed organisation and why: kubectl logs job/{{ $labels.job_name }}.",
                "org-sync-failed")));
    }
}
