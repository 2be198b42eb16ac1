package io.tracingplatform.tenants;

import java.util.Set;

/**
 * Tenant ids that would collide with the platform's own names: Kubernetes system namespaces, Grafana's and
 * Tempo's built-in names (Tempo's single-tenant mode uses "single-tenant"), and words that read as a role.
 */
public final class ReservedIds {
    public static final Set<String> IDS = Set.of("platform", "admin", "administrator", "default", "kube-system",
            "kube-public", "kube-node-lease", "system", "root", "tracing", "tempo", "grafana", "loki", "prometheus",
            "single-tenant", "anonymous", "all", "main", "internal", "monitoring", "observability",
            "tempo-vulture"); // tempo-vulture's own tenant (TempoCluster.VULTURE_TENANT)

    private ReservedIds() {}

    public static boolean isReserved(String id) {
        return IDS.contains(id) || id.startsWith("kube-");
    }
}
