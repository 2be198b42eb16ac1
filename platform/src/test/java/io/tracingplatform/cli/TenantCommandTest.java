package io.tracingplatform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.TempProject;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantCommandTest {
    @TempDir Path dir;
    TempProject project;

    @BeforeEach
    void setUp() throws Exception {
        project = new TempProject(dir, true);
    }

    MainTest.Run run(String... args) {
        var all = new java.util.ArrayList<>(List.of(args));
        all.add("--project-dir");
        all.add(dir.toString());
        return MainTest.run(all.toArray(String[]::new));
    }

    @Test
    void newWritesAValidFileFromTheTemplate() throws Exception {
        var r = run("tenant", "new", "fraud-detection", "--display-name", "Fraud Detection", "--cost-center",
                "CC-9", "--contact", "fraud@example.com", "--contact", "lead@example.com");
        assertEquals(0, r.code(), r.err());
        var text = Files.readString(dir.resolve("stacks/tenants/fraud-detection.yaml"));
        assertTrue(text.contains("id: fraud-detection"), text);
        assertTrue(text.contains("displayName: Fraud Detection"), text);
        assertTrue(text.contains("  - fraud@example.com\n  - lead@example.com\n"), text);
        assertTrue(text.contains("namespaces: [fraud-detection]"), text);
        assertTrue(text.startsWith("# yaml-language-server: $schema=../../templates/tenant.schema.json"), text);
        var v = run("tenant", "validate");
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("4 tenant files checked, 0 problems."), v.out());
    }

    @Test
    void newRefusesAnExistingIdAndWritesNothing() throws Exception {
        var before = Files.readString(dir.resolve("stacks/tenants/payments.yaml"));
        var r = run("tenant", "new", "payments");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("already exists"), r.err());
        assertEquals(before, Files.readString(dir.resolve("stacks/tenants/payments.yaml")));
    }

    @Test
    void newRefusesInvalidAndReservedIdsAndWritesNothing() {
        for (String id : List.of("Bad_Id", "x", "admin")) {
            var r = run("tenant", "new", id);
            assertEquals(2, r.code(), id + ": " + r.err());
            assertFalse(Files.exists(dir.resolve("stacks/tenants/" + id + ".yaml")));
        }
    }

    @Test
    void newRefusesANamespaceAnotherTenantHoldsAndWritesNothing() throws Exception {
        // The scaffold claims a namespace equal to its id; 'claims' already holds namespace 'claims'... in staging
        // and prod, while the template joins dev: so claim a dev namespace first.
        project.tenant("other.yaml", TempProject.minimal("other", "taken"));
        var r = run("tenant", "new", "taken");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("already claimed"), r.err());
        assertFalse(Files.exists(dir.resolve("stacks/tenants/taken.yaml")));
        // Never a file:line of the file it did not write; the way out is an option.
        assertFalse(r.err().matches("(?s).*taken.yaml:\\d.*"), r.err());
        assertTrue(r.err().contains("Nothing written") && r.err().contains("--namespace"), r.err());
        var json = run("tenant", "new", "taken", "--format", "json");
        assertEquals(1, json.code());
        assertTrue(Yaml.JSON.readTree(json.out()).get("problems").get(0).get("fix").asText().contains("--namespace"), json.out());
        var way = run("tenant", "new", "taken", "--namespace", "taken-api", "--namespace", "taken-jobs", "--retention", "14d",
                "--language", "java", "--viewer", "sso-taken", "--editor", "sso-taken-dev", "--cost-center", "CC-7",
                "--contact", "taken@example.org");
        assertEquals(0, way.code(), way.err());
        var text = Files.readString(dir.resolve("stacks/tenants/taken.yaml"));
        for (String expected : List.of("namespaces: [taken-api, taken-jobs]", "retention: 14d  ", "languages: [java]",
                "viewers: [sso-taken]", "editors: [sso-taken-dev]")) {
            assertTrue(text.contains(expected), expected + " in\n" + text);
        }
        assertEquals(0, run("tenant", "validate", dir.resolve("stacks/tenants/taken.yaml").toString()).code());
    }

    @Test
    void aScaffoldLeftAtItsPlaceholdersIsWrittenButNotValid() throws Exception {
        var r = run("tenant", "new", "fresh-team", "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("contacts[0]", "costCenter"), sorted(Yaml.JSON.readTree(r.out()).get("placeholders")));
        var v = run("tenant", "validate", dir.resolve("stacks/tenants/fresh-team.yaml").toString());
        assertEquals(1, v.code());
        assertTrue(v.out().contains("costCenter: 'CC-0000' is the template's placeholder"), v.out());
        assertTrue(v.out().contains("contacts[0]: 'my-team@example.com' is the template's placeholder"), v.out());
    }

    static List<String> sorted(JsonNode array) {
        var list = new java.util.ArrayList<String>();
        array.forEach(n -> list.add(n.asText()));
        list.sort(null);
        return list;
    }

    @Test
    void rulesThatKeepNothingAndABurstBelowTheRateAreRefused() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "ns-a").replace("    retention: 7d\n",
                "    retention: 7d\n    sampling: {keepErrors: false, keepPercent: 0}\n    ingestion: {rateLimitMBps: 12, burstMB: 10}\n"));
        var r = run("tenant", "validate", "--format", "json");
        assertEquals(1, r.code(), r.out());
        var fields = new java.util.ArrayList<String>();
        Yaml.JSON.readTree(r.out()).forEach(p -> fields.add(p.get("field").asText() + ": " + p.get("message").asText()));
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("environments.dev.sampling: these rules keep no trace")), fields.toString());
        assertTrue(fields.stream().anyMatch(f -> f.startsWith("environments.dev.ingestion.burstMB: burstMB 10 is below rateLimitMBps 12")),
                fields.toString());
        // keepPercent 0 with errors kept is a real choice, and so is a burst equal to the rate.
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "ns-a").replace("    retention: 7d\n",
                "    retention: 7d\n    sampling: {keepErrors: true, keepPercent: 0}\n    ingestion: {rateLimitMBps: 10, burstMB: 10}\n"));
        assertEquals(0, run("tenant", "validate").code());
    }

    @Test
    void aFileThatJoinsNoEnvironmentGetsAClearNote() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "ns-a").replaceAll("(?s)environments:.*", "environments: {}\n"));
        var r = run("tenant", "validate");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.err().contains("note: stacks/tenants/team-a.yaml") && r.err().contains("joins no environment"), r.err());
    }

    @Test
    void credentialsDeriveWhatPulumiUpWouldWrite() throws Exception {
        // Offline the seed is the placeholder: the same seed must give exactly the plan's htpasswd and tenant Secret.
        Path seed = Files.writeString(dir.resolve("seed"), io.tracingplatform.config.Secret.OFFLINE_PLACEHOLDER + "\n");
        var r = run("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", seed.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode creds = Yaml.JSON.readTree(r.out());
        var plan = Yaml.JSON.readTree(run("plan", "--stack", "dev", "--format", "json").out());
        boolean sawHtpasswd = false, sawSecret = false;
        for (JsonNode res : plan.get("resources")) {
            var inputs = res.get("inputs");
            if (!res.get("type").asText().equals("kubernetes:core/v1:Secret")) continue;
            String name = inputs.get("metadata").get("name").asText();
            if (name.equals("otel-gateway-htpasswd")) {
                assertEquals(inputs.get("stringData").get("htpasswd").asText(), creds.get("htpasswd").asText());
                sawHtpasswd = true;
            }
            if (name.equals("tracing-gateway") && inputs.get("metadata").get("labels").get("tracing-platform.io/tenant").asText().equals("payments")) {
                assertEquals(inputs.get("stringData"), creds.get("secretData"));
                sawSecret = true;
            }
        }
        assertTrue(sawHtpasswd && sawSecret, "both Secrets compared");
    }

    /** Sets gateway keys ("    key: value" lines) in the copy's dev stack file. */
    void rotate(String gatewayLines) throws Exception {
        Path file = project.root.resolve("stacks/Pulumi.dev.yaml");
        for (String line : gatewayLines.strip().split("\n")) {
            String[] kv = line.strip().split(": ", 2);
            io.tracingplatform.TempProject.setGateway(file, kv[0], kv[1]);
        }
    }

    @Test
    void credentialsShowBothGenerationsDuringTheWindowAndWhatPulumiUpWouldWrite() throws Exception {
        rotate("    credentialGeneration: 3\n    previousCredentialUntil: \"2999-12-31\"\n");
        Path seed = Files.writeString(dir.resolve("seed"), io.tracingplatform.config.Secret.OFFLINE_PLACEHOLDER + "\n");
        var r = run("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", seed.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode creds = Yaml.JSON.readTree(r.out());
        assertEquals("payments@3", creds.get("username").asText());
        assertEquals("2999-12-31", creds.get("previousCredentialUntil").asText());
        var previous = creds.get("previous");
        assertEquals(2, previous.get("generation").asInt());
        assertEquals("payments@2", previous.get("username").asText());
        assertEquals(io.tracingplatform.collector.GatewayCredentials.password(io.tracingplatform.config.Secret.OFFLINE_PLACEHOLDER, "payments", 2),
                previous.get("password").asText());
        assertEquals("2999-12-31", previous.get("acceptedThrough").asText());
        assertTrue(creds.get("htpasswd").asText().contains("payments@2:{SHA}") && creds.get("htpasswd").asText().contains("payments@3:{SHA}"),
                creds.get("htpasswd").asText());
        var plan = Yaml.JSON.readTree(run("plan", "--stack", "dev", "--format", "json").out());
        boolean compared = false;
        for (JsonNode res : plan.get("resources")) {
            if (res.get("type").asText().equals("kubernetes:core/v1:Secret") && res.get("inputs").get("metadata").get("name").asText().equals("otel-gateway-htpasswd")) {
                assertEquals(res.get("inputs").get("stringData").get("htpasswd").asText(), creds.get("htpasswd").asText(), "the plan's htpasswd");
                compared = true;
            }
        }
        assertTrue(compared, "htpasswd Secret found in the plan");
        assertEquals("2999-12-31", plan.get("outputs").get("gatewayCredentials").get("previousCredentialUntil").asText(), plan.get("outputs").toString());

        var text = run("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", seed.toString());
        assertTrue(text.out().contains("# Current credential: user payments@3, password ")
                && text.out().contains("# Previous credential (generation 2), still accepted through 2999-12-31 (UTC)")
                && text.out().contains("user payments@2, password "), text.out());
    }

    @Test
    void afterTheWindowCredentialsShowOnlyTheNewGeneration() throws Exception {
        rotate("    credentialGeneration: 2\n    previousCredentialUntil: \"2020-01-31\"\n");
        Path seed = Files.writeString(dir.resolve("seed"), "any-seed\n");
        var r = run("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", seed.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode creds = Yaml.JSON.readTree(r.out());
        assertTrue(creds.get("previous").isNull(), r.out());
        assertEquals("payments@2", creds.get("username").asText());
        assertFalse(creds.get("htpasswd").asText().contains("payments:"), "generation 1 is gone: " + creds.get("htpasswd").asText());
        var text = run("tenant", "credentials", "payments", "--stack", "dev", "--seed-file", seed.toString());
        assertTrue(text.out().contains("its window ended 2020-01-31; the first pulumi up after that day removes it"), text.out());
    }

    @Test
    void aBadWindowDateStopsThePlanWithFileKeyAndFixAndNoStackTrace() throws Exception {
        rotate("    credentialGeneration: 2\n    previousCredentialUntil: \"2026-02-30\"\n");
        var r = run("plan", "--stack", "dev");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("stacks/Pulumi.dev.yaml") && r.err().contains("tracing-platform:gateway.previousCredentialUntil")
                && r.err().contains("'2026-02-30' is not a calendar date") && r.err().contains("pulumi config set --stack dev --path"), r.err());
        assertFalse(r.err().contains("\tat io.tracingplatform") || r.err().contains("Exception"), "no stack trace: " + r.err());
    }

    @Test
    void validateReportsEveryProblemAsJsonAndExits1() throws Exception {
        project.tenant("team-a.yaml", TempProject.minimal("team-a", "ns-a").replace("retention: 7d", "retension: 7d"));
        project.tenant("team-b.yaml", TempProject.minimal("team-c", "ns-b"));
        var r = run("tenant", "validate", "--format", "json");
        assertEquals(1, r.code());
        JsonNode list = Yaml.JSON.readTree(r.out());
        assertEquals(2, list.size(), r.out());
        for (JsonNode p : list) {
            for (String key : List.of("file", "line", "column", "field", "message")) assertTrue(p.has(key), key + " in " + p);
        }
    }

    @Test
    void validateChecksOnlyTheNamedFilesButAgainstAllOthers() throws Exception {
        var f = project.tenant("team-a.yaml", TempProject.minimal("team-a", "webshop"));
        var r = run("tenant", "validate", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.out().contains("already claimed by tenant 'webshop'"), r.out());
        assertTrue(r.out().contains("1 tenant file checked"), r.out());
    }

    @Test
    void listShowsResolvedSettings() throws Exception {
        var r = run("tenant", "list", "--stack", "prod", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode list = Yaml.JSON.readTree(r.out());
        assertEquals(3, list.size());
        assertEquals("claims", list.get(0).get("id").asText());
        assertEquals("14d", list.get(0).get("retention").asText());
        var text = run("tenant", "list", "--stack", "dev");
        assertTrue(text.out().contains("payments") && text.out().contains("webshop") && !text.out().contains("claims"), text.out());
    }
}
