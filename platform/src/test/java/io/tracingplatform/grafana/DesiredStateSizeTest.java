package io.tracingplatform.grafana;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.App;
import io.tracingplatform.Plans;
import io.tracingplatform.bench.SyntheticProject;
import io.tracingplatform.config.ProjectLayout;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.yaml.Yaml;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The desired-state Secret fits Kubernetes at the platform's goal sizes. The API server refuses a Secret whose data
 * is over 1 MiB (1,048,576 bytes; etcd's default request limit is 1.5 MiB); the platform plans for 1000 tenants,
 * so the test asks for a wide margin there: under 700 KiB, counted as the base64 text the request carries (4/3 of
 * the bytes Kubernetes counts). And the smaller document is the same desired state: expanded, it is the model.
 */
class DesiredStateSizeTest {
    static final int KUBERNETES_LIMIT = 1_048_576;
    static final int MARGIN = 700 * 1024;

    static GrafanaPlan prod(Path root) {
        var layout = new ProjectLayout(root);
        var inputs = App.load(layout, StackFiles.read(layout, "prod"));
        return GrafanaPlan.of(inputs.settings(), inputs.tenants());
    }

    static void assertFits(String what, String data) {
        int encoded = data.length();
        int bytes = Base64.getDecoder().decode(data).length;
        System.out.printf("desired state %s: %,d bytes gzip, %,d as base64 (limit %,d)%n", what, bytes, encoded, KUBERNETES_LIMIT);
        assertTrue(bytes < KUBERNETES_LIMIT && encoded < MARGIN,
                what + ": the Secret grafana-desired-state holds " + bytes + " bytes (" + encoded + " base64); Kubernetes"
                        + " refuses over " + KUBERNETES_LIMIT + ", the margin asked for is " + MARGIN);
    }

    /** Expanded, the document is exactly the model's organisations (what the sync plans from is unchanged). */
    static void assertSameDesiredState(GrafanaPlan plan) throws Exception {
        JsonNode doc = DesiredStateDocument.fromSecretData(plan.desiredStateData());
        assertEquals(Yaml.JSON.readTree(plan.desiredStateJson()), doc, "the Secret holds the planned document");
        JsonNode whole = DesiredStateDocument.expand(doc);
        var model = plan.desiredState();
        assertEquals(Yaml.JSON.valueToTree(model.organisations()), whole.path("organisations"));
        assertEquals(Yaml.JSON.valueToTree(model.roleMappings()), whole.path("roleMappings"));
        assertEquals(model.managedPrefix(), whole.path("managedPrefix").asText());
        assertEquals(model.offboardedSuffix(), whole.path("offboardedSuffix").asText());
    }

    @Test
    void prodsPlannedSecretFitsAndIsTheDocumentCompressed() throws Exception {
        var secret = Plans.of("prod").named("kubernetes:core/v1:Secret", "platform-grafana-desired-state");
        Map<String, Object> data = GrafanaClusterTest.at(secret.inputs(), "data");
        assertEquals(java.util.Set.of(DesiredStateDocument.KEY), data.keySet(), "one key, gzip in data (stringData cannot hold binary)");
        assertEquals(null, (Object) GrafanaClusterTest.at(secret.inputs(), "stringData"), "nothing in stringData");
        assertFits("prod", String.valueOf(data.get(DesiredStateDocument.KEY)));
        var plan = GrafanaPlanTest.plan("prod");
        assertEquals(plan.desiredStateData(), data.get(DesiredStateDocument.KEY));
        assertSameDesiredState(plan);
        assertFalse(plan.desiredStateJson().contains("\n"), "compact JSON");
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 1000})
    void prodWithTheGoalNumbersOfTenantsFits(int tenants, @TempDir Path dir) throws Exception {
        var plan = prod(SyntheticProject.create(Path.of("").toAbsolutePath(), dir.resolve("project"), tenants));
        assertEquals(tenants, plan.desiredState().organisations().size());
        assertFits("prod@" + tenants, plan.desiredStateData());
        assertSameDesiredState(plan);
    }

    @Test
    void everySharedDashboardAndSourceIsStoredOnceAndEachTenantOnlyAsItsDifference() throws Exception {
        var doc = Yaml.JSON.readTree(GrafanaPlanTest.plan("prod").desiredStateJson());
        assertEquals(DesiredStateDocument.VERSION, doc.path("apiVersion").asInt());
        for (JsonNode org : doc.path("organisations")) {
            String name = org.path("name").asText();
            for (JsonNode ds : org.path("datasources")) {
                assertEquals(Map.of("httpHeaderValue1", name),
                        Yaml.JSON.convertValue(ds.path("patch").path("secureJsonData"), Map.class), name + "/" + ds.path("uid"));
                assertEquals(Map.of("jsonData", Map.of("httpHeaderName1", DataSources.TENANT_HEADER), "secureJsonData", Map.of("httpHeaderValue1", name)),
                        Yaml.JSON.convertValue(ds.path("patch"), Map.class), "a tenant's data source differs in its header only");
            }
            var usage = org.path("dashboards").get(0);
            assertEquals("tp-tenant-usage", usage.path("uid").asText());
            assertEquals(java.util.List.of("templating"), fieldNames(usage.path("patch").path("model")),
                    name + ": the usage dashboard differs in its limits only");
            assertFalse(org.path("dashboards").get(1).has("patch"), name + ": the traces dashboard is the shared one");
        }
        assertFalse(doc.path("shared").toString().contains("httpHeaderValue1"), "no tenant's header in the shared part");
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        var list = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(list::add);
        return list;
    }

    @Test
    void aDocumentOfAnotherFormatVersionIsRefused() throws Exception {
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) Yaml.JSON.readTree(GrafanaPlanTest.plan("prod").desiredStateJson());
        doc.put("apiVersion", 1);
        var e = assertThrows(IllegalArgumentException.class, () -> DesiredStateDocument.expand(doc));
        assertTrue(e.getMessage().contains("format apiVersion 1, this program reads 2 only"), e.getMessage());
    }

    @Test
    void mergePatchDiffRoundTripsAndRefusesWhatItCannotWrite() throws Exception {
        var base = Yaml.JSON.readTree("{\"a\":1,\"b\":{\"c\":[1,null],\"d\":\"x\"},\"gone\":true}");
        var target = Yaml.JSON.readTree("{\"a\":1,\"b\":{\"c\":[2,null],\"d\":\"y\",\"e\":{\"f\":1}}}");
        var patch = DesiredStateDocument.diff(base, target, "t");
        assertEquals(Yaml.JSON.readTree("{\"gone\":null,\"b\":{\"c\":[2,null],\"d\":\"y\",\"e\":{\"f\":1}}}"), patch);
        assertEquals(target, DesiredStateDocument.mergePatch(base, patch));
        assertEquals(null, DesiredStateDocument.diff(base, base.deepCopy(), "t"));
        var withNull = Yaml.JSON.readTree("{\"a\":null}");
        var e = assertThrows(IllegalStateException.class, () -> DesiredStateDocument.diff(base, withNull, "org/uid"));
        assertTrue(e.getMessage().contains("org/uid.a"), e.getMessage());
    }
}
