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
