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
                 "tracing-platform:credentialSeed":"decrypted-seed",
                 "tracing-platform:grafanaOAuthClientSecret":"decrypted-client-secret",
                 "pulumi:disable-default-providers":"[\\"*\\"]"}
                """;
        var raw = App.engineConfig("dev", Plans.LAYOUT, json, "[\"tracing-platform:someSecret\",\"tracing-platform:credentialSeed\",\"tracing-platform:grafanaOAuthClientSecret\"]",
                name -> Output.ofSecret("from-engine:" + name));
        assertTrue(raw.values().get("someSecret") instanceof Secret, "secret keys are read as secrets");
        raw.values().remove("someSecret");
        raw.values().put("tempo", "{\"plannedIngestMBps\":5,\"replicationFactor\":3,\"walSize\":\"10Gi\",\"storageClass\":\"gp3\",\"prometheusRemoteWriteUrl\":\"http://mimir-distributor.metrics.svc:8080/api/v1/push\",\"prometheusOperator\":true}");
        raw.values().put("storage", "{\"encryption\":\"sse-kms\",\"access\":\"irsa\",\"oidcProviderArn\":\"arn:aws:iam::210987654321:oidc-provider/oidc.eks.eu-central-1.amazonaws.com/id/8A1C7E2B9D4F6A3E5B0C1D2E3F4A5B6C\",\"oidcProviderUrl\":\"https://oidc.eks.eu-central-1.amazonaws.com/id/8A1C7E2B9D4F6A3E5B0C1D2E3F4A5B6C\",\"expirationMarginDays\":7}");
        raw.values().put("grafana", "{\"lokiUrl\":\"http://loki-gateway.logging.svc\",\"prometheusUrl\":\"http://mimir-query-frontend.metrics.svc:8080/prometheus\",\"platformMetricsTenant\":\"platform\",\"rootUrl\":\"https://grafana.dev.tracing.example.com\",\"ingressHost\":\"grafana.dev.tracing.example.com\",\"ingressTlsSecret\":\"grafana-tls\",\"sso\":{\"clientId\":\"tracing-grafana-dev\",\"authUrl\":\"https://sso.example.com/oauth2/v1/authorize\",\"tokenUrl\":\"https://sso.example.com/oauth2/v1/token\",\"apiUrl\":\"https://sso.example.com/oauth2/v1/userinfo\",\"adminGroups\":[\"sso-platform-observability\"]}}");
        var fromEngine = StackSettings.parse(raw);
        var offline = StackSettings.parse(StackFiles.read(Plans.LAYOUT, "dev"));
        assertEquals(offline.aws(), fromEngine.aws());
        assertEquals(offline.kubernetes(), fromEngine.kubernetes());
        assertEquals(offline.release(), fromEngine.release());
        assertEquals(offline.clusterName(), fromEngine.clusterName());
        assertTrue(raw.at("kubernetes.namespace").known(), "the stack file still gives line numbers");
        assertEquals(offline.storage(), fromEngine.storage());
        assertEquals(offline.tempo(), fromEngine.tempo());
        assertTrue(fromEngine.unsetSecrets().isEmpty(), "the real engine has its secrets");
        // Secrets are read through ctx.config().requireSecret, never from the plain PULUMI_CONFIG value.
        assertEquals("from-engine:credentialSeed", com.pulumi.test.PulumiTest.extractValue(fromEngine.credentialSeed().output()));
    }

    @Test
    void theRealEngineRefusesToRunWithoutTheCredentialSeed() {
        var raw = App.engineConfig("dev", Plans.LAYOUT, "{\"tracing-platform:release\":\"2026.11\",\"tracing-platform:cloud\":\"local\","
                + "\"tracing-platform:clusterName\":\"x\"}", "[]", name -> Output.ofSecret("unused"));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.tracingplatform.config.InvalidInputException.class,
                () -> StackSettings.parse(raw));
        assertTrue(e.getMessage().contains("pulumi config set --stack dev --secret 'tracing-platform:credentialSeed'"), e.getMessage());
    }
}
