package io.tracingplatform.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.App;
import io.tracingplatform.TempProject;
import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.Problem;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.TenantPolicy;
import io.tracingplatform.offline.OfflineEngine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantLoaderTest {
    @TempDir java.nio.file.Path dir;
    TempProject project;

    @BeforeEach
    void setUp() throws Exception {
        project = new TempProject(dir, false);
    }

    Map<String, TenantPolicy> policies() {
        var map = new TreeMap<String, TenantPolicy>();
        for (String s : project.layout.stacks()) map.put(s, TenantPolicy.read(StackFiles.read(project.layout, s)));
        return map;
    }

    List<Problem> problems() {
        return TenantLoader.check(project.layout, TenantLoader.files(project.layout), policies()).problems();
    }

    Problem problemAt(String field) {
        var all = problems();
        return all.stream().filter(p -> p.field().equals(field)).findFirst()
                .orElseThrow(() -> new AssertionError("expected a problem at " + field + ", got " + all));
    }

    String withEnv(String id, String envYaml) {
        return """
                apiVersion: tracing-platform/v1
                kind: Tenant
                id: %s
                displayName: Team
                costCenter: CC-1
                contacts: [team@example.com]
                environments:
                %s""".formatted(id, envYaml.indent(2));
    }

    @Test
    void exampleTenantsOfTheRepositoryAreValid() throws Exception {
        var p = new TempProject(dir.resolve("full"), true);
        var checked = TenantLoader.check(p.layout, TenantLoader.files(p.layout), policiesOf(p));
        assertEquals(List.of(), checked.problems());
        assertEquals(3, checked.files().size());
    }

    static Map<String, TenantPolicy> policiesOf(TempProject p) {
        var map = new TreeMap<String, TenantPolicy>();
        for (String s : p.layout.stacks()) map.put(s, TenantPolicy.read(StackFiles.read(p.layout, s)));
        return map;
    }

    @Test
    void valuesFromTheFileWinAndTheRestComeFromTheStackDefaults() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", """
                prod:
                  retention: 21d
                  ingestion: {rateLimitMBps: 7}
                  instrumentation: {namespaces: [team-a], languages: [java]}
                """));
        var tenants = TenantLoader.load(project.layout, "prod", policies());
        var s = tenants.get(0).settings();
        assertEquals(Duration.ofDays(21), s.retention());
        assertEquals(7.0, s.rateLimitMBps());
        assertEquals(10.0, s.burstMB(), "burst from prod tenantDefaults");
        assertEquals(10_000, s.maxTracesPerUser());
        assertEquals(7.0, s.averageMBps(), "declared average defaults to the rate limit");
        assertFalse(s.sampling().enabled());
        assertEquals(List.of("java"), s.languages());
        assertTrue(TenantLoader.load(project.layout, "dev", policies()).isEmpty(), "joins only the stacks it lists");
    }

    @Test
    void unknownFieldGetsDidYouMean() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", "dev:\n  retension: 7d\n"));
        var p = problemAt("environments.dev.retension");
        assertTrue(p.message().contains("Did you mean 'retention'?"), p.describe());
        assertTrue(p.location().line() > 0 && p.location().column() > 0, p.describe());
    }

    @Test
    void duplicateKeysAreRejected() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "team-a") + "displayName: Again\n");
        assertTrue(problems().get(0).message().contains("duplicate key 'displayName'"), problems().toString());
    }

    @Test
    void wrongTypesAreRejected() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", """
                dev:
                  retention: 14
                  ingestion: {rateLimitMBps: fast, maxTracesPerUser: 2.5}
                  metricsGenerator: {spanMetrics: "yes"}
                  instrumentation: {namespaces: team-a}
                """).replace("contacts: [team@example.com]", "contacts: team@example.com"));
        assertTrue(problemAt("environments.dev.retention").message().contains("no unit"));
        problemAt("environments.dev.ingestion.rateLimitMBps");
        problemAt("environments.dev.ingestion.maxTracesPerUser");
        problemAt("environments.dev.metricsGenerator.spanMetrics");
        problemAt("environments.dev.instrumentation.namespaces");
        problemAt("contacts");
    }

    @Test
    void missingRequiredFieldsAreNamed() throws Exception {
        project.tenant("team-a.yaml", "apiVersion: tracing-platform/v1\nkind: Tenant\nid: team-a\nenvironments: {}\n");
        for (String f : List.of("displayName", "costCenter", "contacts")) {
            assertTrue(problemAt(f).message().contains("required"), f);
        }
    }

    @Test
    void idsThatAreNotDns1123AreRejected() throws Exception {
        project.tenant("Team_A.yaml", TempProject.minimal("Team_A", "ns-a"));
        project.tenant("x.yaml", TempProject.minimal("x", "ns-x"));
        project.tenant("a-very-long-tenant-id-that-is-over-forty-chars.yaml",
                TempProject.minimal("a-very-long-tenant-id-that-is-over-forty-chars", "ns-l"));
        var all = problems();
        assertEquals(3, all.stream().filter(p -> p.field().equals("id") && p.message().contains("DNS-1123")).count(), all.toString());
    }

    @Test
    void reservedIdsAreRejected() throws Exception {
        project.tenant("platform.yaml", TempProject.minimal("platform", "ns-a"));
        project.tenant("kube-system.yaml", TempProject.minimal("kube-system", "ns-b"));
        var all = problems();
        assertEquals(2, all.stream().filter(p -> p.message().contains("reserved")).count(), all.toString());
    }

    @Test
    void idMustMatchTheFileName() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-b", "ns-a"));
        assertTrue(problemAt("id").message().contains("does not match the file name"));
    }

    @Test
    void idsEqualIgnoringCaseAreRejected() throws Exception {
        project.tenant("payments.yaml", TempProject.minimal("payments", "ns-a"));
        project.tenant("Payments.yaml", TempProject.minimal("Payments", "ns-b"));
        var all = problems();
        assertTrue(all.stream().anyMatch(p -> p.message().contains("already the id of")), all.toString());
    }

    @Test
    void aNamespaceClaimedByTwoTenantsIsRejected() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "shared"));
        project.tenant("team-b.yaml", TempProject.minimal("team-b", "shared"));
        var p = problemAt("environments.dev.instrumentation.namespaces");
        assertTrue(p.message().contains("already claimed by tenant 'team-a'"), p.describe());
        assertEquals("stacks/tenants/team-b.yaml", p.file());
    }

    @Test
    void theSameNamespaceInDifferentEnvironmentsIsFine() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "shared"));
        project.tenant("team-b.yaml", withEnv("team-b", "prod:\n  instrumentation: {namespaces: [shared]}\n"));
        assertEquals(List.of(), problems());
    }

    @Test
    void platformAndSystemNamespacesCannotBeClaimed() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "tracing"));
        project.tenant("team-b.yaml", TempProject.minimal("team-b", "kube-system"));
        assertEquals(2, problems().stream().filter(p -> p.message().contains("belongs to the")).count(), problems().toString());
    }

    @Test
    void anUnknownStackIsRejectedWithSuggestion() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", "production:\n  retention: 7d\n"));
        var p = problemAt("environments.production");
        assertTrue(p.message().contains("not a stack") && p.message().contains("Did you mean 'prod'?"), p.describe());
    }

    @Test
    void badDurationsAndSizesAreRejected() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", """
                dev:
                  retention: 0d
                  ingestion: {rateLimitMBps: 0, burstMB: -5, maxTraceSizeMB: 0.0}
                  sampling: {keepSlowerThan: soon, keepPercent: 120}
                prod:
                  retention: two weeks
                """));
        assertTrue(problemAt("environments.dev.retention").message().contains("zero"));
        assertTrue(problemAt("environments.dev.ingestion.rateLimitMBps").message().contains("above zero"));
        problemAt("environments.dev.ingestion.burstMB");
        problemAt("environments.dev.ingestion.maxTraceSizeMB");
        problemAt("environments.dev.sampling.keepSlowerThan");
        problemAt("environments.dev.sampling.keepPercent");
        assertTrue(problemAt("environments.prod.retention").message().contains("not a duration"));
    }

    @Test
    void aBurstSmallerThanOneGatewayRequestIsRejectedWithWhy() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", """
                dev:
                  ingestion: {rateLimitMBps: 2, burstMB: 4}
                prod:
                  ingestion: {burstMB: 8.4}
                """));
        var p = problemAt("environments.dev.ingestion.burstMB");
        assertTrue(p.file().endsWith("team-a.yaml"), p.describe());
        assertTrue(p.message().contains("below 8.388608") && p.message().contains("8 MiB") && p.message().contains("refuses"), p.describe());
        assertTrue(problems().stream().noneMatch(x -> x.field().equals("environments.prod.ingestion.burstMB")), "8.4 MB holds one request");
    }

    @Test
    void aStackDefaultBurstSmallerThanOneGatewayRequestIsRejected() throws Exception {
        var f = project.root.resolve("stacks/Pulumi.dev.yaml");
        Files.writeString(f, Files.readString(f).replace("burstMB: 10,", "burstMB: 4,"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> io.tracingplatform.App.load(project.layout, StackFiles.read(project.layout, "dev")));
        assertTrue(e.getMessage().contains("tracing-platform:tenantDefaults.ingestion.burstMB") && e.getMessage().contains("8 MiB"), e.getMessage());
    }

    @Test
    void valuesOverTheStackCapsNameTheCapAndWhereToAsk() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", """
                prod:
                  retention: 90d
                  ingestion: {rateLimitMBps: 500}
                """));
        var p = problemAt("environments.prod.retention");
        assertTrue(p.message().contains("tenantLimits.maxRetention = 30d") && p.message().contains("stacks/Pulumi.prod.yaml"), p.describe());
        assertTrue(p.fix().contains("#platform-observability"), "the fix says where to ask: " + p.describe());
        assertTrue(problemAt("environments.prod.ingestion.rateLimitMBps").message().contains("maxRateLimitMBps"));
    }

    @Test
    void yamlHazardsAreRejected() throws Exception {
        project.tenant("big.yaml", new byte[1024 * 1024 + 10]);
        project.tenant("bomb.yaml", "a: &a [x, x]\nb: [*a, *a]\n");
        project.tenant("multi.yaml", TempProject.minimal("multi", "ns-m") + "---\nid: other\n");
        project.tenant("latin.yaml", TempProject.minimal("latin", "ns-l").replace("Team latin", "Caf\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1));
        project.tenant("old.yml", TempProject.minimal("old", "ns-o"));
        var all = problems();
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("big.yaml") && p.message().contains("over the limit")), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("bomb.yaml") && p.message().contains("anchor")), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("multi.yaml") && p.message().contains("more than one")), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("latin.yaml") && p.message().contains("not UTF-8")), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("old.yml") && p.fix().contains("old.yaml")), all.toString());
    }

    @Test
    void everyProblemOfEveryFileIsReportedAtOnce() throws Exception {
        project.tenant("team-a.yaml", withEnv("team-a", "dev:\n  retension: 7d\n"));
        project.tenant("team-b.yaml", withEnv("team-b", "dev:\n  retention: forever\n"));
        var all = problems();
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("team-a.yaml")), all.toString());
        assertTrue(all.stream().anyMatch(p -> p.file().endsWith("team-b.yaml")), all.toString());
    }

    @Test
    void oneInvalidTenantFileStopsThePlanBeforeAnyResource() throws Exception {
        var p = new TempProject(dir.resolve("full"), true);
        p.tenant("broken.yaml", withEnv("broken", "prod:\n  retention: 400d\n"));
        var e = assertThrows(InvalidInputException.class,
                () -> OfflineEngine.plan(App.load(p.layout, StackFiles.read(p.layout, "dev"))));
        assertTrue(e.getMessage().contains("nothing was deployed"), e.getMessage());
        assertTrue(e.problems().get(0).file().endsWith("broken.yaml"));
    }

    @Test
    void offboardingAnEnvironmentRemovesTheTenantFromThatStackOnly() throws Exception {
        var p = new TempProject(dir.resolve("full"), true);
        assertTrue(ids(p, "dev").contains("webshop"));
        var file = p.root.resolve("stacks/tenants/webshop.yaml");
        var text = java.nio.file.Files.readString(file);
        java.nio.file.Files.writeString(file, text.replaceAll("(?s)  dev:\\n.*?(?=  prod:)", ""));
        assertFalse(ids(p, "dev").contains("webshop"), "removed from dev");
        assertTrue(ids(p, "prod").contains("webshop"), "still in prod");
    }

    static List<String> ids(TempProject p, String stack) {
        return TenantLoader.load(p.layout, stack, policiesOf(p)).stream().map(Tenant::id).toList();
    }
}
