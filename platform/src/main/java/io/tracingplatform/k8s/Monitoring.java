package io.tracingplatform.k8s;

import com.pulumi.kubernetes.meta.v1.inputs.LabelSelectorArgs;
import com.pulumi.kubernetes.policy.v1.inputs.PodDisruptionBudgetSpecArgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pieces every platform workload shares: scraping, disruption budgets, config hashes that roll pods. */
public final class Monitoring {
    private Monitoring() {}

    /** A ServiceMonitor spec scraping {@code port} of the Services matching {@code selector} in {@code namespace}. */
    public static Map<String, Object> serviceMonitorSpec(Map<String, String> selector, String namespace, String port) {
        var spec = new LinkedHashMap<String, Object>();
        spec.put("selector", Map.of("matchLabels", selector));
        spec.put("namespaceSelector", Map.of("matchNames", List.of(namespace)));
        spec.put("endpoints", List.of(Map.of("port", port, "path", "/metrics", "interval", "30s")));
        return spec;
    }

    /**
     * As above, with the scraped series' {@code job} label set to {@code job} (the operator would use the Service
     * name): Tempo's mixin matches {@code job=~"<namespace>/<target>"}, whatever the Services are called.
     */
    public static Map<String, Object> serviceMonitorSpec(Map<String, String> selector, String namespace, String port,
                                                         String job) {
        var spec = serviceMonitorSpec(selector, namespace, port);
        spec.put("endpoints", List.of(Map.of("port", port, "path", "/metrics", "interval", "30s",
                "relabelings", List.of(Map.of("action", "replace", "targetLabel", "job", "replacement", job)))));
        return spec;
    }

    /** One pod down at a time, for drains and rollouts. */
    public static PodDisruptionBudgetSpecArgs oneDown(Map<String, String> selector) {
        return PodDisruptionBudgetSpecArgs.builder().maxUnavailable(1)
                .selector(LabelSelectorArgs.builder().matchLabels(selector).build()).build();
    }

    /** SHA-256 hex of a config, for the pod-template annotation that rolls pods when it changes. */
    public static String configHash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
