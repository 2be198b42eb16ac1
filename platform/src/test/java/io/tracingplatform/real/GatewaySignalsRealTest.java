package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.Plans;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.tenants.Tenant;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Apps' logs and metrics through the real gateway collector of the prod stack (its rendered config and credentials):
 * metrics into the real Prometheus 3.5 of the local stack (its rendered config and flags, OTLP receiver on) where
 * prod's Mimir would be, logs into a recording OTLP/HTTP server where Loki would be. Under whose tenant they arrive,
 * what a client's own tenant claims become, and whether a backend's refusal reaches the client (nothing is
 * acknowledged that the backend did not take). Mimir and Loki themselves are not run here.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewaySignalsRealTest {
    static final String STACK = "prod";
    static final String SEED = "real-suite-seed";
    static final Path WORK = Path.of("platform", "target", "real", "gateway-signals");

    String version;
    Laptop.CollectorRun laptop;
    OtlpLogSink logs;
    Proc prometheus;
    int prometheusPort;
    Proc gateway;
    String tenant;
    String user;
    String password;

    @BeforeAll
    void start() throws IOException {
        version = Servers.release(STACK).version("otelcolContrib");
        Path bin;
        try {
            bin = Servers.bin("otelcol", version, "otelcol");
        } catch (Servers.Unavailable e) {
            Checks.notRun("gateway.signals", "otelcol", version, STACK, "-", e.getMessage());
            Assumptions.abort(e.getMessage());
            return;
        }
        var inputs = Plans.inputs(STACK);
        var gw = inputs.settings().gateway();
        int generation = gw.credentialGeneration();
        tenant = inputs.tenants().get(0).id();
        user = GatewayCredentials.username(tenant, generation);
        password = GatewayCredentials.password(SEED, tenant, generation);
        var ids = inputs.tenants().stream().map(Tenant::id).toList();

        int logsPort = Proc.freePort();
        logs = new OtlpLogSink(logsPort);
        prometheusPort = Proc.freePort();
        prometheus = PrometheusRealTest.startLocal(WORK.resolve("prometheus"), prometheusPort);
        prometheus.awaitHttp200("http://127.0.0.1:" + prometheusPort + "/-/ready", Duration.ofSeconds(60));

        // Laptop mapping: Loki's base URL to the log sink, Mimir's OTLP base to this Prometheus's (/api/v1/otlp); the
        // exporter appends /v1/logs and /v1/metrics itself, as it would in the cluster.
        Path config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        laptop = Laptop.collector(CollectorRealTest.read(config), WORK, GatewayCredentials.htpasswd(SEED, ids,
                io.tracingplatform.collector.CredentialWindow.of(gw, inputs.today())), null,
                Map.of(gw.logsEndpoint().orElseThrow(), "http://127.0.0.1:" + logsPort + "/otlp",
                        gw.metricsEndpoint().orElseThrow(), "http://127.0.0.1:" + prometheusPort + "/api/v1/otlp"));
        gateway = CollectorRealTest.startCollector("gateway-signals", bin, config, laptop, WORK);
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        if (prometheus != null) prometheus.close();
        if (logs != null) logs.close();
    }

    /** A client claiming another tenant (header, resource, record): its logs arrive as its own, with its own header. */
    @Test
    @Order(1)
    void aTenantsLogsArriveAtLokisPathUnderItsOwnHeader() {
        String marker = "log-" + GatewayTrafficRealTest.newSpanId();
        int status = GatewayTrafficRealTest.post(laptop, "/v1/logs", user, password, Map.of("X-Scope-OrgID", "someone-else"),
                logsBody(marker, Map.of("tracing.tenant", "someone-else"), Map.of("tracing.tenant", "someone-else")));
        var got = awaitLogs(marker);
        boolean ok = status == 200 && got.size() == 1 && got.stream().allMatch(r -> r.path().equals("/otlp/v1/logs")
                && tenant.equals(r.orgId()) && tenant.equals(r.resource().get("tracing.tenant"))
                && !r.attributes().containsKey("tracing.tenant") && r.resource().containsKey("k8s.cluster.name"));
        Checks.judged("gateway.logs", "otelcol", version, STACK, "1 log record claiming tenant someone-else", ACCEPT, ok,
                "HTTP " + status + "; received " + got + "\n" + gateway.tail(10));
    }

    /** Loki refusing (rate limit, outage) reaches the app's SDK as a retryable error: nothing acknowledged is dropped. */
    @Test
    @Order(2)
    void aBackendsRefusalReachesTheClient() {
        logs.answer(503);
        try {
            String marker = "log-" + GatewayTrafficRealTest.newSpanId();
            int status = GatewayTrafficRealTest.post(laptop, "/v1/logs", user, password, Map.of(), logsBody(marker, Map.of(), Map.of()));
            // Accepted would mean acknowledged but not stored: the negative outcome.
            Checks.judged("gateway.logs.backend-refusal", "otelcol", version, STACK, "Loki answers 503", REJECT, status / 100 == 2,
                    "HTTP " + status + " to the client (a retryable 5xx or 429 expected)\n" + gateway.tail(10));
        } finally {
            logs.answer(200);
        }
    }

    /** Metrics land in Prometheus labelled with the authenticated tenant, whatever the client claimed. */
    @Test
    @Order(3)
    void aTenantsMetricsLandInPrometheusAsItsOwn() {
        String name = "tp_signal_check_" + GatewayTrafficRealTest.newSpanId();
        int status = GatewayTrafficRealTest.post(laptop, "/v1/metrics", user, password, Map.of(),
                metricsBody(name, Map.of("tracing.tenant", "someone-else"), Map.of("tracing.tenant", "someone-else")));
        var series = awaitSeries(name, 1);
        boolean ok = status == 200 && series.size() == 1
                && tenant.equals(series.get(0).path("metric").path("tracing_tenant").asText())
                && series.get(0).path("value").path(1).asText().equals("42");
        Checks.judged("gateway.metrics", "otelcol+prometheus", version + "+" + PrometheusRealTest.serverVersion(), STACK,
                "gauge " + name + " claiming tenant someone-else", ACCEPT, ok, "HTTP " + status + "; series " + series
                        + "\n" + gateway.tail(10) + "\n" + prometheus.tail(10));
    }

    /** Negative control: without the tenant's credential nothing reaches either backend. */
    @Test
    @Order(4)
    void whoCannotAuthenticateWritesNoMetricsAndNoLogs() {
        String name = "tp_signal_refused_" + GatewayTrafficRealTest.newSpanId();
        int metrics = GatewayTrafficRealTest.post(laptop, "/v1/metrics", user, "not-the-password", Map.of(),
                metricsBody(name, Map.of(), Map.of()));
        String marker = "log-" + GatewayTrafficRealTest.newSpanId();
        int logged = GatewayTrafficRealTest.post(laptop, "/v1/logs", null, null, Map.of(), logsBody(marker, Map.of(), Map.of()));
        GatewayTrafficRealTest.sleep(2000); // nothing to wait for: a refused request exports nothing
        boolean stored = !query(name).isEmpty() || logs.records().stream().anyMatch(r -> r.body().equals(marker));
        Checks.judged("gateway.signals.auth", "otelcol", version, STACK, "wrong password (metrics), no credential (logs)", REJECT,
                metrics != 401 || logged != 401 || stored, "HTTP " + metrics + " and " + logged + " (401 expected); stored: " + stored);
    }

    List<OtlpLogSink.LogRecord> awaitLogs(String marker) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<OtlpLogSink.LogRecord> got = List.of();
        while (System.nanoTime() < deadline && got.isEmpty()) {
            got = logs.records().stream().filter(r -> r.body().equals(marker)).toList();
            if (got.isEmpty()) GatewayTrafficRealTest.sleep(100);
        }
        return got;
    }

    List<JsonNode> awaitSeries(String name, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<JsonNode> got = List.of();
        while (System.nanoTime() < deadline && got.size() < count) {
            got = query(name);
            if (got.size() < count) GatewayTrafficRealTest.sleep(500);
        }
        return got;
    }

    List<JsonNode> query(String promql) {
        return PrometheusRealTest.query(prometheusPort, promql);
    }

    static String attrs(Map<String, String> attributes) {
        var list = new ArrayList<String>();
        attributes.forEach((k, v) -> list.add("{\"key\":\"" + k + "\",\"value\":{\"stringValue\":\"" + v + "\"}}"));
        return String.join(",", list);
    }

    static String resource(Map<String, String> extra) {
        String more = attrs(extra);
        return "{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}}" + (more.isEmpty() ? "" : "," + more) + "]}";
    }

    /** An OTLP/HTTP JSON logs request: one record with the given body, resource and record attributes. */
    static String logsBody(String body, Map<String, String> resource, Map<String, String> attributes) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return "{\"resourceLogs\":[{\"resource\":" + resource(resource) + ",\"scopeLogs\":[{\"scope\":{\"name\":\"real-suite\"},"
                + "\"logRecords\":[{\"timeUnixNano\":\"" + now + "\",\"severityText\":\"INFO\",\"body\":{\"stringValue\":\"" + body
                + "\"},\"attributes\":[" + attrs(attributes) + "]}]}]}]}";
    }

    /** An OTLP/HTTP JSON metrics request: one gauge point of 42 now, with the given resource and point attributes. */
    static String metricsBody(String name, Map<String, String> resource, Map<String, String> attributes) {
        long now = System.currentTimeMillis() * 1_000_000L;
        return "{\"resourceMetrics\":[{\"resource\":" + resource(resource) + ",\"scopeMetrics\":[{\"scope\":{\"name\":\"real-suite\"},"
                + "\"metrics\":[{\"name\":\"" + name + "\",\"gauge\":{\"dataPoints\":[{\"asDouble\":42,\"timeUnixNano\":\"" + now
                + "\",\"attributes\":[" + attrs(attributes) + "]}]}}]}]}]}";
    }
}
