package io.tracingplatform.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.yaml.LocatedYaml;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class StackSettingsTest {
    static final String VALID_AWS = """
            config:
              tracing-platform:release: "2026.11"
              tracing-platform:cloud: aws
              tracing-platform:clusterName: tracing-dev
              tracing-platform:kubernetes:
                context: ctx
                namespace: tracing
              tracing-platform:aws:
                region: eu-central-1
                accountId: "210987654321"
                defaultTags:
                  team: platform
              tracing-platform:storage:
                oidcProviderArn: arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/ABC
                oidcProviderUrl: https://oidc.eks.eu-central-1.amazonaws.com/id/ABC
              tracing-platform:tempo:
                prometheusRemoteWriteUrl: http://prometheus.monitoring.svc:9090/api/v1/write
              tracing-platform:grafana:
                lokiUrl: http://loki-gateway.logging.svc
                prometheusUrl: http://mimir-query-frontend.metrics.svc:8080/prometheus
            """;

    /** A local stack with only the required keys. */
    public static final String MINIMAL_LOCAL = """
            config:
              tracing-platform:release: "2026.11"
              tracing-platform:cloud: local
              tracing-platform:clusterName: tracing-local
              tracing-platform:tempo: {prometheusRemoteWriteUrl: "http://prometheus:9090/api/v1/write"}
              tracing-platform:grafana: {lokiUrl: "http://loki:3100", prometheusUrl: "http://mimir:8080/prometheus"}
            """;

    static RawConfig raw(String yaml) throws Exception {
        var doc = LocatedYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "stacks/Pulumi.dev.yaml");
        return StackFiles.fromDocument("dev", "stacks/Pulumi.dev.yaml", doc);
    }

    static List<Problem> problems(String yaml) throws Exception {
        var raw = raw(yaml);
        var e = assertThrows(InvalidInputException.class, () -> StackSettings.parse(raw),
                "expected the settings to be rejected:\n" + yaml);
        return e.problems();
    }

    static Problem only(List<Problem> problems, String key) {
        var matching = problems.stream().filter(p -> p.field().equals(key)).toList();
        assertEquals(1, matching.size(), "expected one problem for " + key + " in " + problems);
        return matching.get(0);
    }

    @Test
    void validAwsStackParses() throws Exception {
        var s = StackSettings.parse(raw(VALID_AWS));
        assertEquals("2026.11", s.release().name());
        assertEquals(Cloud.AWS, s.cloud());
        assertEquals("eu-central-1", s.aws().orElseThrow().region());
        assertEquals("platform", s.aws().orElseThrow().defaultTags().get("team"));
        assertEquals("tracing", s.kubernetes().namespace());
        assertEquals("ctx", s.kubernetes().context().orElseThrow());
    }

    @Test
    void defaultsApplyWhenOptionalKeysAreAbsent() throws Exception {
        var s = StackSettings.parse(raw(MINIMAL_LOCAL));
        assertEquals(KubernetesSettings.DEFAULT_NAMESPACE, s.kubernetes().namespace());
        assertTrue(s.kubernetes().context().isEmpty());
        assertTrue(s.aws().isEmpty());
    }

    @ParameterizedTest(name = "missing {0}")
    @CsvSource({
        "release,      '  tracing-platform:release: \"2026.11\"\n', tracing-platform:release",
        "cloud,        '  tracing-platform:cloud: aws\n',           tracing-platform:cloud",
        "clusterName,  '  tracing-platform:clusterName: tracing-dev\n', tracing-platform:clusterName",
    })
    void eachRequiredTopLevelKeyMissingIsNamedWithItsFix(String name, String line, String key) throws Exception {
        var yaml = VALID_AWS.replace(line.replace("\\n", "\n"), "");
        var p = only(problems(yaml), key);
        assertTrue(p.message().contains("required"), p.describe());
        assertTrue(p.fix().startsWith("pulumi config set --stack dev"), "fix must be a command: " + p.describe());
        assertEquals("stacks/Pulumi.dev.yaml", p.file());
    }

    @ParameterizedTest(name = "previousCredentialUntil {0}")
    @CsvSource({"2026-02-30", "2026-13-01", "15.12.2026", "2026-12-1", "tomorrow"})
    void aRotationWindowsEndMustBeARealDate(String value) throws Exception {
        var p = only(problems(VALID_AWS + "  tracing-platform:gateway:\n    credentialGeneration: 2\n    previousCredentialUntil: \""
                + value + "\"\n"), "tracing-platform:gateway.previousCredentialUntil");
        assertEquals("stacks/Pulumi.dev.yaml", p.file());
        assertTrue(p.location().known(), "the line of the bad value: " + p.describe());
        assertTrue(p.message().contains("'" + value + "' is not a calendar date") && p.message().contains("YYYY-MM-DD"), p.describe());
        assertEquals("pulumi config set --stack dev --path 'tracing-platform:gateway.previousCredentialUntil' YYYY-MM-DD", p.fix());
    }

    @Test
    void aRotationWindowNeedsAPreviousGeneration() throws Exception {
        var p = only(problems(VALID_AWS + "  tracing-platform:gateway:\n    previousCredentialUntil: 2026-12-15\n"),
                "tracing-platform:gateway.previousCredentialUntil");
        assertTrue(p.message().contains("credentialGeneration is 1"), p.describe());
        assertTrue(p.fix().contains("pulumi config rm --stack dev --path 'tracing-platform:gateway.previousCredentialUntil'")
                && p.fix().contains("'tracing-platform:gateway.credentialGeneration' 2"), p.describe());
        var s = StackSettings.parse(raw(VALID_AWS + "  tracing-platform:gateway:\n    credentialGeneration: 2\n"
                + "    previousCredentialUntil: 2026-12-15\n"));
        assertEquals(java.time.LocalDate.of(2026, 12, 15), s.gateway().previousCredentialUntil().orElseThrow(), "unquoted YAML date");
    }

    @Test
    void awsSectionIsRequiredOnAwsStacks() throws Exception {
        var yaml = VALID_AWS.substring(0, VALID_AWS.indexOf("  tracing-platform:aws:"));
        var p = only(problems(yaml), "tracing-platform:aws");
        assertTrue(p.message().contains("required"), p.describe());
    }

    @Test
    void awsRegionAndAccountMissingAreNamedWithPathCommands() throws Exception {
        var yaml = VALID_AWS.replace("    region: eu-central-1\n", "").replace("    accountId: \"210987654321\"\n", "");
        var problems = problems(yaml);
        var region = only(problems, "tracing-platform:aws.region");
        assertEquals("pulumi config set --stack dev --path 'tracing-platform:aws.region' eu-central-1", region.fix());
        only(problems, "tracing-platform:aws.accountId");
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        "cloud: aws                  | cloud: 42                       | tracing-platform:cloud",
        "release: \"2026.11\"        | release: \"1999.01\"            | tracing-platform:release",
        "clusterName: tracing-dev    | clusterName: Tracing_Dev        | tracing-platform:clusterName",
        "namespace: tracing          | namespace: Tracing              | tracing-platform:kubernetes.namespace",
        "region: eu-central-1        | region: mars                    | tracing-platform:aws.region",
        "accountId: \"210987654321\" | accountId: \"1234\"             | tracing-platform:aws.accountId",
        "team: platform              | team: [a, b]                    | tracing-platform:aws.defaultTags.team",
        "context: ctx                | context: {a: b}                 | tracing-platform:kubernetes.context",
    })
    void wrongTypesAndOutOfRangeValuesAreRejected(String from, String to, String key) throws Exception {
        var yaml = VALID_AWS.replace(from.trim(), to.trim());
        var p = only(problems(yaml), key);
        assertTrue(p.location().known(), "offline problems carry a line: " + p.describe());
        assertTrue(!p.fix().isEmpty(), "every problem has a fix: " + p.describe());
    }

    @Test
    void wrongTypeForAnObjectIsNamed() throws Exception {
        var yaml = VALID_AWS.replace("""
                  tracing-platform:kubernetes:
                    context: ctx
                    namespace: tracing
                """, "  tracing-platform:kubernetes: just-text\n");
        var p = only(problems(yaml), "tracing-platform:kubernetes");
        assertTrue(p.message().contains("must be an object"), p.describe());
    }

    @Test
    void unknownKeyGetsADidYouMean() throws Exception {
        var yaml = VALID_AWS.replace("    namespace: tracing\n", "    namespcae: tracing\n");
        var p = only(problems(yaml), "tracing-platform:kubernetes.namespcae");
        assertTrue(p.message().contains("Did you mean 'namespace'?"), p.describe());
    }

    @Test
    void problemPointsAtTheLineOfTheKey() throws Exception {
        var yaml = VALID_AWS.replace("namespace: tracing", "namespace: BAD");
        var p = only(problems(yaml), "tracing-platform:kubernetes.namespace");
        assertEquals(7, p.location().line(), p.describe());
        assertTrue(p.describe().startsWith("stacks/Pulumi.dev.yaml:7:"), p.describe());
    }

    @Test
    void allProblemsAreReportedAtOnce() throws Exception {
        var yaml = VALID_AWS.replace("cloud: aws", "cloud: azure").replace("namespace: tracing", "namespace: X");
        var problems = problems(yaml);
        assertTrue(problems.size() >= 2, "both problems reported: " + problems);
        assertTrue(problems.get(0).message().contains("Did you mean") || problems.get(0).message().contains("not one of"));
    }

    @Test
    void localStackMustNotCarryAwsSettings() throws Exception {
        var yaml = VALID_AWS.replace("cloud: aws", "cloud: local");
        var p = only(problems(yaml), "tracing-platform:aws");
        assertTrue(p.fix().startsWith("pulumi config rm"), p.describe());
    }

    @Test
    void providerKeysOutsideTheProjectAreRejectedBecauseTheyWouldBeIgnored() throws Exception {
        var yaml = VALID_AWS + "  aws:region: us-east-1\n";
        var e = assertThrows(InvalidInputException.class, () -> raw(yaml));
        assertTrue(e.problems().get(0).message().contains("ignored"), e.getMessage());
    }

    @Test
    void secureValuesBecomeOfflineSecretsAndPlainSecretsAreRefused() throws Exception {
        var raw = raw(VALID_AWS + "  tracing-platform:someSecret:\n    secure: v1:abc\n");
        assertTrue(raw.values().get("someSecret") instanceof Secret, "secure: value is a Secret offline");
        var problems = new java.util.ArrayList<Problem>();
        var f = Fields.root(raw, problems);
        assertTrue(f.secret("someSecret").isPresent());
        var plain = Fields.root(raw(VALID_AWS + "  tracing-platform:someSecret: plain\n"), problems);
        assertTrue(plain.secret("someSecret").isEmpty());
        assertTrue(problems.get(0).fix().contains("--secret"), problems.toString());
    }

    @Test
    void numbersAndBooleansAcceptTheEnginesStringForm() throws Exception {
        var problems = new java.util.ArrayList<Problem>();
        var raw = new RawConfig("dev", "f", java.util.Map.of("n", "3", "b", "true", "j", "{\"k\":\"v\"}"), null, false);
        var f = Fields.root(raw, problems);
        assertEquals(3, f.integer("n", 1, 0, 10, ""));
        assertTrue(f.bool("b", false));
        assertEquals("v", f.stringMap("j").get("k"));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void tempoNetworkPoliciesAreOnAndAdmitTheMonitoringNamespaceByDefault() throws Exception {
        var aws = StackSettings.parse(raw(VALID_AWS)).tempo();
        assertTrue(aws.networkPolicy());
        assertEquals(List.of("monitoring"), aws.scrapeNamespaces());
        var local = StackSettings.parse(raw(MINIMAL_LOCAL)).tempo();
        assertTrue(local.networkPolicy());
        assertEquals(List.of(), local.scrapeNamespaces(), "local: its own Prometheus is admitted by its pods, no namespace");
        var set = StackSettings.parse(raw(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    networkPolicy: false\n    scrapeNamespaces: [prometheus, kube-prometheus]\n    prometheusRemoteWriteUrl:"))).tempo();
        assertFalse(set.networkPolicy());
        assertEquals(List.of("prometheus", "kube-prometheus"), set.scrapeNamespaces());
    }

    @Test
    void scrapersAreThePrometheusPodsOfTheScrapeNamespacesByDefaultAndEveryPodOnlyWhenSaidSo() throws Exception {
        var prometheus = Map.of("app.kubernetes.io/name", "prometheus");
        assertEquals(prometheus, StackSettings.parse(raw(VALID_AWS)).tempo().scrapePodLabels(), "absent: the operator's label");
        assertEquals(prometheus, StackSettings.parse(raw(MINIMAL_LOCAL)).tempo().scrapePodLabels());
        var empty = StackSettings.parse(raw(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    scrapePodLabels: {}\n    prometheusRemoteWriteUrl:"))).tempo();
        assertEquals(Map.of(), empty.scrapePodLabels(), "an explicit {}: every pod of the scrape namespaces");
        var own = StackSettings.parse(raw(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    scrapePodLabels: {app: prometheus-server, example.com/team: obs, tier: ''}\n    prometheusRemoteWriteUrl:"))).tempo();
        assertEquals(Map.of("app", "prometheus-server", "example.com/team", "obs", "tier", ""), own.scrapePodLabels());
    }

    @Test
    void badScrapePodLabelsAreNamedWithTheirFix() throws Exception {
        var problems = problems(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    scrapePodLabels: {'Bad Key': prometheus, Example.com/x: y, app: -server, ok: '" + "v".repeat(64) + "'}\n"
                        + "    prometheusRemoteWriteUrl:"));
        var labels = problems.stream().filter(p -> p.field().equals("tracing-platform:tempo.scrapePodLabels")).toList();
        assertEquals(4, labels.size(), "one problem per bad key or value: " + labels);
        var text = labels.stream().map(Problem::message).toList().toString();
        assertTrue(text.contains("'Bad Key' is not a Kubernetes label key"), text);
        assertTrue(text.contains("'Example.com/x' is not a Kubernetes label key"), "the prefix is a lowercase DNS subdomain: " + text);
        assertTrue(text.contains("'-server' (of app) is not a Kubernetes label value"), text);
        assertTrue(text.contains("(of ok) is not a Kubernetes label value"), "at most 63 characters: " + text);
        var first = labels.get(0);
        assertEquals("stacks/Pulumi.dev.yaml", first.file());
        assertTrue(first.location().known(), "the problem points at the line: " + first.describe());
        assertEquals("pulumi config set --stack dev --path 'tracing-platform:tempo.scrapePodLabels' "
                + "'{\"app.kubernetes.io/name\":\"prometheus\"}'", first.fix());
        var notAMap = only(problems(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    scrapePodLabels: [prometheus]\n    prometheusRemoteWriteUrl:")), "tracing-platform:tempo.scrapePodLabels");
        assertTrue(notAMap.message().contains("must be an object"), notAMap.describe());
    }

    @Test
    void badTempoNetworkPolicySettingsAreNamedWithTheirFix() throws Exception {
        var problems = problems(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    networkPolicy: maybe\n    scrapeNamespaces: [monitoring, Kube_Prometheus]\n    prometheusRemoteWriteUrl:"));
        var bool = only(problems, "tracing-platform:tempo.networkPolicy");
        assertTrue(bool.message().contains("true or false"), bool.describe());
        var ns = only(problems, "tracing-platform:tempo.scrapeNamespaces");
        assertTrue(ns.message().contains("'Kube_Prometheus' is not a namespace name"), ns.describe());
        assertEquals("pulumi config set --stack dev --path 'tracing-platform:tempo.scrapeNamespaces' '[\"monitoring\"]'", ns.fix());
        assertEquals("stacks/Pulumi.dev.yaml", ns.file());
        assertTrue(ns.location().known(), "the problem points at the line: " + ns.describe());
        var notAList = only(problems(VALID_AWS.replace("    prometheusRemoteWriteUrl:",
                "    scrapeNamespaces: monitoring\n    prometheusRemoteWriteUrl:")), "tracing-platform:tempo.scrapeNamespaces");
        assertTrue(notAList.message().contains("must be a list of strings"), notAList.describe());
    }

    @Test
    void tenantDefaultsAndLimitsAreReadWithTheirOwnDefaults() throws Exception {
        var s = StackSettings.parse(raw(VALID_AWS + """
                  tracing-platform:tenantDefaults:
                    retention: 10d
                    ingestion: {rateLimitMBps: 3}
                    sampling: {keepPercent: 20}
                  tracing-platform:tenantLimits:
                    maxRetention: 21d
                    requestMoreFrom: "#help"
                """));
        var t = s.tenants();
        assertEquals(java.time.Duration.ofDays(10), t.defaults().retention());
        assertEquals(3.0, t.defaults().rateLimitMBps());
        assertEquals(10.0, t.defaults().burstMB(), "unset default keeps the built-in one");
        assertTrue(t.defaults().sampling().enabled());
        assertEquals(20.0, t.defaults().sampling().keepPercent());
        assertEquals(java.time.Duration.ofDays(21), t.limits().maxRetention());
        assertEquals("#help", t.limits().requestMoreFrom());
        assertEquals("tracing", t.platformNamespace());
    }

    @Test
    void tenantDefaultsOverTheCapsAndBadDurationsAreRejected() throws Exception {
        var problems = problems(VALID_AWS + """
                  tracing-platform:tenantDefaults:
                    retention: 60d
                    ingestion: {rateLimitMBps: -1}
                  tracing-platform:tenantLimits:
                    maxRetention: forever
                """);
        only(problems, "tracing-platform:tenantDefaults.ingestion.rateLimitMBps");
        only(problems, "tracing-platform:tenantLimits.maxRetention");
        assertTrue(problems.stream().anyMatch(p -> p.field().equals("tracing-platform:tenantDefaults")
                && p.message().contains("over tenantLimits.maxRetention")), problems.toString());
    }

    @Test
    void grafanaSettingsThatCannotWorkAreRejectedWithTheirKeys() throws Exception {
        var yaml = VALID_AWS.replace("""
                    lokiUrl: http://loki-gateway.logging.svc
                """, """
                    lokiUrl: loki-gateway
                    replicas: 2
                    ingressHost: grafana.example.com
                    sso: {clientId: grafana, authUrl: "https://sso/a", tokenUrl: "https://sso/t"}
                """);
        var problems = problems(yaml);
        assertTrue(only(problems, "tracing-platform:grafana.lokiUrl").message().contains("not an http(s) URL"));
        assertTrue(only(problems, "tracing-platform:grafana.replicas").message().contains("external database"));
        assertTrue(only(problems, "tracing-platform:grafana.ingressTlsSecret").message().contains("never exposed without TLS"));
        only(problems, "tracing-platform:grafana.sso.apiUrl");
        assertEquals(4, problems.size(), "all problems at once, nothing else: " + problems);
    }
}
