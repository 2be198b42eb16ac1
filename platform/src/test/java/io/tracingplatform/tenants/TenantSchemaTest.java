package io.tracingplatform.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.tracingplatform.Plans;
import io.tracingplatform.config.Problem;
import io.tracingplatform.yaml.LocatedYaml;
import io.tracingplatform.yaml.Yaml;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** templates/tenant.schema.json and the Java tenant model agree: by generation, and on real cases both ways. */
class TenantSchemaTest {
    static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(read("templates/tenant.schema.json"));

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static final String VALID = """
            apiVersion: tracing-platform/v1
            kind: Tenant
            id: team-a
            displayName: Team A
            costCenter: CC-1
            contacts: [team@example.com]
            environments:
              dev:
                retention: 7d
                ingestion: {rateLimitMBps: 2.5, burstMB: 10, maxTracesPerUser: 1000}
                sampling: {keepErrors: true, keepSlowerThan: 2s, keepPercent: 10}
                metricsGenerator: {spanMetrics: true, serviceGraphs: false, maxActiveSeries: 100}
                grafana: {viewers: [g1], editors: [g2]}
                instrumentation: {namespaces: [team-a], languages: [java, go], samplerRatio: 0.25}
              prod:
                sampling: none
            """;

    boolean schemaAccepts(String yaml) throws Exception {
        return SCHEMA.validate(Yaml.YAML.readTree(yaml)).isEmpty();
    }

    boolean javaAccepts(String yaml) throws Exception {
        var problems = new ArrayList<Problem>();
        var doc = LocatedYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "t.yaml");
        new ModelValidator(doc, problems).validate(TenantModel.file(Plans.STACKS));
        return problems.isEmpty();
    }

    @Test
    void committedSchemaIsTheGeneratedOne() {
        assertEquals(SchemaGenerator.tenantSchema(Plans.LAYOUT.stacks()), read("templates/tenant.schema.json"),
                "templates/tenant.schema.json is stale: run ./platformctl tenant schema > templates/tenant.schema.json");
    }

    @Test
    void templateReferencesTheSchemaForEditors() {
        assertTrue(read("templates/tenant.yaml").startsWith("# yaml-language-server: $schema=./tenant.schema.json"));
    }

    @Test
    void bothAcceptAValidFile() throws Exception {
        assertTrue(javaAccepts(VALID), "Java model accepts the valid case");
        assertTrue(schemaAccepts(VALID), "schema accepts the valid case: " + SCHEMA.validate(Yaml.YAML.readTree(VALID)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"payments", "claims", "webshop"})
    void bothAcceptTheExampleTenants(String id) throws Exception {
        var text = read("stacks/tenants/" + id + ".yaml");
        assertTrue(javaAccepts(text));
        assertTrue(schemaAccepts(text), SCHEMA.validate(Yaml.YAML.readTree(text)).toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "displayName: Team A|displayNam: Team A",
        "kind: Tenant|kind: Tenants",
        "id: team-a|id: Team_A",
        "id: team-a|id: \"12\"",
        "id: team-a|id: 4team",
        "viewers: [g1]|viewers: [\"sso:payments\"]",
        "editors: [g2]|editors: [\"two words\"]",
        "contacts: [team@example.com]|contacts: []",
        "contacts: [team@example.com]|contacts: [not-an-address]",
        "retention: 7d|retention: 7 days",
        "retention: 7d|retention: 0d",
        "retention: 7d|retention: 7",
        "rateLimitMBps: 2.5|rateLimitMBps: 0",
        "rateLimitMBps: 2.5|rateLimitMBps: \"2.5\"",
        "maxTracesPerUser: 1000|maxTracesPerUser: 10.5",
        "keepPercent: 10|keepPercent: 120",
        "spanMetrics: true|spanMetrics: \"true\"",
        "languages: [java, go]|languages: [java, cobol]",
        "languages: [java, go]|languages: [java, java]",
        "namespaces: [team-a]|namespaces: [Team_A]",
        "samplerRatio: 0.25|samplerRatio: 2",
        "  prod:\n    sampling: none|  production:\n    sampling: none",
        "sampling: none|sampling: some",
        "costCenter: CC-1\n|",
    })
    void bothRejectEachInvalidCase(String change) throws Exception {
        var parts = change.split("\\|", -1);
        var yaml = VALID.replace(parts[0], parts[1]);
        assertFalse(yaml.equals(VALID), "the case must change the file: " + parts[0]);
        assertFalse(javaAccepts(yaml), "Java model must reject: " + parts[1]);
        assertFalse(schemaAccepts(yaml), "schema must reject: " + parts[1]);
    }

    @Test
    void everyModelFieldIsDescribedInTheSchema() throws Exception {
        var schema = Yaml.JSON.readTree(read("templates/tenant.schema.json"));
        var missing = new ArrayList<String>();
        collect(schema, "", missing);
        assertEquals(List.of(), missing, "fields without a description");
    }

    private static void collect(com.fasterxml.jackson.databind.JsonNode node, String path, List<String> missing) {
        if (node.has("properties")) {
            node.get("properties").fields().forEachRemaining(e -> {
                if (!e.getValue().has("description")) missing.add(path + e.getKey());
                collect(e.getValue(), path + e.getKey() + ".", missing);
            });
        }
        if (node.has("additionalProperties") && node.get("additionalProperties").isObject()) {
            collect(node.get("additionalProperties"), path + "*.", missing);
        }
        if (node.has("oneOf")) node.get("oneOf").forEach(n -> collect(n, path, missing));
    }
}
