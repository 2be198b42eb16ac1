package io.tracingplatform.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.App;
import io.tracingplatform.Plans;
import io.tracingplatform.TempProject;
import io.tracingplatform.config.KubernetesSettings;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.offline.OfflineEngine;
import io.tracingplatform.offline.Plan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kubernetes.skipAwait}: every Kubernetes object carries the provider's skip-await annotation, or none does. */
class SkipAwaitTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyObjectSkipsAwaitWhenSetAndNoneByDefault(String stack) throws Exception {
        var project = new TempProject(dir, true);
        Path file = project.root.resolve("stacks/Pulumi." + stack + ".yaml");
        String text = Files.readString(file);
        String block = "  tracing-platform:kubernetes:\n";
        assertTrue(text.contains(block), "fixture: " + file);
        Files.writeString(file, text.replace(block, block + "    skipAwait: true\n"));
        var skipping = OfflineEngine.plan(App.load(project.layout, StackFiles.read(project.layout, stack)));

        var missing = new ArrayList<String>();
        int objects = 0;
        for (var r : skipping.resources()) {
            if (!r.isKubernetesObject()) continue;
            objects++;
            if (!"true".equals(annotations(r).get(KubernetesSettings.SKIP_AWAIT_ANNOTATION))) missing.add(r.type() + " " + r.name());
        }
        assertTrue(objects > 20, "the plan has Kubernetes objects: " + objects);
        assertEquals(java.util.List.of(), missing, "objects without " + KubernetesSettings.SKIP_AWAIT_ANNOTATION);

        for (var r : Plans.of(stack).resources()) {
            if (r.isKubernetesObject()) {
                assertFalse(annotations(r).containsKey(KubernetesSettings.SKIP_AWAIT_ANNOTATION), r.name() + " skips await by default");
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> annotations(Plan.PlannedResource r) {
        var meta = (Map<String, Object>) r.inputs().getOrDefault("metadata", Map.of());
        return (Map<String, Object>) meta.getOrDefault("annotations", Map.of());
    }
}
