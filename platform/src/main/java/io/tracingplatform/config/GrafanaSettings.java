package io.tracingplatform.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Grafana of the stack ({@code tracing-platform:grafana}) and the backends it correlates traces with.
 *
 * @param lokiUrl the stack's Loki (query URL; multi-tenant, so the tenant header selects the logs); required
 * @param prometheusUrl the stack's Prometheus-compatible query URL where the metrics-generator's span metrics
 *     land (a multi-tenant store such as Mimir, so the tenant header selects them); required
 * @param platformMetricsTenant tenant header of the platform's own metrics (Tempo, collector) in that store;
 *     default none (a single-tenant Prometheus)
 * @param replicas Grafana replicas; default 1; more than 1 needs an external database
 * @param database {@code sqlite} (on a retained volume) or {@code postgres} / {@code mysql}; default sqlite
 * @param databaseHost host:port of the external database; required unless sqlite
 * @param databaseName database name; default grafana
 * @param databaseUser database user; default grafana
 * @param databasePassword {@code tracing-platform:grafanaDatabasePassword} (secret); required unless sqlite
 * @param storageSize the sqlite volume; default 10Gi (1Gi on local)
 * @param storageClass its storage class; default the cluster's default
 * @param rootUrl the URL users open (OAuth callbacks need it); default none (Grafana's own default)
 * @param ingressHost host of a TLS-only Ingress; default none
 * @param ingressClassName ingress class; default the cluster's default
 * @param ingressTlsSecret TLS Secret of the Ingress; required with ingressHost
 * @param adminPassword {@code tracing-platform:grafanaAdminPassword} (secret); default derived from the
 *     credentialSeed (HMAC), so a stack needs no extra secret
 * @param secretKey {@code tracing-platform:grafanaSecretKey} (secret): Grafana's {@code [security] secret_key},
 *     which encrypts every secure field in Grafana's database; default derived from the credentialSeed (HMAC). Kept
 *     in its own Secret that later runs never change (a new value makes existing secure fields unreadable), so
 *     changing it is the migration of runbooks/deploy-an-environment.md, never a side effect of a seed rotation
 * @param ingressNamespaces namespaces whose pods may reach Grafana (its ingress controller); default
 *     [ingress-nginx]; the organisation sync's pods may always, everything else is refused by a NetworkPolicy
 * @param networkPolicy whether that NetworkPolicy is created; default true (needs a CNI that enforces policies)
 * @param sso generic OAuth (optional); tenant groups map to their organisations' roles
 * @param syncSchedule cron schedule of the organisation sync that repairs drift; default every 30 minutes
 * @param cpu, memory, cpuLimit, memoryLimit resources of a Grafana pod; default 250m, 512Mi, 1, 1Gi
 */
public record GrafanaSettings(String lokiUrl, String prometheusUrl, Optional<String> platformMetricsTenant,
                              int replicas, String database, Optional<String> databaseHost, String databaseName,
                              String databaseUser, Optional<Secret> databasePassword, String storageSize,
                              Optional<String> storageClass, Optional<String> rootUrl, Optional<String> ingressHost,
                              Optional<String> ingressClassName, Optional<String> ingressTlsSecret,
                              Optional<Secret> adminPassword, Optional<Secret> secretKey, List<String> ingressNamespaces,
                              boolean networkPolicy, Optional<Sso> sso, String syncSchedule, String cpu,
                              String memory, String cpuLimit, String memoryLimit) {
    static final Pattern URL = Pattern.compile("https?://[^\\s$]+");
    static final Pattern HOST_PORT = Pattern.compile("[A-Za-z0-9.-]+(:\\d{1,5})?");
    static final Pattern CRON = Pattern.compile("\\S+ \\S+ \\S+ \\S+ \\S+");
    static final Pattern GROUP = Pattern.compile("[^\\s:,]+");

    /**
     * Generic OAuth ({@code tracing-platform:grafana.sso}). Tenant files name the groups of their Viewers and
     * Editors; Grafana maps them to the tenant's organisation at each login ({@code org_mapping}).
     *
     * @param name button label; default "SSO"
     * @param clientId OAuth client id; required
     * @param clientSecret {@code tracing-platform:grafanaOAuthClientSecret} (secret); required with sso
     * @param authUrl, tokenUrl, apiUrl the provider's endpoints; required
     * @param scopes requested scopes; default "openid profile email groups"
     * @param groupsAttributePath JMESPath to the user's groups in the token or user info; default "groups"
     * @param adminGroups groups that administer Grafana (Admin of the main organisation); default none
     */
    public record Sso(String name, String clientId, Secret clientSecret, String authUrl, String tokenUrl,
                      String apiUrl, String scopes, String groupsAttributePath, List<String> adminGroups) {}

    public boolean externalDatabase() {
        return !database.equals("sqlite");
    }

    static GrafanaSettings read(Fields f, Fields root, Cloud cloud, List<String> unset) {
        boolean local = cloud == Cloud.LOCAL;
        String loki = f.matching("lokiUrl", f.requiredString("lokiUrl", "http://loki-gateway.logging.svc"), URL,
                "is not an http(s) URL", "http://loki-gateway.logging.svc");
        String prometheus = f.matching("prometheusUrl", f.requiredString("prometheusUrl", "http://mimir-query-frontend.metrics.svc:8080/prometheus"),
                URL, "is not an http(s) URL", "http://mimir-query-frontend.metrics.svc:8080/prometheus");
        var platformTenant = f.optionalString("platformMetricsTenant");
        int replicas = (int) f.integer("replicas", 1, 1, 10, "pods");
        String database = f.choice("database", List.of("sqlite", "postgres", "mysql"), "sqlite", false);
        var host = f.optionalString("databaseHost").map(h -> f.matching("databaseHost", h, HOST_PORT, "is not host:port", "grafana-db.example.internal:5432"));
        String dbName = f.string("databaseName", "grafana");
        String dbUser = f.string("databaseUser", "grafana");
        Optional<Secret> dbPassword = Optional.empty();
        if (!database.equals("sqlite")) {
            if (host.isEmpty()) f.problem("databaseHost", "is required with database '" + database + "'.", "grafana-db.example.internal:5432");
            dbPassword = Optional.of(root.secretForEngine("grafanaDatabasePassword", unset));
        } else if (replicas > 1) {
            f.problem("replicas", replicas + " replicas need an external database: sqlite lives on one pod's volume. Set database: postgres (or mysql) or replicas: 1.", "1");
        }
        String size = f.matching("storageSize", f.string("storageSize", local ? "1Gi" : "10Gi"), GatewaySettings.QUANTITY, "is not a quantity like 10Gi", "10Gi");
        var storageClass = f.optionalString("storageClass");
        var rootUrl = f.optionalString("rootUrl").map(u -> f.matching("rootUrl", u, URL, "is not an http(s) URL", "https://grafana.example.com"));
        var ingressHost = f.optionalString("ingressHost").map(h -> f.matching("ingressHost", h, GatewaySettings.HOST, "is not a host name", "grafana.example.com"));
        var ingressClass = f.optionalString("ingressClassName");
        var tls = f.optionalString("ingressTlsSecret");
        if (ingressHost.isPresent() && tls.isEmpty()) {
            f.problem("ingressTlsSecret", "is required with ingressHost: Grafana is never exposed without TLS.", "grafana-tls");
        }
        var adminPassword = root.secret("grafanaAdminPassword");
        var secretKey = root.secret("grafanaSecretKey");
        var ingressNamespaces = f.namespaceList("ingressNamespaces", List.of("ingress-nginx"), "ingress-nginx");
        boolean networkPolicy = f.bool("networkPolicy", true);
        Optional<Sso> sso = Optional.empty();
        if (f.has("sso")) {
            var s = f.object("sso", true);
            String clientId = s.requiredString("clientId", "grafana");
            String authUrl = s.matching("authUrl", s.requiredString("authUrl", "https://sso.example.com/authorize"), URL, "is not an http(s) URL", "https://sso.example.com/authorize");
            String tokenUrl = s.matching("tokenUrl", s.requiredString("tokenUrl", "https://sso.example.com/token"), URL, "is not an http(s) URL", "https://sso.example.com/token");
            String apiUrl = s.matching("apiUrl", s.requiredString("apiUrl", "https://sso.example.com/userinfo"), URL, "is not an http(s) URL", "https://sso.example.com/userinfo");
            var admins = s.stringList("adminGroups");
            for (String g : admins) {
                if (!GROUP.matcher(g).matches()) s.problem("adminGroups", "'" + g + "' contains a space, ':' or ',', which org_mapping cannot express.", "platform-admins");
            }
            sso = Optional.of(new Sso(s.string("name", "SSO"), clientId, root.secretForEngine("grafanaOAuthClientSecret", unset),
                    authUrl, tokenUrl, apiUrl, s.string("scopes", "openid profile email groups"),
                    s.string("groupsAttributePath", "groups"), admins));
            s.finish();
        }
        String schedule = f.matching("syncSchedule", f.string("syncSchedule", "*/30 * * * *"), CRON, "is not a five-field cron schedule", "*/30 * * * *");
        String cpu = f.matching("cpu", f.string("cpu", local ? "100m" : "250m"), GatewaySettings.QUANTITY, "is not a CPU quantity", "250m");
        String memory = f.matching("memory", f.string("memory", local ? "256Mi" : "512Mi"), GatewaySettings.QUANTITY, "is not a memory quantity", "512Mi");
        String cpuLimit = f.matching("cpuLimit", f.string("cpuLimit", "1"), GatewaySettings.QUANTITY, "is not a CPU quantity", "1");
        String memoryLimit = f.matching("memoryLimit", f.string("memoryLimit", local ? "512Mi" : "1Gi"), GatewaySettings.QUANTITY, "is not a memory quantity", "1Gi");
        f.finish();
        return new GrafanaSettings(loki, prometheus, platformTenant, replicas, database, host, dbName, dbUser, dbPassword,
                size, storageClass, rootUrl, ingressHost, ingressClass, tls, adminPassword, secretKey,
                List.copyOf(ingressNamespaces), networkPolicy, sso, schedule, cpu, memory,
                cpuLimit, memoryLimit);
    }
}
