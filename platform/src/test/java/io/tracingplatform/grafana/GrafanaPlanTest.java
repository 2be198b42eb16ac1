package io.tracingplatform.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.storage.StoragePlan;
import io.tracingplatform.tempo.TempoPlan;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Grafana plan: correlations resolve, tenant organisations are isolated, generated files are what Grafana reads. */
class GrafanaPlanTest {
    /**
     * Metric names the dashboards may use that Tempo's mixin (../shared/reference/tempo/mixin-v2.10.8) does not
     * show, each with its source. Tempo's own metrics are checked against the mixin itself.
     */
    static final Map<String, String> OTHER_METRICS = Map.of(
            "traces_spanmetrics_calls_total", "Tempo docs, metrics-generator span metrics: calls counter",
            "traces_spanmetrics_size_total", "Tempo docs, metrics-generator span metrics: size counter (bytes of spans)",
            "traces_spanmetrics_latency_bucket", "Tempo docs, metrics-generator span metrics: latency histogram",
            "traces_service_graph_request_total", "Tempo docs, metrics-generator service graphs: request counter",
            "otelcol_exporter_queue_size", "OpenTelemetry Collector docs, internal telemetry: exporter queue size (batches)",
            "otelcol_exporter_queue_capacity", "OpenTelemetry Collector docs, internal telemetry: exporter queue capacity",
            "otelcol_exporter_send_failed_spans_total", "OpenTelemetry Collector docs, internal telemetry: otelcol_exporter_send_failed_spans (counter; Prometheus adds _total)",
            "otelcol_receiver_refused_spans_total", "OpenTelemetry Collector docs, internal telemetry: otelcol_receiver_refused_spans (counter; Prometheus adds _total)");
    static final Pattern METRIC = Pattern.compile("\\b((?:tempo|tempodb|traces|otelcol)_[a-z_]+)\\b");

    static GrafanaPlan plan(String stack) {
        var inputs = Plans.inputs(stack);
        return GrafanaPlan.of(inputs.settings(), inputs.tenants());
    }

    static JsonNode mainDatasources(GrafanaPlan plan) throws Exception {
        return Yaml.YAML.readTree(plan.datasourcesYaml()).path("datasources");
    }

    /** Every "datasourceUid" and dashboard "datasource.uid" in a JSON tree. */
    static Set<String> referencedUids(JsonNode node) {
        var out = new TreeSet<String>();
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("datasourceUid")) out.add(e.getValue().asText());
                else if (e.getKey().equals("datasource") && e.getValue().has("uid")) out.add(e.getValue().path("uid").asText());
                else out.addAll(referencedUids(e.getValue()));
            });
        } else if (node.isArray()) {
            node.forEach(n -> out.addAll(referencedUids(n)));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyUidACorrelationOrDashboardNamesExistsInItsOrganisation(String stack) throws Exception {
        var plan = plan(stack);
        var main = mainDatasources(plan);
        var mainUids = new HashSet<String>();
        main.forEach(d -> mainUids.add(d.path("uid").asText()));
        var mainRefs = referencedUids(main);
        for (String name : Dashboards.PLATFORM) mainRefs.addAll(referencedUids(Yaml.JSON.readTree(plan.dashboardFiles().get(name + ".json"))));
        assertTrue(mainUids.containsAll(mainRefs), stack + " main organisation references " + mainRefs + " but has " + mainUids);
        assertTrue(mainRefs.containsAll(List.of(DataSources.TEMPO, DataSources.LOKI, DataSources.PROMETHEUS, DataSources.PLATFORM_METRICS)));
        for (var org : plan.desiredState().organisations()) {
            var uids = org.datasources().stream().map(DataSource::uid).toList();
            var refs = referencedUids(Yaml.JSON.valueToTree(org));
            assertTrue(uids.containsAll(refs), stack + " organisation " + org.name() + " references " + refs + " but has " + uids);
            assertEquals(3, refs.size(), "every tenant organisation correlates all three: " + refs);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void eachTenantOrganisationCarriesExactlyItsOwnIdAndNoOtherTenants(String stack) {
        var plan = plan(stack);
        var ids = Plans.inputs(stack).tenants().stream().map(Tenant::id).sorted().toList();
        assertEquals(ids, plan.desiredState().organisations().stream().map(GrafanaPlan.Organisation::name).toList(),
                "one organisation per tenant of the stack");
        for (var org : plan.desiredState().organisations()) {
            assertEquals(List.of("loki", "prometheus", "tempo"), org.datasources().stream().map(DataSource::type).sorted().toList());
            for (var ds : org.datasources()) {
                assertEquals(DataSources.TENANT_HEADER, ds.jsonData().get("httpHeaderName1"), org.name() + "/" + ds.uid());
                assertEquals(Map.of("httpHeaderValue1", org.name()), ds.secureJsonData(), org.name() + "/" + ds.uid() + " sends its own id only");
            }
            String whole = Yaml.toJson(org);
            for (String other : ids) {
                if (other.equals(org.name())) continue;
                assertFalse(Pattern.compile("\\b" + other + "\\b").matcher(whole).find(), org.name() + "'s organisation mentions tenant " + other);
            }
        }
    }

    @Test
    void adminsQueryEveryTenantAtOnceAndTheirPlatformMetricsSeparately() throws Exception {
        var main = mainDatasources(plan("prod"));
        for (JsonNode ds : main) {
            String uid = ds.path("uid").asText();
            String header = ds.path("secureJsonData").path("httpHeaderValue1").asText();
            if (uid.equals(DataSources.PLATFORM_METRICS)) assertEquals("platform", header);
            else assertEquals("claims|payments|webshop", header, uid + ": Tempo multi-tenant queries ('a|b')");
            assertEquals(1, ds.path("orgId").asInt());
            assertFalse(ds.path("editable").asBoolean(), uid + " is read-only in the UI");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    void exemplarLabelIsTheOneTheMetricsGeneratorWrites(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var tempo = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        var overrides = Yaml.YAML.readTree(tempo.overridesYaml()).path("overrides");
        var labels = new TreeSet<String>();
        overrides.forEach(o -> labels.add(o.path("metrics_generator").path("trace_id_label_name").asText()));
        labels.add(Yaml.YAML.readTree(tempo.configs().get("metrics-generator")).path("overrides").path("defaults")
                .path("metrics_generator").path("trace_id_label_name").asText());
        assertEquals(Set.of("traceID"), labels, "every tenant and the defaults write exemplars under one label");
        var plan = plan(stack);
        var sources = new ArrayList<JsonNode>();
        mainDatasources(plan).forEach(sources::add);
        plan.desiredState().organisations().forEach(o -> o.datasources().forEach(d -> sources.add(Yaml.JSON.valueToTree(d))));
        int checked = 0;
        for (JsonNode ds : sources) {
            for (JsonNode dest : ds.path("jsonData").path("exemplarTraceIdDestinations")) {
                assertEquals("traceID", dest.path("name").asText(), ds.path("uid").asText());
                assertEquals(DataSources.TEMPO, dest.path("datasourceUid").asText());
                checked++;
            }
        }
        assertTrue(checked >= 1 + plan.desiredState().organisations().size(), "every span-metrics Prometheus links exemplars: " + checked);
    }

    @Test
    void provisioningFileEscapesDollarsAndTheApiDocumentDoesNot() throws Exception {
        var plan = plan("prod");
        String file = plan.datasourcesYaml();
        assertTrue(file.contains("{$$__tags}"), "Grafana expands $ in provisioning files: written $$");
        assertFalse(Pattern.compile("(?<!\\$)\\$(?!\\$)").matcher(file.replace("$$", "")).find(), "no lone $ left: " + file);
        assertTrue(file.contains("$${__value.raw}"), "Loki derived field link escaped");
        String api = plan.desiredStateJson();
        assertTrue(api.contains("{$__tags}") && !api.contains("$$"), "the HTTP API takes the value as it is");
        var tempo = mainDatasources(plan).get(0);
        assertEquals(DataSources.TEMPO, tempo.path("uid").asText());
        var expected = DataSources.correlated("x", "x", "x", "a", "traceID").get(0).jsonData().get("tracesToMetrics").toString();
        assertTrue(expected.contains("{$__tags}"));
    }

    @Test
    void ssoGroupsOfTenantFilesBecomeOrganisationRoles() {
        var plan = plan("prod");
        String mapping = plan.env().get("GF_AUTH_GENERIC_OAUTH_ORG_MAPPING");
        var entries = List.of(mapping.split(" "));
        assertTrue(entries.contains("sso-payments-support:payments:Viewer"), mapping);
        assertTrue(entries.contains("sso-payments-developers:payments:Editor"), mapping);
        assertTrue(entries.contains("sso-platform-observability:1:Admin"), mapping);
        assertEquals(plan.desiredState().roleMappings().size(), entries.size(), "the document lists exactly what Grafana applies");
        assertEquals("None", plan.env().get("GF_USERS_AUTO_ASSIGN_ORG_ROLE"), "nobody lands in the all-tenants organisation by default");
        assertEquals("(contains(groups[*], 'sso-platform-observability')) && 'GrafanaAdmin' || 'None'",
                plan.env().get("GF_AUTH_GENERIC_OAUTH_ROLE_ATTRIBUTE_PATH"), "admins only; JMESPath alternatives grouped");
        assertEquals("false", plan.env().get("GF_PLUGINS_PLUGIN_ADMIN_ENABLED"), "core plugins only");
        assertEquals("postgres", plan.env().get("GF_DATABASE_TYPE"));
        assertEquals("sqlite3", plan("local").env().get("GF_DATABASE_TYPE"));
        assertFalse(plan("local").env().containsKey("GF_AUTH_GENERIC_OAUTH_ENABLED"), "local has no SSO");
    }

    @Test
    void tenantUsageDashboardCarriesTheTenantsOwnLimits() {
        var payments = plan("prod").desiredState().organisations().stream().filter(o -> o.name().equals("payments")).findFirst().orElseThrow();
        var model = payments.dashboards().get(0).model();
        var constants = new java.util.TreeMap<String, String>();
        model.path("templating").path("list").forEach(v -> constants.put(v.path("name").asText(), v.path("query").asText()));
        // stacks/tenants/payments.yaml, prod: rateLimitMBps 20, burstMB 40, maxActiveSeries 60000.
        assertEquals(Map.of("rate_limit_bytes", "20000000", "burst_bytes", "40000000", "max_active_series", "60000"), constants);
    }

    @Test
    void aTenantChangeRunsTheSyncAgainAndNothingElseChangesItsName() {
        var inputs = Plans.inputs("prod");
        var all = GrafanaPlan.of(inputs.settings(), inputs.tenants());
        var again = GrafanaPlan.of(inputs.settings(), inputs.tenants());
        assertEquals(all.syncHash(), again.syncHash(), "a pure function: same inputs, same Job");
        var fewer = GrafanaPlan.of(inputs.settings(), inputs.tenants().subList(0, 2));
        assertNotEquals(all.syncHash(), fewer.syncHash(), "offboarding changes the desired state, so a new sync Job runs");
    }

    @Test
    void dashboardsAreValidJsonWithUniqueUidsAndRealMetricNames() throws Exception {
        var mixin = new StringBuilder();
        try (var files = Files.list(Reference.require("tempo/mixin-v2.10.8"))) {
            for (Path f : files.toList()) mixin.append(Files.readString(f));
        }
        var uids = new HashSet<String>();
        var all = new ArrayList<>(Dashboards.PLATFORM);
        all.add(Dashboards.TENANT_USAGE);
        int queries = 0;
        for (String name : all) {
            JsonNode d = Dashboards.load(name);
            assertTrue(uids.add(d.path("uid").asText()), name + ": uid unique");
            assertTrue(d.path("uid").asText().startsWith(DataSources.MANAGED_PREFIX), name);
            assertTrue(d.path("panels").size() >= 4, name + " has panels");
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    assertFalse(expr.isBlank(), name + "/" + panel.path("title").asText());
                    var m = METRIC.matcher(expr);
                    while (m.find()) {
                        String metric = m.group(1);
                        String base = metric.replaceAll("_(count|sum)$", "_bucket");
                        // A name ending in "_" is a prefix in a regex matcher ({__name__=~"traces_spanmetrics_.+"}).
                        boolean known = metric.endsWith("_")
                                ? OTHER_METRICS.keySet().stream().anyMatch(k -> k.startsWith(metric))
                                : OTHER_METRICS.containsKey(metric) || mixin.indexOf(metric) >= 0 || mixin.indexOf(base) >= 0;
                        assertTrue(known, name + "/" + panel.path("title").asText() + ": " + metric
                                + " is neither in Tempo's mixin nor in the list of other known metrics");
                        queries++;
                    }
                }
            }
        }
        assertTrue(queries > 20, "queries checked: " + queries);
    }

    @Test
    void platformDashboardsUseThePlatformMetricsAndTheTenantDashboardItsOwnSource() {
        for (String name : Dashboards.PLATFORM) {
            assertEquals(Set.of(DataSources.PLATFORM_METRICS), referencedUids(Dashboards.load(name)), name);
        }
        assertEquals(Set.of(DataSources.PROMETHEUS), referencedUids(Dashboards.load(Dashboards.TENANT_USAGE)));
    }
}
