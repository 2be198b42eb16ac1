package io.tracingplatform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.yaml.Yaml;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class MainTest {
    @TempDir Path tmp;

    public record Run(int code, String out, String err) {}

    public static Run run(String... args) {
        var out = new StringWriter();
        var err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** A copy of the project skeleton with one stack file of our choosing. */
    Path project(String stackFile) throws Exception {
        Files.writeString(tmp.resolve("Pulumi.yaml"), "name: tracing-platform\nruntime: java\n");
        Files.createDirectories(tmp.resolve("stacks/tenants"));
        Files.writeString(tmp.resolve("stacks/Pulumi.dev.yaml"), stackFile);
        return tmp;
    }

    @Test
    void planJsonHasTheContractKeysInOrder() throws Exception {
        var r = run("plan", "--stack", "dev", "--format", "json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = Yaml.JSON.readTree(r.out());
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("stack", "resources", "outputs"), keys.subList(0, 3));
        assertEquals("dev", json.get("stack").asText());
        boolean namespaceWithParent = false;
        for (JsonNode res : json.get("resources")) {
            assertTrue(res.has("type") && res.has("name") && res.has("parent") && res.has("inputs"), res.toString());
            if (res.get("type").asText().equals("kubernetes:core/v1:Namespace")) {
                namespaceWithParent = res.get("parent").asText().equals("platform");
            }
        }
        assertTrue(namespaceWithParent, "the namespace is listed with its parent");
    }

    @Test
    void planTextShowsTreeCountsAndOutputs() {
        var r = run("plan", "--stack", "local");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Resources by type:"), r.out());
        assertTrue(r.out().contains("  kubernetes:core/v1:Namespace  platform-namespace"), "children are indented:\n" + r.out());
        assertTrue(r.out().contains("Outputs:"), r.out());
    }

    @Test
    void unknownStackExits2AndListsTheStacks() {
        var r = run("plan", "--stack", "dve");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Known stacks: dev, local, prod, staging"), r.err());
        assertTrue(r.err().contains("Did you mean 'dev'?"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for user errors: " + r.err());
    }

    @Test
    void malformedYamlExits2WithFileAndLine() throws Exception {
        var dir = project("config:\n  tracing-platform:release: [2026.11\n  tracing-platform:cloud: aws\n");
        var r = run("plan", "--stack", "dev", "--project-dir", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().matches("(?s).*stacks/Pulumi.dev.yaml:\\d+:\\d+.*"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void invalidSettingExits2WithKeyAndFixCommand() throws Exception {
        var dir = project("config:\n  tracing-platform:release: \"2026.11\"\n  tracing-platform:cloud: local\n"
                + "  tracing-platform:clusterName: Not_A_Label\n");
        var r = run("plan", "--stack", "dev", "--project-dir", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("stacks/Pulumi.dev.yaml:4:"), r.err());
        assertTrue(r.err().contains("tracing-platform:clusterName"), r.err());
        assertTrue(r.err().contains("pulumi config set --stack dev 'tracing-platform:clusterName'"), r.err());
        var debug = run("plan", "--stack", "dev", "--project-dir", dir.toString(), "--debug");
        assertTrue(debug.err().contains("\tat "), "--debug shows the stack trace");
    }

    @Test
    void aQueueVolumeTooSmallForTheTenantsIsASettingsErrorBeforeAnythingRuns() throws Exception {
        var project = new io.tracingplatform.TempProject(tmp.resolve("small-queue"), true);
        Path stack = project.root.resolve("stacks/Pulumi.local.yaml");
        io.tracingplatform.TempProject.setGateway(stack, "queueVolumeSize", "10Mi");
        var r = run("plan", "--stack", "local", "--project-dir", project.root.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("tracing-platform:gateway.queueVolumeSize: 10Mi shared by"), r.err());
        assertTrue(r.err().contains("pulumi config set --stack local --path 'tracing-platform:gateway.queueVolumeSize'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void renderWritesManifestsAndReportsThem() {
        var out = tmp.resolve("out");
        var r = run("render", "--stack", "prod", "--out", out.toString(), "--format", "json");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isDirectory(out.resolve("manifests")));
        assertTrue(r.out().contains("\"files\""), r.out());
    }

    @Test
    void renderSaysWhereSecretsWentAndKeepsWhatIsNotSecret() throws Exception {
        var out = tmp.resolve("gitops");
        var r = run("render", "--stack", "dev", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Secrets are in " + out.resolve("secrets")) && r.out().contains("tenant credentials"), r.out());
        String readme = Files.readString(out.resolve("secrets/README.md"));
        assertTrue(readme.contains("kubectl create secret generic tracing-gateway --namespace payments-dev"), readme);
        String secret;
        try (var files = Files.list(out.resolve("secrets"))) {
            secret = Files.readString(files.filter(f -> f.getFileName().toString().contains("payments-dev-tracing-gateway")).findFirst().orElseThrow());
        }
        assertTrue(secret.contains("OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-gateway.tracing.svc.cluster.local:4318"), secret);
        assertTrue(secret.contains("TRACING_TENANT: payments"), secret);
        assertTrue(secret.contains("OTEL_EXPORTER_OTLP_HEADERS: 'REDACTED") || secret.contains("OTEL_EXPORTER_OTLP_HEADERS: \"REDACTED")
                || secret.contains("OTEL_EXPORTER_OTLP_HEADERS: REDACTED"), "the credential stays redacted:\n" + secret);
    }

    @Test
    void missingCommandOrOptionIsUsage() {
        assertEquals(2, run().code());
        assertEquals(2, run("plan").code());
        assertEquals(2, run("frobnicate").code());
    }
}
