package io.tracingplatform.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tracingplatform.Plans;
import io.tracingplatform.config.InvalidInputException;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.yaml.LocatedYaml;
import java.nio.charset.StandardCharsets;
import io.tracingplatform.config.StackSettings;
import io.tracingplatform.yaml.Yaml;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Apps' logs and metrics through the gateway: per tenant, under the authenticated tenant's header, or off in the SDK. */
class GatewaySignalsTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> gateway(StackSettings settings, List<io.tracingplatform.tenants.Tenant> tenants) throws Exception {
        return Yaml.YAML.readValue(GatewayPlan.of(settings, tenants, java.time.LocalDate.of(2026, 12, 1)).gatewayYaml(), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> at(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) o = ((Map<String, Object>) o).get(p);
        return (Map<String, Object>) o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "dev", "staging", "prod"})
    void everyTenantsLogsAndMetricsGoToTheBackendUnderItsOwnHeader(String stack) throws Exception {
        var inputs = Plans.inputs(stack);
        var cfg = gateway(inputs.settings(), inputs.tenants());
        var pipelines = at(cfg, "service", "pipelines");
        for (String signal : List.of("logs", "metrics")) {
            String endpoint = (signal.equals("logs") ? inputs.settings().gateway().logsEndpoint()
                    : inputs.settings().gateway().metricsEndpoint()).orElseThrow();
            var intake = at(pipelines, signal + "/intake");
            assertEquals(List.of("otlp"), intake.get("receivers"), "the same authenticated receiver as traces");
            assertEquals(List.of("memory_limiter", "resource/tenant", "transform/tenant", "attributes/strip-tenant", "resource/platform"),
                    intake.get("processors"), "the tenant is who authenticated, a client's own tracing.tenant is gone");
            assertEquals(List.of("routing/" + signal), intake.get("exporters"));
            for (var t : inputs.tenants()) {
                var p = at(pipelines, signal + "/tenant-" + t.id());
                assertEquals(List.of("routing/" + signal), p.get("receivers"));
                assertEquals(List.of("otlphttp/" + signal + "-" + t.id()), p.get("exporters"));
                var exporter = at(cfg, "exporters", "otlphttp/" + signal + "-" + t.id());
                assertEquals(endpoint, exporter.get("endpoint"));
                assertEquals(Map.of("X-Scope-OrgID", t.id()), exporter.get("headers"));
                assertEquals(Map.of("enabled", false), exporter.get("sending_queue"),
                        "acknowledged only once the backend took it: no queue of acknowledged data in memory");
            }
        }
    }

    static final String MINIMAL_LOCAL = io.tracingplatform.config.StackSettingsTest.MINIMAL_LOCAL;

    static StackSettings parse(String yaml) throws Exception {
        var doc = LocatedYaml.parse(yaml.getBytes(StandardCharsets.UTF_8), "stacks/Pulumi.local.yaml");
        return StackSettings.parse(StackFiles.fromDocument("local", "stacks/Pulumi.local.yaml", doc));
    }

    @Test
    void aStackWithoutBackendsTakesTracesOnlyAndSwitchesTheOtherSignalsOffInTheSdk() throws Exception {
        var settings = parse(MINIMAL_LOCAL);
        var pipelines = at(gateway(settings, Plans.inputs("local").tenants()), "service", "pipelines");
        assertTrue(pipelines.keySet().stream().allMatch(p -> p.startsWith("traces/")), pipelines.keySet().toString());
        var env = GatewayCredentials.sdkEnvironment("http://gw:4318", "payments", "pw", settings.gateway());
        assertEquals("none", env.get("OTEL_LOGS_EXPORTER"));
        assertEquals("none", env.get("OTEL_METRICS_EXPORTER"));
        var served = GatewayCredentials.sdkEnvironment("http://gw:4318", "payments", "pw", Plans.inputs("prod").settings().gateway());
        assertFalse(served.containsKey("OTEL_LOGS_EXPORTER"), "SDK defaults (otlp) where the stack takes the signal");
        assertFalse(served.containsKey("OTEL_METRICS_EXPORTER"));
    }

    @Test
    void aSignalPathInTheEndpointIsAnErrorNamingTheKey() {
        var e = assertThrows(InvalidInputException.class, () -> parse(MINIMAL_LOCAL + """
                  tracing-platform:gateway: {logsEndpoint: "http://loki:3100/otlp/v1/logs", metricsEndpoint: "prometheus:9090"}
                """));
        String text = e.getMessage() + e.problems();
        assertTrue(text.contains("gateway.logsEndpoint"), text);
        assertTrue(text.contains("appends /v1/logs"), text);
        assertTrue(text.contains("gateway.metricsEndpoint"), text);
    }
}
