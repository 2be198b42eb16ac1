package io.tracingplatform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pulumi.core.Output;
import io.tracingplatform.config.Secret;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.config.StackSettings;
import org.junit.jupiter.api.Test;

/** The real engine's config (PULUMI_CONFIG, values as strings and JSON text) yields the same settings as offline. */
class AppEngineConfigTest {
    @Test
    void engineConfigJsonGivesTheSameSettingsAsTheStackFile() {
        String json = """
                {"tracing-platform:release":"2026.11","tracing-platform:cloud":"aws",
                 "tracing-platform:clusterName":"tracing-dev",
                 "tracing-platform:kubernetes":"{\\"context\\":\\"arn:aws:eks:eu-central-1:210987654321:cluster/tracing-dev\\",\\"namespace\\":\\"tracing\\"}",
                 "tracing-platform:aws":"{\\"region\\":\\"eu-central-1\\",\\"accountId\\":\\"210987654321\\",\\"defaultTags\\":{\\"environment\\":\\"dev\\",\\"managed-by\\":\\"pulumi\\",\\"cost-center\\":\\"platform-observability\\"}}",
                 "tracing-platform:someSecret":"decrypted",
                 "pulumi:disable-default-providers":"[\\"*\\"]"}
                """;
        var raw = App.engineConfig("dev", Plans.LAYOUT, json, "[\"tracing-platform:someSecret\"]",
                name -> Output.ofSecret("from-engine:" + name));
        assertTrue(raw.values().get("someSecret") instanceof Secret, "secret keys are read as secrets");
        raw.values().remove("someSecret");
        var fromEngine = StackSettings.parse(raw);
        var offline = StackSettings.parse(StackFiles.read(Plans.LAYOUT, "dev"));
        assertEquals(offline.aws(), fromEngine.aws());
        assertEquals(offline.kubernetes(), fromEngine.kubernetes());
        assertEquals(offline.release(), fromEngine.release());
        assertEquals(offline.clusterName(), fromEngine.clusterName());
        assertTrue(raw.at("kubernetes.namespace").known(), "the stack file still gives line numbers");
    }
}
