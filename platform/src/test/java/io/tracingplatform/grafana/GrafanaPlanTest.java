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
        var expected = DataSources.correlated("x", "x", "x", "a", "traceID", "", false).get(0).jsonData().get("tracesToMetrics").toString();
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
        all.add(Dashboards.TENANT_TRACES);
        int queries = 0;
        for (String name : all) {
            JsonNode d = Dashboards.load(name);
            assertTrue(uids.add(d.path("uid").asText()), name + ": uid unique");
            assertTrue(d.path("uid").asText().startsWith(DataSources.MANAGED_PREFIX), name);
            assertTrue(d.path("panels").size() >= 4, name + " has panels");
            for (JsonNode panel : d.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    if (target.path("datasource").path("type").asText().equals("tempo")) {
                        assertFalse(target.path("queryType").asText().isBlank(), name + "/" + panel.path("title").asText());
                        continue;
                    }
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
        assertEquals(Set.of(DataSources.PROMETHEUS, DataSources.TEMPO), referencedUids(Dashboards.load(Dashboards.TENANT_TRACES)));
    }

    @Test
    void aViewerCanFindAndOpenTracesFromADashboardInEveryTenantOrganisation() {
        for (var org : plan("prod").desiredState().organisations()) {
            var traces = org.dashboards().stream().filter(d -> d.uid().equals("tp-tenant-traces")).findFirst()
                    .orElseThrow(() -> new AssertionError(org.name() + " has no traces dashboard"));
            var queries = new java.util.TreeMap<String, String>();
            var types = new TreeSet<String>();
            for (JsonNode panel : traces.model().path("panels")) {
                types.add(panel.path("type").asText());
                for (JsonNode t : panel.path("targets")) queries.put(panel.path("title").asText(), t.path("query").asText(t.path("expr").asText()));
                if (panel.path("type").asText().equals("table")) {
                    // Tempo's own trace-id link opens Explore, which Viewers cannot use: ours opens the trace here.
                    String link = panel.path("fieldConfig").path("overrides").get(0).path("properties").get(0).path("value").get(0).path("url").asText();
                    assertEquals("traceID", panel.path("fieldConfig").path("overrides").get(0).path("matcher").path("options").asText());
                    assertTrue(link.startsWith("/d/tp-tenant-traces/") && link.contains("var-traceId=${__value.raw}"), link);
                }
            }
            assertEquals(Set.of("timeseries", "nodeGraph", "table", "traces"), types, org.name());
            assertEquals("{ resource.service.name =~ \"$service\" }", queries.get("Recent traces of $service"));
            assertTrue(queries.get("Traces with errors").contains("status = error"));
            assertTrue(queries.get("Slow requests (longer than $min_duration)").contains("duration > $min_duration"));
            assertEquals("$traceId", queries.get("Trace $traceId"), "the trace view follows the variable the links set");
            assertTrue(queries.get("Error ratio by service").contains("STATUS_CODE_ERROR"));
            assertFalse(Yaml.toJson(traces.model()).contains("/explore"), "nothing a Viewer clicks leads to Explore");
        }
    }

    @Test
    void liveTracesArePlottedAgainstTheLocalLimitTheOverridesSet() {
        String tenants = Yaml.toJson(Dashboards.load("tenants"));
        assertTrue(tenants.contains("limit_name=\\\"max_local_traces_per_user\\\""), "ingestion.max_traces_per_user is the per-ingester limit");
        for (String name : List.of("tenants", "platform-health", "storage", Dashboards.TENANT_USAGE, Dashboards.TENANT_TRACES)) {
            assertFalse(Yaml.toJson(Dashboards.load(name)).contains("max_global_traces_per_user"), name + " plots a limit the platform never sets");
        }
    }

    @Test
    void tempoStreamingFollowsTemposOwnConfig() throws Exception {
        var inputs = Plans.inputs("prod");
        var tempo = TempoPlan.of(inputs.settings(), inputs.tenants(), StoragePlan.of(inputs.settings(), inputs.tenants()));
        boolean tempoStreams = Yaml.YAML.readTree(tempo.configs().get("query-frontend")).path("stream_over_http_enabled").asBoolean(false);
        assertTrue(tempoStreams, "issue 15: Tempo serves streaming (stream_over_http_enabled: true)");
        var today = GrafanaPlan.of(inputs.settings(), inputs.tenants(), tempo);
        for (var ds : tempoSources(today)) {
            assertEquals(Map.of("search", true, "metrics", true),
                    Yaml.JSON.convertValue(ds.path("jsonData").path("streamingEnabled"), Map.class), ds.path("name").asText());
        }
        // Were Tempo's config to turn it off, the data sources follow with no change here.
        var configs = new java.util.HashMap<>(tempo.configs());
        configs.put("query-frontend", configs.get("query-frontend").replace("stream_over_http_enabled: true", "stream_over_http_enabled: false"));
        var off = new TempoPlan(configs, tempo.configHashes(), tempo.overridesYaml(), tempo.workloads(), tempo.memcached(), tempo.image());
        for (var ds : tempoSources(GrafanaPlan.of(inputs.settings(), inputs.tenants(), off))) {
            assertEquals(Map.of("search", false, "metrics", false), Yaml.JSON.convertValue(ds.path("jsonData").path("streamingEnabled"), Map.class));
        }
        assertNotEquals(today.syncHash(), GrafanaPlan.of(inputs.settings(), inputs.tenants(), off).syncHash(), "the sync runs again");
    }

    static List<JsonNode> tempoSources(GrafanaPlan plan) throws Exception {
        var out = new ArrayList<JsonNode>();
        mainDatasources(plan).forEach(d -> { if (d.path("type").asText().equals("tempo")) out.add(d); });
        plan.desiredState().organisations().forEach(o -> o.datasources().stream().filter(d -> d.type().equals("tempo"))
                .forEach(d -> out.add(Yaml.JSON.valueToTree(d))));
        assertEquals(1 + plan.desiredState().organisations().size(), out.size());
        return out;
    }

    @Test
    void tenantSourceNamesDoNotClashWithATeamsOwnAndTheMainOrganisationKeepsItsProvisionedNames() throws Exception {
        var plan = plan("prod");
        var main = new TreeSet<String>();
        mainDatasources(plan).forEach(d -> main.add(d.path("name").asText()));
        assertEquals(Set.of("Tempo", "Loki", "Prometheus (span metrics)", "Platform metrics"), main,
                "provisioning finds data sources by name: a rename would be refused at Grafana's start");
        for (var org : plan.desiredState().organisations()) {
            for (var ds : org.datasources()) assertTrue(ds.name().endsWith(DataSources.TENANT_NAME_SUFFIX), ds.name());
        }
    }

    @Test
    void nothingIsFetchedAtRunTimeAndOnlyMappedGroupsSignIn() {
        for (String stack : Plans.STACKS) {
            assertEquals("true", plan(stack).env().get("GF_PLUGINS_PREINSTALL_DISABLED"), stack + ": Grafana 12 installs plugins from the internet otherwise");
        }
        var prod = plan("prod");
        var groups = new TreeSet<String>();
        prod.desiredState().roleMappings().forEach(m -> groups.add(m.group()));
        assertEquals(String.join(" ", groups), prod.env().get("GF_AUTH_GENERIC_OAUTH_ALLOWED_GROUPS"));
        assertTrue(groups.contains("sso-payments-support") && groups.contains("sso-platform-observability"));
        assertEquals("true", prod.env().get("GF_AUTH_DISABLE_LOGIN_FORM"), "SSO stacks: humans sign in with SSO");
        assertEquals("true", prod.env().get("GF_AUTH_BASIC_ENABLED"), "the sync's basic-auth API path stays");
        assertFalse(plan("local").env().containsKey("GF_AUTH_DISABLE_LOGIN_FORM"), "local has no SSO: the form is the only way in");
    }
}
