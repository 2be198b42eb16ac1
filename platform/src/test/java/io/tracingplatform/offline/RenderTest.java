package io.tracingplatform.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.yaml.LocatedYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RenderTest {
    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyManifestParsesAndIsKubectlAppliable(String stack) throws Exception {
        var out = tmp.resolve(stack);
        var written = Renderer.render(Plans.of(stack), out);
        var manifests = written.stream().filter(w -> !w.kind().equals("file")).toList();
        assertEquals(Plans.of(stack).resources().stream().filter(Plan.PlannedResource::isKubernetesObject).count(),
                manifests.size(), "one file per Kubernetes object");
        for (var w : manifests) {
            var doc = LocatedYaml.read(out.resolve(w.path()), w.path());
            @SuppressWarnings("unchecked")
            var object = (Map<String, Object>) doc.root();
            assertNotNull(object.get("apiVersion"), w.path() + " needs apiVersion");
            assertNotNull(object.get("kind"), w.path() + " needs kind");
            @SuppressWarnings("unchecked")
            var metadata = (Map<String, Object>) object.get("metadata");
            assertNotNull(metadata.get("name"), w.path() + " needs metadata.name");
            assertFalse(hasIntegralDouble(object), w.path() + ": whole numbers must not render as doubles (2.0)");
        }
        assertTrue(manifests.get(0).path().startsWith("manifests/00-namespace-"), "namespaces sort first for kubectl");
    }

    /** Kubernetes rejects 2.0 for an int32 field; the mock engine hands numbers over as doubles. */
    static boolean hasIntegralDouble(Object node) {
        if (node instanceof Double d) return d == Math.rint(d);
        if (node instanceof Map<?, ?> m) return m.values().stream().anyMatch(RenderTest::hasIntegralDouble);
        if (node instanceof java.util.List<?> l) return l.stream().anyMatch(RenderTest::hasIntegralDouble);
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev"})
    void refusesToWriteIntoADirectoryItDoesNotOwn(String stack) throws Exception {
        Files.writeString(tmp.resolve("precious.txt"), "keep me");
        assertThrows(Renderer.NotOurDirectoryException.class, () -> Renderer.render(Plans.of(stack), tmp));
        assertTrue(Files.exists(tmp.resolve("precious.txt")));
        var out = tmp.resolve("r");
        Renderer.render(Plans.of(stack), out);
        Files.writeString(out.resolve("manifests/stale.yaml"), "old");
        Renderer.render(Plans.of(stack), out);
        assertFalse(Files.exists(out.resolve("manifests/stale.yaml")), "a re-render replaces its own earlier output");
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "prod"})
    void grafanasProvisioningAndTheSyncsDesiredStateAreReviewableWithOnlySecureValuesReplaced(String stack) throws Exception {
        Renderer.render(Plans.of(stack), tmp);
        var grafana = io.tracingplatform.grafana.GrafanaPlan.of(Plans.inputs(stack).settings(), Plans.inputs(stack).tenants());
        Path desired = tmp.resolve("config/grafana-org-sync/desired-state.json");
        Path datasources = tmp.resolve("config/grafana-datasources/datasources.yaml");
        assertTrue(Files.exists(desired) && Files.exists(datasources), "written under config/");
        var written = io.tracingplatform.yaml.Yaml.JSON.readTree(Files.readString(desired));
        var expected = io.tracingplatform.yaml.Yaml.JSON.readTree(grafana.desiredStateJson());
        int replaced = 0;
        for (var org : expected.path("organisations")) {
            for (var ds : org.path("datasources")) {
                // Format 2: a tenant's header is in its data sources' patches (the shared ones carry none).
                ((com.fasterxml.jackson.databind.node.ObjectNode) ds.path("patch").path("secureJsonData")).put("httpHeaderValue1", Renderer.SECURE_VALUE);
                replaced++;
            }
        }
        assertEquals(expected, written, stack + ": the document the Secret holds (unzipped), only the secure values replaced");
        assertTrue(Files.readString(desired).contains("\n  \"apiVersion\" : 2"), "indented for review, not the compact form");
        assertEquals(3 * Plans.inputs(stack).tenants().size(), replaced);
        var provisioning = io.tracingplatform.yaml.Yaml.YAML.readTree(Files.readString(datasources));
        var original = io.tracingplatform.yaml.Yaml.YAML.readTree(grafana.datasourcesYaml());
        for (var ds : original.path("datasources")) {
            if (ds.has("secureJsonData")) ((com.fasterxml.jackson.databind.node.ObjectNode) ds.path("secureJsonData")).put("httpHeaderValue1", Renderer.SECURE_VALUE);
        }
        assertEquals(original, provisioning);
        assertTrue(Files.readString(datasources).contains("{$$__tags}"), "Grafana's $$ escaping kept");
        String secret = Files.readString(tmp.resolve("secrets/09-secret-tracing-grafana-desired-state.yaml"));
        assertTrue(secret.contains(Renderer.REDACTED), "the Secret itself stays redacted");
    }
}
