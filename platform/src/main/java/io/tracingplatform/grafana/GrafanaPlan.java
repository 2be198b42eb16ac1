package io.tracingplatform.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tracingplatform.config.GrafanaSettings;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.k8s.Monitoring;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tempo.WorkloadSpec;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Grafana of one stack as data, a pure function of settings and tenants:
 * <ul>
 *   <li>the admins' (main) organisation: correlated data sources over every tenant, provisioned from a file;
 *   <li>the desired state of every tenant organisation (its own data sources, its usage dashboard), which the
 *       organisation sync applies through Grafana's HTTP API, since Grafana cannot provision organisations
 *       (grafana/grafana#12119);
 *   <li>role mappings from the tenants' SSO groups, applied by Grafana at each login ({@code org_mapping});
 *   <li>Grafana's settings as {@code GF_*} environment variables.
 * </ul>
 *
 * @param env non-secret {@code GF_*} settings (secrets come from the Secret {@value #SECRET})
 * @param datasourcesYaml the main organisation's provisioning file; holds tenant header values, so it lives
 *     in a Secret; every {@code $} escaped as {@code $$} (Grafana expands environment variables there)
 * @param dashboardFiles the file provider's config and the main organisation's dashboards, by file name
 * @param desiredState what the sync makes true in Grafana
 * @param desiredStateJson its document ({@link DesiredStateDocument}), compact JSON; holds tenant header values
 * @param desiredStateData the same, gzip'd and base64: the Secret's {@code data} under {@link DesiredStateDocument#KEY}
 * @param syncHash hash of the document and the sync program: names the sync Job, so a change runs it again
 * @param configHash hash of everything Grafana reads at start: rolls the pods when it changes
 */
public record GrafanaPlan(String image, String syncImage, Map<String, String> env, String datasourcesYaml,
                          Map<String, String> dashboardFiles, DesiredState desiredState, String desiredStateJson,
                          String desiredStateData, String syncScript, String syncHash, String configHash) {
    public static final String NAME = "grafana";
    public static final String SECRET = "grafana";
    public static final String SYNC = "grafana-org-sync";
    public static final int PORT = 3000;
    public static final String PROVISIONING = "/etc/grafana/provisioning";
    public static final String DATA = "/var/lib/grafana";
    static final String FOLDER = "Tracing platform";

    /**
     * What the sync makes true. Organisations the platform manages are those holding a data source with uid
     * {@code managedPrefix + "tempo"}; one of them no longer in {@code organisations} is disabled (its managed
     * data sources and members removed, renamed with {@code offboardedSuffix}); its dashboards stay for audit.
     *
     * @param shared what every tenant organisation has in common (written once in the document)
     * @param roleMappings the same mappings Grafana applies at login ({@code org_mapping}); listed so the
     *     document shows each organisation's access whole
     */
    public record DesiredState(String managedPrefix, String offboardedSuffix, Shared shared,
                               List<Organisation> organisations, List<RoleMapping> roleMappings) {}

    /**
     * A tenant organisation before it is a tenant's: its data sources without a tenant header, its dashboards as
     * the templates are. Each organisation is stored as its difference from these.
     */
    public record Shared(List<DataSource> datasources, List<Dashboard> dashboards) {}

    /** One tenant's organisation, named after the tenant id. */
    public record Organisation(String name, String tenant, List<DataSource> datasources, List<Dashboard> dashboards) {}

    public record Dashboard(String uid, String title, JsonNode model) {}

    /** An SSO group's role in an organisation (by name; "1" is the main organisation's id). */
    public record RoleMapping(String group, String organisation, String role) {}

    /** For tests and tools that have no Tempo plan at hand: computes it (the program passes its own). */
    public static GrafanaPlan of(StackSettings settings, List<Tenant> tenants) {
        return of(settings, tenants, TempoPlan.of(settings, tenants, StoragePlan.of(settings, tenants)));
    }

    public static GrafanaPlan of(StackSettings settings, List<Tenant> tenants, TempoPlan tempoPlan) {
        var g = settings.grafana();
        String ns = settings.kubernetes().namespace();
        String tempoUrl = "http://query-frontend." + ns + ".svc.cluster.local:" + WorkloadSpec.HTTP;
        var ids = tenants.stream().map(Tenant::id).sorted().toList();
        boolean streaming = tempoStreams(tempoPlan);

        // Admins: every tenant at once (Tempo's multi-tenant queries, Loki's and Mimir's tenant federation).
        var main = new ArrayList<>(DataSources.correlated(tempoUrl, g.lokiUrl(), g.prometheusUrl(), String.join("|", ids),
                TempoPlan.EXEMPLAR_LABEL, "", streaming));
        main.add(DataSources.platformMetrics(g.prometheusUrl(), g.platformMetricsTenant()));
        String datasourcesYaml = Yaml.toYaml(provisioning(main));

        // What every tenant organisation has in common: the document stores it once, each tenant as its difference.
        var usageTemplate = Dashboards.TENANT_USAGE_TEMPLATE;
        var traces = new Dashboard(Dashboards.TENANT_TRACES_MODEL.path("uid").asText(),
                Dashboards.TENANT_TRACES_MODEL.path("title").asText(), Dashboards.TENANT_TRACES_MODEL);
        var shared = new Shared(DataSources.correlated(tempoUrl, g.lokiUrl(), g.prometheusUrl(), "", TempoPlan.EXEMPLAR_LABEL,
                        DataSources.TENANT_NAME_SUFFIX, streaming),
                List.of(new Dashboard(usageTemplate.path("uid").asText(), usageTemplate.path("title").asText(), usageTemplate), traces));
        var organisations = new ArrayList<Organisation>();
        var mappings = new ArrayList<RoleMapping>();
        g.sso().ifPresent(sso -> sso.adminGroups().forEach(a -> mappings.add(new RoleMapping(a, "1", "Admin"))));
        for (var t : tenants.stream().sorted(java.util.Comparator.comparing(Tenant::id)).toList()) {
            var usage = Dashboards.tenantUsage(t.settings());
            organisations.add(new Organisation(t.id(), t.id(),
                    DataSources.correlated(tempoUrl, g.lokiUrl(), g.prometheusUrl(), t.id(), TempoPlan.EXEMPLAR_LABEL,
                            DataSources.TENANT_NAME_SUFFIX, streaming),
                    List.of(new Dashboard(usage.path("uid").asText(), usage.path("title").asText(), usage), traces)));
            t.settings().viewers().forEach(v -> mappings.add(new RoleMapping(v, t.id(), "Viewer")));
            t.settings().editors().forEach(e -> mappings.add(new RoleMapping(e, t.id(), "Editor")));
        }
        var desired = new DesiredState(DataSources.MANAGED_PREFIX, " (offboarded)", shared, List.copyOf(organisations), List.copyOf(mappings));
        String desiredJson = DesiredStateDocument.compact(DesiredStateDocument.of(desired));
        String script = resource("grafana_org_sync.py");

        var dashboards = new TreeMap<String, String>();
        dashboards.put("providers.yaml", Yaml.toYaml(Map.of("apiVersion", 1, "providers", List.of(Map.of(
                "name", "tracing-platform", "orgId", 1, "folder", FOLDER, "type", "file",
                "disableDeletion", true, "allowUiUpdates", false, "updateIntervalSeconds", 60,
                "options", Map.of("path", PROVISIONING + "/dashboards", "foldersFromFilesStructure", false))))));
        for (String name : Dashboards.PLATFORM) dashboards.put(name + ".json", Yaml.toJson(Dashboards.load(name)));

        var env = env(g, mappings);
        String configHash = Monitoring.configHash(env + "|" + datasourcesYaml + "|" + dashboards);
        String syncHash = Monitoring.configHash(desiredJson + "|" + script).substring(0, 10);
        return new GrafanaPlan(settings.release().image("grafana"), settings.release().image("orgSync"), env,
                datasourcesYaml, dashboards, desired, desiredJson, DesiredStateDocument.secretData(desiredJson), script,
                syncHash, configHash);
    }

    /**
     * Whether Tempo serves gRPC streams over its HTTP port, read from the query-frontend's config as the Tempo plan
     * renders it (Tempo's top-level {@code stream_over_http_enabled}; Grafana's queries go to the query-frontend).
     * Read, not assumed, so the data sources follow Tempo's config by themselves and the two cannot drift.
     */
    static boolean tempoStreams(TempoPlan tempoPlan) {
        String config = tempoPlan.configs().get("query-frontend");
        if (config == null) return false;
        try {
            return Yaml.YAML.readTree(config).path("stream_over_http_enabled").asBoolean(false);
        } catch (IOException e) {
            throw new UncheckedIOException("the Tempo plan's query-frontend config is not YAML", e);
        }
    }

    /** Grafana's settings; secrets are added by the component from the Secret. */
    static Map<String, String> env(GrafanaSettings g, List<RoleMapping> mappings) {
        var env = new TreeMap<String, String>();
        env.put("GF_SERVER_HTTP_PORT", String.valueOf(PORT));
        g.rootUrl().ifPresent(u -> {
            env.put("GF_SERVER_ROOT_URL", u);
            if (u.startsWith("https://")) env.put("GF_SECURITY_COOKIE_SECURE", "true");
        });
        env.put("GF_PATHS_DATA", DATA);
        env.put("GF_PATHS_PLUGINS", DATA + "/plugins");
        env.put("GF_PATHS_PROVISIONING", PROVISIONING);
        env.put("GF_LOG_MODE", "console");
        // Core plugins only, nothing fetched at run time, no calls home. Grafana 12 installs and updates the
        // plugins of [plugins] preinstall from grafana.com at start unless preinstall_disabled (conf/defaults.ini);
        // plugin_admin_enabled=false only hides the UI. Tempo, Loki and Prometheus are core plugins in the image.
        env.put("GF_PLUGINS_PREINSTALL_DISABLED", "true");
        env.put("GF_PLUGINS_PLUGIN_ADMIN_ENABLED", "false");
        env.put("GF_ANALYTICS_REPORTING_ENABLED", "false");
        env.put("GF_ANALYTICS_CHECK_FOR_UPDATES", "false");
        env.put("GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES", "false");
        env.put("GF_SECURITY_DISABLE_GRAVATAR", "true");
        env.put("GF_SECURITY_ADMIN_USER", "admin");
        env.put("GF_AUTH_ANONYMOUS_ENABLED", "false");
        env.put("GF_USERS_ALLOW_SIGN_UP", "false");
        env.put("GF_USERS_ALLOW_ORG_CREATE", "false");
        // The main organisation sees every tenant: nobody lands there by default.
        env.put("GF_USERS_AUTO_ASSIGN_ORG_ROLE", "None");
        if (g.externalDatabase()) {
            env.put("GF_DATABASE_TYPE", g.database());
            env.put("GF_DATABASE_HOST", g.databaseHost().orElseThrow());
            env.put("GF_DATABASE_NAME", g.databaseName());
            env.put("GF_DATABASE_USER", g.databaseUser());
            // Encrypted connections: postgres "require", mysql "true" (Grafana docs, [database] ssl_mode).
            env.put("GF_DATABASE_SSL_MODE", g.database().equals("postgres") ? "require" : "true");
        } else {
            env.put("GF_DATABASE_TYPE", "sqlite3");
            env.put("GF_DATABASE_WAL", "true");
        }
        g.sso().ifPresent(sso -> {
            String p = "GF_AUTH_GENERIC_OAUTH_";
            env.put(p + "ENABLED", "true");
            env.put(p + "NAME", sso.name());
            env.put(p + "CLIENT_ID", sso.clientId());
            env.put(p + "SCOPES", sso.scopes());
            env.put(p + "AUTH_URL", sso.authUrl());
            env.put(p + "TOKEN_URL", sso.tokenUrl());
            env.put(p + "API_URL", sso.apiUrl());
            env.put(p + "USE_PKCE", "true");
            // Only people in a group the platform maps get an account at all (Grafana docs, Generic OAuth,
            // allowed_groups: matched against groups_attribute_path); everyone else is refused at login.
            var groups = new java.util.TreeSet<String>();
            mappings.forEach(m -> groups.add(m.group()));
            env.put(p + "ALLOWED_GROUPS", String.join(" ", groups));
            // An empty allowed_groups allows everyone: with no group mapped, nobody may sign up.
            env.put(p + "ALLOW_SIGN_UP", groups.isEmpty() ? "false" : "true");
            // Humans sign in with SSO only. The form and POST /login go; basic auth on the HTTP API stays
            // ([auth.basic] enabled), which is how the organisation sync and the admin's break-glass calls work.
            env.put("GF_AUTH_DISABLE_LOGIN_FORM", "true");
            env.put("GF_AUTH_BASIC_ENABLED", "true");
            env.put(p + "GROUPS_ATTRIBUTE_PATH", sso.groupsAttributePath());
            env.put(p + "ORG_ATTRIBUTE_PATH", sso.groupsAttributePath());
            env.put(p + "ORG_MAPPING", orgMapping(mappings));
            if (!sso.adminGroups().isEmpty()) {
                env.put(p + "ALLOW_ASSIGN_GRAFANA_ADMIN", "true");
                var checks = sso.adminGroups().stream()
                        .map(a -> "contains(" + sso.groupsAttributePath() + "[*], '" + a + "')").toList();
                // JMESPath: && binds tighter than ||, so the alternatives are grouped.
                env.put(p + "ROLE_ATTRIBUTE_PATH", "(" + String.join(" || ", checks) + ") && 'GrafanaAdmin' || 'None'");
            } else {
                env.put(p + "ROLE_ATTRIBUTE_PATH", "'None'");
            }
        });
        return env;
    }

    /** Grafana's org_mapping: {@code <group>:<org id or name>:<role>}, space separated (Grafana docs, Generic OAuth). */
    static String orgMapping(List<RoleMapping> mappings) {
        return String.join(" ", mappings.stream().map(m -> m.group() + ":" + m.organisation() + ":" + m.role()).toList());
    }

    /** The datasource provisioning file of the main organisation, {@code $} escaped. */
    static JsonNode provisioning(List<DataSource> sources) {
        var file = Yaml.JSON.createObjectNode();
        file.put("apiVersion", 1);
        file.put("prune", true);
        ArrayNode list = file.putArray("datasources");
        for (var ds : sources) {
            ObjectNode node = Yaml.JSON.valueToTree(ds);
            node.put("orgId", 1);
            list.add(escapeDollars(node));
        }
        return file;
    }

    /** Grafana expands $VAR and ${VAR} in provisioning files; a literal $ is written $$ (Grafana docs, Provisioning). */
    static JsonNode escapeDollars(JsonNode node) {
        if (node.isTextual()) return new TextNode(node.asText().replace("$", "$$"));
        if (node.isObject()) {
            var copy = Yaml.JSON.createObjectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), escapeDollars(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            var copy = Yaml.JSON.createArrayNode();
            node.forEach(item -> copy.add(escapeDollars(item)));
            return copy;
        }
        return node;
    }

    static String resource(String name) {
        try (InputStream in = GrafanaPlan.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource missing: io/tracingplatform/grafana/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
