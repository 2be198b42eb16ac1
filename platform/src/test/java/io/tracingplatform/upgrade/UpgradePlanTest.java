package io.tracingplatform.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.App;
import io.tracingplatform.PlatformInputs;
import io.tracingplatform.Plans;
import io.tracingplatform.Reference;
import io.tracingplatform.cli.MainTest;
import io.tracingplatform.collector.GatewayPlan;
import io.tracingplatform.config.RawConfig;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import io.tracingplatform.release.Release;
import io.tracingplatform.release.ReleaseCatalog;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upgrade planning between catalog releases: images, rules, rollout, replacements, diffs, and data safety. */
class UpgradePlanTest {
    static final ReleaseCatalog CATALOG = ReleaseCatalog.builtIn();
    static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    static PlatformInputs inputs(String stack, String release) {
        return inputs(Plans.LAYOUT, stack, release);
    }

    static PlatformInputs inputs(io.tracingplatform.config.ProjectLayout layout, String stack, String release) {
        var raw = StackFiles.read(layout, stack);
        var values = new LinkedHashMap<>(raw.values());
        values.put("release", release);
        return App.load(layout, new RawConfig(raw.stack(), raw.file(), values, raw.document(), raw.offline()));
    }

    /** {@code stack} with tempo.zones set (Plans.zonedLayout), at {@code release}. */
    static Plan zonedPlan(String stack, String release) {
        return PLANS.computeIfAbsent(stack + " with zones@" + release,
                k -> OfflineEngine.plan(inputs(Plans.zonedLayout(), stack, release)));
    }

    static Plan plan(String stack, String release) {
        return PLANS.computeIfAbsent(stack + "@" + release, k -> OfflineEngine.plan(inputs(stack, release)));
    }

    static List<String> tenants(String stack) {
        return Plans.inputs(stack).tenants().stream().map(Tenant::id).toList();
    }

    static UpgradePlanner.Report report(String stack, String from, String to) {
        return UpgradePlanner.compare(stack, CATALOG.find(from).orElseThrow(), CATALOG.find(to).orElseThrow(),
                plan(stack, from), plan(stack, to), tenants(stack), CATALOG);
    }

    @Test
    void prodFrom2026_08To2026_11ShowsImagesRulesAndOrderWithoutBlockers() {
        var r = report("prod", "2026.08", "2026.11");
        var images = new HashMap<String, String>();
        r.images().forEach(i -> images.put(i.component(), i.from() + " -> " + i.to()));
        assertEquals(Map.of(
                "tempo", "grafana/tempo:2.10.5 -> grafana/tempo:2.10.8",
                "otelcolContrib", "otel/opentelemetry-collector-contrib:0.140.1 -> otel/opentelemetry-collector-contrib:0.159.0",
                "grafana", "grafana/grafana:12.4.6 -> grafana/grafana:12.4.10",
                "tempoVulture", "grafana/tempo-vulture:2.10.5 -> grafana/tempo-vulture:2.10.8"), images);
        assertEquals(List.of("tempo-2.10.6-opencensus-receiver-removed", "otelcol-0.159-removed-components"),
                r.rules().stream().map(UpgradePlanner.RuleResult::id).toList(), "only the rules this upgrade crosses");
        assertTrue(r.rules().stream().allMatch(UpgradePlanner.RuleResult::handled), r.rules().toString());
        var order = r.rollout().stream().map(UpgradePlanner.Stage::what).toList();
        assertTrue(order.indexOf("Tempo ingesters, one pod at a time") < order.indexOf("Tempo distributors"), order.toString());
        assertTrue(order.indexOf("Tempo distributors") < order.indexOf("Collector gateways and sampling tier"), order.toString());
        assertFalse(order.contains("memcached"), "memcached's image is the same in both releases: " + order);
        assertEquals(List.of(), r.replacements());
        assertEquals(List.of(), r.blockers());
        // 2026.11 changes images only: no generated file depends on these patch versions, so the right diff is none
        // (configDiffsAreUnifiedAndSecretsStayHidden shows the diff of a change that has one).
        assertEquals(List.of(), r.configDiffs());
    }

    @Test
    void aRollbackListsTheRulesItCrossesBackwardsWithoutBlockingOnThem() {
        var r = report("local", "2026.11", "2026.08");
        assertEquals("rollback", r.direction());
        assertEquals(List.of("tempo-2.10.6-opencensus-receiver-removed", "otelcol-0.159-removed-components"),
                r.rules().stream().map(UpgradePlanner.RuleResult::id).toList());
        assertEquals(List.of(), r.blockers(), "the older release never needed these checks");
        assertEquals("upgrade", report("local", "2026.08", "2026.11").direction());
    }

    /**
     * The otlp -> otlp_grpc rename is a platform release's change, not the collector version's: the upgrade into 2026.12
     * crosses the rule (both releases run 0.159.0), an upgrade within the old names does not, and the rule holds only
     * from 2026.12 on.
     */
    @Test
    void theExporterRenameIsCrossedByTheUpgradeThatMakesIt() {
        String rule = "otelcol-0.144-otlp-exporters-renamed";
        var into = report("staging", "2026.11", "2026.12");
        assertEquals(List.of(rule, "otelcol-0.151-spanmetrics-connector-renamed"),
                into.rules().stream().map(UpgradePlanner.RuleResult::id).toList());
        assertTrue(into.rules().stream().allMatch(UpgradePlanner.RuleResult::handled), into.rules().toString());
        assertEquals(List.of(), into.blockers());
        assertTrue(report("prod", "2026.08", "2026.12").rules().stream().anyMatch(r -> r.id().equals(rule)));
        assertFalse(report("prod", "2026.08", "2026.11").rules().stream().anyMatch(r -> r.id().equals(rule)));
        assertFalse(CATALOG.inForce(CATALOG.find("2026.11").orElseThrow()).stream().anyMatch(r -> r.id().equals(rule)),
                "2026.11 keeps the deprecated names: the rule is not in force there");
        var back = report("staging", "2026.12", "2026.11");
        assertEquals(List.of(rule, "otelcol-0.151-spanmetrics-connector-renamed"), back.rules().stream().map(UpgradePlanner.RuleResult::id).toList(),
                "the rollback crosses them too");
    }

    /**
     * A release that stops listing exporter/otlp after one that drained with it drops the drain pipeline, and with it
     * whatever the old queues still hold: it may do so only with a rule handled in it (its action names the live drain
     * check), so an upgrade plan shows the step. Nothing of the kind exists yet; this holds the next release to it.
     */
    @Test
    void aReleaseThatStopsDrainingCarriesARuleSayingSo() {
        var all = CATALOG.all();
        for (int i = 0; i + 1 < all.size(); i++) {
            var before = all.get(i).collectorComponents();
            var after = all.get(i + 1);
            boolean drained = before.contains("exporter/otlp") && before.contains("exporter/otlp_grpc");
            if (!drained || after.collectorComponents().contains("exporter/otlp")) continue;
            assertTrue(CATALOG.rules().stream().anyMatch(r -> after.name().equals(r.handledIn()) && r.action().contains("drain")),
                    after.name() + " drops the drain pipeline of " + all.get(i).name() + ": add a rule handled in it whose action "
                            + "requires `upgrade check`'s drain findings OK");
        }
    }

    /** The drain pipeline takes no data: no route of any router, and no default, names it. */
    @Test
    void noRouteOrDefaultLeadsToTheDrainPipeline() {
        for (String stack : Plans.STACKS) {
            var plan = plan(stack, "2026.12");
            for (var r : plan.ofType("kubernetes:core/v1:ConfigMap")) {
                if (!(r.inputs().get("data") instanceof Map<?, ?> data) || data.get("collector.yaml") == null) continue;
                String yaml = String.valueOf(data.get("collector.yaml"));
                try {
                    var doc = Yaml.YAML.readTree(yaml);
                    doc.path("connectors").fields().forEachRemaining(c -> assertFalse(c.getValue().toString().contains(GatewayPlan.DRAIN_PIPELINE),
                            stack + " " + RuleChecks.name(r) + ": connector " + c.getKey() + " names " + GatewayPlan.DRAIN_PIPELINE));
                    var drain = doc.path("service").path("pipelines").path(GatewayPlan.DRAIN_PIPELINE);
                    if (!drain.isMissingNode()) {
                        assertEquals("[\"routing/tenants\"]", drain.path("receivers").toString(),
                                stack + " " + RuleChecks.name(r) + ": the drain pipeline's only receiver is the tenant router");
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    /** The rule's check fails when an old-name exporter takes data, i.e. anywhere but the drain pipeline. */
    @Test
    void anOldNameExporterOutsideTheDrainPipelineFailsTheRenameRule() {
        var rule = CATALOG.rules().stream().filter(r -> r.id().equals("otelcol-0.144-otlp-exporters-renamed")).findFirst().orElseThrow();
        var good = plan("staging", "2026.12");
        assertEquals(List.of(), RuleChecks.failures(rule, good, tenants("staging")));
        var tenant = tenants("staging").get(0);
        var live = withConfig(good, "otel-gateway", "collector.yaml",
                yaml -> yaml.replace("- otlp_grpc/tenant-" + tenant + "\n", "- otlp/tenant-" + tenant + "\n"));
        assertEquals(List.of("a collector config uses exporter/otlp as otlp/tenant-" + tenant + " in pipeline traces/tenant-" + tenant),
                RuleChecks.failures(rule, live, tenants("staging")));
        assertEquals(List.of(), RuleChecks.failures(rule, plan("staging", "2026.11"), tenants("staging")).stream()
                .filter(f -> !f.contains("exporter/otlp")).toList(), "2026.11's only failures are the old names it keeps");
        assertFalse(RuleChecks.failures(rule, plan("staging", "2026.11"), tenants("staging")).isEmpty(),
                "the check can fail: 2026.11 uses the old names for live data");
    }

    /** Data safety: no pair of consecutive catalog releases replaces a stateful resource on any stack. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void consecutiveReleasesNeverReplaceStatefulResources(String stack) {
        var names = CATALOG.names();
        for (int i = 0; i + 1 < names.size(); i++) {
            var r = report(stack, names.get(i), names.get(i + 1));
            var stateful = r.replacements().stream().filter(UpgradePlanner.Replacement::stateful).toList();
            assertEquals(List.of(), stateful, stack + " " + names.get(i) + " -> " + names.get(i + 1));
            assertEquals(List.of(), r.blockers(), stack + " " + names.get(i) + " -> " + names.get(i + 1));
        }
    }

    /** Every rule in force at a release holds for every stack planned at it. */
    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyRuleInForceHoldsAtEveryRelease(String stack) {
        for (Release release : CATALOG.all()) {
            for (var rule : CATALOG.inForce(release)) {
                assertEquals(List.of(), RuleChecks.failures(rule, plan(stack, release.name()), tenants(stack)),
                        stack + " at " + release.name() + ": " + rule.id());
            }
        }
        assertEquals(8, CATALOG.inForce(CATALOG.latest()).size(), "all eight rules are in force at the latest release");
    }

    /**
     * A stack that opted in to per-zone ingesters: the rules about tempo-ingester read zone a's config (the zones
     * differ only in their ring zone), every rule holds at every release, a release change replaces none of the zone
     * StatefulSets and restarts them in the ingesters' stage.
     */
    @Test
    void aStackWithZonesIsCheckedAndRolledOutLikeOneWithASingleIngesterStatefulSet() {
        var latest = zonedPlan("prod", CATALOG.latest().name());
        var ingester = RuleChecks.configDocument(latest, "tempo-ingester", "tempo.yaml");
        assertTrue(ingester != null, "tempo-ingester answers from tempo-ingester-zone-a");
        assertEquals(Plans.ZONES.get(0), ingester.at("/ingester/lifecycler/availability_zone").asText());
        for (Release release : CATALOG.all()) {
            for (var rule : CATALOG.inForce(release)) {
                assertEquals(List.of(), RuleChecks.failures(rule, zonedPlan("prod", release.name()), tenants("prod")),
                        "prod with zones at " + release.name() + ": " + rule.id());
            }
        }
        var r = UpgradePlanner.compare("prod", CATALOG.find("2026.08").orElseThrow(), CATALOG.find("2026.11").orElseThrow(),
                zonedPlan("prod", "2026.08"), zonedPlan("prod", "2026.11"), tenants("prod"), CATALOG);
        assertEquals(List.of(), r.replacements());
        assertEquals(List.of(), r.blockers());
        var ingesters = r.rollout().stream().filter(st -> st.what().equals("Tempo ingesters, one pod at a time")).findFirst().orElseThrow();
        assertEquals(List.of("platform-tempo-ingester-zone-a", "platform-tempo-ingester-zone-b", "platform-tempo-ingester-zone-c"),
                ingesters.resources().stream().sorted().toList());
    }

    @Test
    void aConfigThatBreaksARuleFailsItsCheck() {
        var good = plan("prod", "2026.11");
        var rule = CATALOG.rules().stream().filter(r -> r.id().equals("tempo-2.7-receivers-bind-localhost")).findFirst().orElseThrow();
        var bad = withConfig(good, "tempo-distributor", "tempo.yaml", yaml -> yaml.replace("0.0.0.0:4317", "localhost:4317"));
        assertEquals(List.of("tempo-distributor/tempo.yaml: distributor.receivers.otlp.protocols.grpc.endpoint is 'localhost:4317', needs '0.0.0.0:4317'"),
                RuleChecks.failures(rule, bad, List.of("payments")));
        var opencensus = CATALOG.rules().stream().filter(r -> r.id().equals("tempo-2.10.6-opencensus-receiver-removed")).findFirst().orElseThrow();
        var withOpenCensus = withConfig(good, "tempo-distributor", "tempo.yaml", yaml -> yaml.replace("  receivers:\n", "  receivers:\n    opencensus: {}\n"));
        assertEquals(1, RuleChecks.failures(opencensus, withOpenCensus, List.of()).size());
        var ids = CATALOG.rules().stream().filter(r -> r.id().equals("tempo-2.10-tenant-ids-validated")).findFirst().orElseThrow();
        assertEquals(List.of("tenant id 'team/a'"), RuleChecks.failures(ids, good, List.of("ok-team", "team/a")));
        var removed = CATALOG.rules().stream().filter(r -> r.id().equals("otelcol-0.159-removed-components")).findFirst().orElseThrow();
        var jmx = withConfig(good, "otel-gateway", "collector.yaml", yaml -> yaml.replaceFirst("(?m)^receivers:\n", "receivers:\n  jmx/app: {}\n"));
        assertEquals(List.of("a collector config uses receiver/jmx"), RuleChecks.failures(removed, jmx, List.of()));
    }

    @Test
    void theComponentsRuleListsExactlyWhatTheDistributionDropped() throws Exception {
        var before = components(Reference.require("otelcol/otelcol-contrib-manifest-v0.140.0.yaml"));
        var after = components(Reference.require("otelcol/otelcol-contrib-manifest-v0.159.0.yaml"));
        before.removeAll(after);
        var rule = CATALOG.rules().stream().filter(r -> r.id().equals("otelcol-0.159-removed-components")).findFirst().orElseThrow();
        assertEquals(before, new TreeSet<>(rule.checks().get(0).components()));
    }

    /** "kind/type" of a distribution manifest: gomod ".../receiver/jmxreceiver v..." gives receiver/jmx. */
    static TreeSet<String> components(java.nio.file.Path manifest) throws Exception {
        var doc = Yaml.YAML.readTree(manifest.toFile());
        var out = new TreeSet<String>();
        for (String section : List.of("receivers", "processors", "exporters", "extensions", "connectors")) {
            String kind = section.substring(0, section.length() - 1);
            for (var c : doc.path(section)) {
                String module = c.path("gomod").asText().split(" ")[0];
                String last = module.substring(module.lastIndexOf('/') + 1);
                out.add(kind + "/" + (last.endsWith(kind) ? last.substring(0, last.length() - kind.length()) : last));
            }
        }
        return out;
    }

    @Test
    void replacingAStatefulResourceIsABlockerAndAJobRenameIsNot() {
        var current = plan("prod", "2026.11");
        var target = withInputs(current, "platform-tempo-ingester", inputs -> {
            @SuppressWarnings("unchecked")
            var spec = (Map<String, Object>) inputs.get("spec");
            spec.put("serviceName", "ingester-renamed");
        });
        target = withInputs(target, "platform-grafana-org-sync", inputs -> {
            @SuppressWarnings("unchecked")
            var meta = (Map<String, Object>) inputs.get("metadata");
            meta.put("name", "grafana-org-sync-0123456789");
        });
        var replacements = UpgradePlanner.replacements(current, target);
        assertEquals(2, replacements.size(), replacements.toString());
        var ingester = replacements.stream().filter(x -> x.name().equals("platform-tempo-ingester")).findFirst().orElseThrow();
        assertTrue(ingester.stateful() && ingester.reason().contains("spec.serviceName"), ingester.toString());
        var job = replacements.stream().filter(x -> x.name().equals("platform-grafana-org-sync")).findFirst().orElseThrow();
        assertFalse(job.stateful(), "the sync Job holds no data");
        var dropped = new Plan(current.stack(), current.resources().stream()
                .filter(r -> !r.type().equals("aws:s3/bucketV2:BucketV2")).toList(), current.outputs());
        var deleted = UpgradePlanner.replacements(current, dropped);
        assertEquals(1, deleted.size());
        assertTrue(deleted.get(0).stateful() && deleted.get(0).reason().contains("deleted"), deleted.toString());
    }

    @Test
    void configDiffsAreUnifiedAndSecretsStayHidden() {
        var all = Plans.inputs("prod");
        var fewer = new PlatformInputs(all.settings(), all.tenants().stream().filter(t -> !t.id().equals("webshop")).toList(), all.today());
        var diffs = UpgradePlanner.configDiffs(plan("prod", "2026.08"), OfflineEngine.plan(fewer));
        var overrides = diffs.stream().filter(d -> d.object().equals("ConfigMap/tracing/tempo-overrides")).findFirst().orElseThrow();
        assertTrue(overrides.diff().contains("-  webshop:"), overrides.diff());
        assertTrue(overrides.diff().startsWith("--- prod@from/ConfigMap/tracing/tempo-overrides/overrides.yaml"), overrides.diff());
        var secrets = diffs.stream().filter(UpgradePlanner.ConfigDiff::secret).toList();
        assertFalse(secrets.isEmpty(), "the gateway htpasswd and Grafana's desired state change");
        assertTrue(secrets.stream().allMatch(d -> d.diff().equals("(Secret content changes; not shown)")));
    }

    @Test
    void theCommandExitsZeroWithoutBlockersTwoForAnUnknownReleaseAndSpeaksJson() throws Exception {
        var ok = MainTest.run("upgrade", "plan", "--stack", "prod", "--to", "2026.11", "--format", "json");
        assertEquals(0, ok.code(), ok.err());
        var json = Yaml.JSON.readTree(ok.out());
        assertEquals(List.of("stack", "from", "to", "direction", "images", "rules", "rollout", "replacements", "configDiffs", "facts", "blockers"),
                new ArrayList<String>() {{ json.fieldNames().forEachRemaining(this::add); }});
        var unknown = MainTest.run("upgrade", "plan", "--stack", "prod", "--to", "2027.01");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("2026.08, 2026.11, 2026.12"), unknown.err());
    }

    static Plan withConfig(Plan plan, String configMap, String key, java.util.function.UnaryOperator<String> edit) {
        var resources = new ArrayList<Plan.PlannedResource>();
        for (var r : plan.resources()) {
            if (r.type().equals("kubernetes:core/v1:ConfigMap") && configMap.equals(RuleChecks.name(r))) {
                var inputs = new LinkedHashMap<>(r.inputs());
                @SuppressWarnings("unchecked")
                var data = new LinkedHashMap<>((Map<String, Object>) inputs.get("data"));
                data.put(key, edit.apply(String.valueOf(data.get(key))));
                inputs.put("data", data);
                r = new Plan.PlannedResource(r.type(), r.name(), r.parent(), r.parentType(), r.urn(), inputs, r.custom(),
                        r.provider(), r.protect(), r.retainOnDelete());
            }
            resources.add(r);
        }
        return new Plan(plan.stack(), resources, plan.outputs());
    }

    @SuppressWarnings("unchecked")
    static Plan withInputs(Plan plan, String name, java.util.function.Consumer<Map<String, Object>> edit) {
        var resources = new ArrayList<Plan.PlannedResource>();
        for (var r : plan.resources()) {
            if (r.name().equals(name) && r.custom()) {
                var copy = (Map<String, Object>) Yaml.JSON.convertValue(r.inputs(), Map.class);
                edit.accept(copy);
                r = new Plan.PlannedResource(r.type(), r.name(), r.parent(), r.parentType(), r.urn(), copy, r.custom(),
                        r.provider(), r.protect(), r.retainOnDelete());
            }
            resources.add(r);
        }
        return new Plan(plan.stack(), resources, plan.outputs());
    }
}
