package io.tracingplatform.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracingplatform.tenants.TenantEnvironment;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The provisioned dashboards (JSON under {@code io/tracingplatform/grafana/dashboards/}): platform health,
 * tenants and storage for the platform admins' organisation, and a usage dashboard in every tenant's
 * organisation with that tenant's limits filled in (constant variables, set on the parsed JSON), and a traces
 * dashboard a Viewer can use (Viewers cannot open Explore in Grafana OSS): search by service, errors and slow
 * requests, trace ids that open the trace in the same dashboard, RED panels and the service graph.
 */
public final class Dashboards {
    /** Main organisation, read by Grafana's file provider. */
    public static final List<String> PLATFORM = List.of("platform-health", "tenants", "storage");
    /** Each tenant organisation, written by the organisation sync. */
    public static final String TENANT_USAGE = "tenant-usage";
    /** Each tenant organisation: find and open traces without Explore. */
    public static final String TENANT_TRACES = "tenant-traces";

    /** Parsed once: every tenant's usage dashboard is a copy of it (plan time grows with the tenants); never mutated. */
    static final JsonNode TENANT_USAGE_TEMPLATE = load(TENANT_USAGE);
    /** The same for every tenant (its data sources have the same uids in its own organisation): shared, never mutated. */
    static final JsonNode TENANT_TRACES_MODEL = load(TENANT_TRACES);

    private Dashboards() {}

    public static JsonNode load(String name) {
        String path = "dashboards/" + name + ".json";
        try (InputStream in = Dashboards.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("dashboard resource missing: io/tracingplatform/grafana/" + path);
            return Yaml.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The usage dashboard of one tenant: its limits as the dashboard's constants. */
    static JsonNode tenantUsage(TenantEnvironment t) {
        var dashboard = (ObjectNode) TENANT_USAGE_TEMPLATE.deepCopy();
        var constants = Map.of(
                "rate_limit_bytes", String.valueOf(Math.round(t.rateLimitMBps() * 1_000_000)),
                "burst_bytes", String.valueOf(Math.round(t.burstMB() * 1_000_000)),
                "max_active_series", String.valueOf(t.maxActiveSeries()));
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String value = constants.get(variable.path("name").asText());
            if (value != null) ((ObjectNode) variable).put("query", value);
        }
        return dashboard;
    }
}
