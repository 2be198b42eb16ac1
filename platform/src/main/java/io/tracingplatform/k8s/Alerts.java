package io.tracingplatform.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prometheus alerting rules as the platform writes them: one shape for every component's PrometheusRule. */
public final class Alerts {
    private Alerts() {}

    /**
     * One alert.
     *
     * @param name alert name
     * @param expr PromQL
     * @param duration how long the condition holds before it fires ({@code for})
     * @param severity warning or critical
     * @param summary one line, with {@code $labels} templates
     * @param description what it means and what to do
     * @param anchor the section of runbooks/incidents.md that answers it
     */
    public record Rule(String name, String expr, String duration, String severity, String summary, String description,
                       String anchor) {}

    /** A rule file's {@code groups} (the PrometheusRule spec): one group, every rule labelled with its component. */
    public static Map<String, Object> group(String groupName, String component, List<Rule> rules) {
        var out = new ArrayList<Map<String, Object>>();
        for (var r : rules) {
            var rule = new LinkedHashMap<String, Object>();
            rule.put("alert", r.name());
            rule.put("expr", r.expr());
            rule.put("for", r.duration());
            rule.put("labels", Map.of("severity", r.severity(), "component", component));
            rule.put("annotations", Map.of("summary", r.summary(), "description", r.description(),
                    "runbook_url", "runbooks/incidents.md#" + r.anchor()));
            out.add(rule);
        }
        var group = new LinkedHashMap<String, Object>();
        group.put("name", groupName);
        group.put("rules", out);
        return Map.of("groups", List.of(group));
    }
}
