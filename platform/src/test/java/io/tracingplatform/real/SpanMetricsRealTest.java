package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracingplatform.Plans;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Span metrics of a sampling tenant, before sampling (issue 15, item 8), on the real programs: the prod stack's
 * rendered gateway and sampler configs on the real collector, the gateway's metrics into the real Prometheus 3.5 of
 * the local stack (OTLP receiver on) where prod's Mimir would be, kept traces into a recording OTLP receiver where
 * Tempo would be. The sampler keeps a tenant's errors and a tenth of the rest; the span metrics must count every span
 * sent, with the tenant's identity, and nothing of another tenant. The same path shows that one tenant's spans cannot
 * make the sampler keep another tenant's traces.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpanMetricsRealTest {
    static final String STACK = "prod";
    static final String SEED = "real-suite-seed";
    static final Path WORK = Path.of("platform", "target", "real", "span-metrics");
    static final int TRACES = 40;
    static final int SPANS_PER_TRACE = 5;
    static final int ERROR_TRACES = 4;

    String version;
    Path bin;
    Prometheus prometheus;
    OtlpSink tempo;
    Proc sampler;
    Proc gateway;
    Laptop.CollectorRun laptop;
    int generation;
    String service;

    /** A started Prometheus and its query API. */
    record Prometheus(Proc proc, int port) {
        List<JsonNode> query(String promql) {
            return PrometheusRealTest.query(port, promql);
        }
    }

    @BeforeAll
    void start() throws IOException {
        version = CollectorRealTest.version(STACK);
        bin = CollectorRealTest.otelcol(STACK, "gateway.span-metrics", "-");
        var inputs = Plans.inputs(STACK);
        var gw = inputs.settings().gateway();
        generation = gw.credentialGeneration();
        var ids = inputs.tenants().stream().map(Tenant::id).toList();
        service = "checkout-" + GatewayTrafficRealTest.newSpanId();

        int prometheusPort = Proc.freePort();
        prometheus = new Prometheus(PrometheusRealTest.startLocal(WORK.resolve("prometheus"), prometheusPort), prometheusPort);
        prometheus.proc().awaitHttp200("http://127.0.0.1:" + prometheusPort + "/-/ready", Duration.ofSeconds(60));
        int tempoPort = Proc.freePort();
        tempo = new OtlpSink(tempoPort);

        Path samplerConfig = Rendered.of(STACK).resolve("config/otel-sampler/collector.yaml");
        var samplerRun = Laptop.collector(CollectorRealTest.read(samplerConfig), WORK.resolve("sampler"),
                GatewayCredentials.samplerHtpasswd(SEED), "127.0.0.1:" + tempoPort);
        sampler = CollectorRealTest.startCollector("span-metrics-sampler", bin, samplerConfig, samplerRun, WORK);

        // Laptop mapping: Mimir's OTLP base to this Prometheus's, Tempo to the recording receiver, the sampler's
        // resolver port to the sampler's free port instead of 4317.
        Path config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        laptop = Laptop.collector(CollectorRealTest.read(config), WORK.resolve("gateway"), GatewayCredentials.htpasswd(SEED, ids,
                        io.tracingplatform.collector.CredentialWindow.of(gw, inputs.today())), "127.0.0.1:" + tempoPort,
                Map.of(gw.metricsEndpoint().orElseThrow(), "http://127.0.0.1:" + prometheusPort + "/api/v1/otlp"));
        var overlay = CollectorRealTest.read(laptop.overlay());
        Laptop.put(overlay, List.of("exporters", "loadbalancing/sampler", "resolver", "dns", "port"),
                String.valueOf(samplerRun.receiverPorts().get("otlp/grpc")));
        Files.writeString(laptop.overlay(), Yaml.toYaml(overlay));
        gateway = CollectorRealTest.startCollector("span-metrics-gateway", bin, config, laptop, WORK.resolve("gateway"));
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        if (sampler != null) sampler.close();
        if (tempo != null) tempo.close();
        if (prometheus != null) prometheus.proc().close();
    }

    /**
     * A sampling tenant's spans: Tempo gets the sampler's share (its errors and about a tenth of the rest), and the
     * span metrics in Prometheus count all of them, errors exactly, under the tenant; a second sampling tenant's spans
     * of the same service name are counted apart; a tenant that does not sample gets none from the gateway (Tempo's
     * generator counts its spans: all of them reach Tempo).
     */
    @Test
    @Order(1)
    void spanMetricsCountEverySpanSentNotOnlyTheKeptOnes() {
        var inputs = Plans.inputs(STACK);
        var sampling = inputs.tenants().stream().filter(t -> t.settings().spanMetricsAtGateway()
                && t.settings().sampling().keepErrors()).map(Tenant::id).toList();
        String tenant = sampling.get(0), other = sampling.get(1);
        String direct = inputs.tenants().stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id).findFirst().orElseThrow();

        var traceIds = new ArrayList<String>();
        int refused = 0;
        for (int i = 0; i < TRACES; i++) {
            String trace = GatewayTrafficRealTest.newTraceId();
            traceIds.add(trace);
            refused += send(tenant, trace, SPANS_PER_TRACE, i < ERROR_TRACES) == 200 ? 0 : 1;
        }
        int otherSpans = 7;
        refused += send(other, GatewayTrafficRealTest.newTraceId(), otherSpans, false) == 200 ? 0 : 1;
        String directTrace = GatewayTrafficRealTest.newTraceId();
        refused += send(direct, directTrace, 3, false) == 200 ? 0 : 1;
        int sent = TRACES * SPANS_PER_TRACE;

        String calls = "sum(traces_spanmetrics_calls_total{service=\"" + service + "\",tenant=\"" + tenant + "\"})";
        String errors = "sum(traces_spanmetrics_calls_total{service=\"" + service + "\",tenant=\"" + tenant
                + "\",status_code=\"STATUS_CODE_ERROR\"})";
        String otherCalls = "sum(traces_spanmetrics_calls_total{service=\"" + service + "\",tenant=\"" + other + "\"})";
        double counted = awaitValue(() -> value(calls), sent);
        double counted2 = awaitValue(() -> value(otherCalls), otherSpans);
        double errorsCounted = value(errors);
        // What Tempo's generator would have counted: the spans the sampler kept (decision_wait 10s, then exported).
        var kept = awaitKept(traceIds);
        long keptErrorTraces = traceIds.subList(0, ERROR_TRACES).stream().filter(kept::contains).count();
        int keptSpans = kept.size() * SPANS_PER_TRACE;

        var series = prometheus.query("traces_spanmetrics_calls_total{service=\"" + service + "\"}");
        boolean identity = !series.isEmpty() && series.stream().allMatch(s -> {
            var m = s.path("metric");
            String t = m.path("tenant").asText();
            return (t.equals(tenant) || t.equals(other)) && t.equals(m.path("tracing_tenant").asText())
                    && m.path("instance").asText().equals(CollectorRealTest.POD_NAME) && m.path("job").asText().equals(service)
                    && m.path("span_kind").asText().equals("SPAN_KIND_SERVER") && m.path("service_name").isMissingNode();
        });
        boolean directNone = prometheus.query("traces_spanmetrics_calls_total{tenant=\"" + direct + "\"}").isEmpty();
        String latency = "sum(traces_spanmetrics_latency_bucket{service=\"" + service + "\",tenant=\"" + tenant + "\",le=\"0.002\"})";
        double fast = value(latency);
        String detail = "sent " + sent + " spans in " + TRACES + " traces (" + ERROR_TRACES + " with an error span) for " + tenant
                + ", refused requests " + refused + "; the sampler kept " + kept.size() + " traces = " + keptSpans + " spans ("
                + keptErrorTraces + " of the error traces); Prometheus: " + calls + " = " + counted + ", errors = " + errorsCounted
                + ", 1ms spans in le=0.002 = " + fast + "; " + other + " (" + otherSpans + " sent) = " + counted2
                + "; series of " + direct + ": " + (directNone ? "none" : "some") + "; series " + series;
        System.out.println("span-metrics: " + detail);
        boolean ok = refused == 0 && counted == sent && errorsCounted == ERROR_TRACES && counted2 == otherSpans && fast == sent
                && identity && directNone;
        Checks.judged("gateway.span-metrics.before-sampling", "otelcol+prometheus", version + "+" + PrometheusRealTest.serverVersion(),
                STACK, sent + " spans of sampling tenant " + tenant, ACCEPT, ok, detail + "\n" + gateway.tail(10)
                        + "\n" + prometheus.proc().tail(10));
        // The control that makes the count above mean something: what came through the sampler (all Tempo's generator
        // would see) is fewer spans, so a count of every span sent cannot come from after sampling.
        Checks.judged("gateway.span-metrics.sampler-kept-fewer", "otelcol", version, STACK, sent + " spans of " + tenant,
                REJECT, keptSpans >= sent || keptErrorTraces != ERROR_TRACES, detail);
    }

    /**
     * Negative controls, with the pod's environment: a misspelled connector key and an unknown histogram unit are
     * refused by the real collector, so the accepted keys were read. And the rendered config without the pod's name
     * (no downward API variable) is refused too: a gateway pod that could not tell its series from another pod's does
     * not start.
     */
    @Test
    @Order(2)
    @SuppressWarnings("unchecked")
    void theRealCollectorRefusesABrokenSpanMetricsConnector() throws IOException {
        Path config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        var broken = new java.util.LinkedHashMap<String, Map<String, Object>>();
        var misspelled = CollectorRealTest.read(config);
        var connector = (Map<String, Object>) CollectorRealTest.section(misspelled, "connectors").get("spanmetrics");
        connector.put("metrics_flush_intervall", connector.remove("metrics_flush_interval"));
        broken.put("misspelled-key", misspelled);
        var unit = CollectorRealTest.read(config);
        ((Map<String, Object>) ((Map<String, Object>) CollectorRealTest.section(unit, "connectors").get("spanmetrics"))
                .get("histogram")).put("unit", "minutes");
        broken.put("unknown-unit", unit);
        for (var b : broken.entrySet()) {
            Path file = WORK.resolve("gateway-spanmetrics-" + b.getKey() + ".yaml");
            Files.writeString(file, Yaml.toYaml(b.getValue()));
            var r = Servers.run(bin, List.of("validate", "--config=file:" + file.toAbsolutePath()), CollectorRealTest.POD_ENV,
                    Duration.ofMinutes(2));
            Checks.judged("otelcol.validate.spanmetrics-" + b.getKey(), "otelcol", version, STACK, file.toString(), REJECT,
                    r.code() == 0, r.tail(5));
        }
        var env = new java.util.HashMap<>(CollectorRealTest.POD_ENV);
        env.remove(io.tracingplatform.collector.GatewayPlan.POD_NAME_ENV);
        var r = Servers.run(bin, List.of("validate", "--config=file:" + config.toAbsolutePath()), env, Duration.ofMinutes(2));
        Checks.judged("otelcol.validate.spanmetrics-no-pod-name", "otelcol", version, STACK, config + " without "
                + io.tracingplatform.collector.GatewayPlan.POD_NAME_ENV, REJECT, r.code() == 0, r.tail(5));
    }

    /**
     * A tenant cannot make another tenant's sampling rules keep: tenant B sends an error span with the trace ID of each
     * of tenant A's traces (which have no error). A's keep-errors rule must not see B's span: A keeps only its own
     * share (its percentage), B keeps its error spans, and neither's spans reach Tempo under the other's header. With
     * one tail sampler for all tenants (grouping by trace ID alone) every one of A's traces was kept.
     */
    @Test
    @Order(3)
    void aTenantCannotMakeAnotherTenantsSamplingRulesKeep() {
        var inputs = Plans.inputs(STACK);
        var sampling = inputs.tenants().stream().filter(t -> t.settings().sampling().enabled() && t.settings().sampling().keepErrors()).toList();
        var a = sampling.get(0);
        String b = sampling.get(1).id();
        double percent = a.settings().sampling().keepPercent();
        var traceIds = new ArrayList<String>();
        int refused = 0;
        for (int i = 0; i < TRACES; i++) {
            String trace = GatewayTrafficRealTest.newTraceId();
            traceIds.add(trace);
            refused += send(a.id(), trace, SPANS_PER_TRACE, false) == 200 ? 0 : 1;
            refused += send(b, trace, 1, true) == 200 ? 0 : 1;
        }
        // B's error spans are all kept (its own rule): once they are in, A's decisions (same decision_wait) are made too.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && tracesOf(b, traceIds).size() < TRACES) GatewayTrafficRealTest.sleep(500);
        GatewayTrafficRealTest.sleep(3000);
        var keptA = tracesOf(a.id(), traceIds);
        var keptB = tracesOf(b, traceIds);
        boolean headers = tempo.spans().stream().filter(sp -> traceIds.contains(sp.traceId()))
                .allMatch(sp -> sp.orgId().equals(sp.resource().get(io.tracingplatform.collector.GatewayPlan.TENANT_ATTRIBUTE)));
        // A keeps its percentage of TRACES (deterministic per trace ID); half of them would be a 1e-9 event at 10%.
        String detail = "refused " + refused + "; kept of " + TRACES + " traces: " + a.id() + " " + keptA.size() + " (keepPercent "
                + percent + ", no errors of its own), " + b + " " + keptB.size() + " (one error span each); headers match tenants: " + headers;
        System.out.println("sampling-isolation: " + detail);
        Checks.judged("sampler.tenant-isolation", "otelcol", version, STACK, TRACES + " traces of " + a.id()
                        + " with an error span of " + b + " under the same trace ID", ACCEPT,
                refused == 0 && keptA.size() < TRACES / 2 && keptB.size() == TRACES && headers, detail + "\n" + sampler.tail(10));
    }

    /** Trace IDs of {@code traceIds} with a span that reached Tempo under {@code tenant}'s header. */
    java.util.Set<String> tracesOf(String tenant, List<String> traceIds) {
        var set = new java.util.TreeSet<String>();
        for (var sp : tempo.spans()) if (traceIds.contains(sp.traceId()) && tenant.equals(sp.orgId())) set.add(sp.traceId());
        return set;
    }

    int send(String tenant, String trace, int spans, boolean withError) {
        String json = body(trace, spans, withError);
        return GatewayTrafficRealTest.post(laptop, "/v1/traces", GatewayCredentials.username(tenant, generation),
                GatewayCredentials.password(SEED, tenant, generation), Map.of(), json);
    }

    /** One trace of server spans of 1 ms of this run's service; the first with an error status when asked. */
    String body(String traceId, int n, boolean withError) {
        var spans = new ArrayList<String>();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < n; i++) {
            String status = withError && i == 0 ? "\"status\":{\"code\":2}," : "";
            spans.add("{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + GatewayTrafficRealTest.newSpanId() + "\",\"name\":\"op-" + i
                    + "\",\"kind\":2," + status + "\"startTimeUnixNano\":\"" + now + "\",\"endTimeUnixNano\":\"" + (now + 1_000_000) + "\"}");
        }
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\""
                + service + "\"}},{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"app-pod-1\"}}]},"
                + "\"scopeSpans\":[{\"scope\":{\"name\":\"real-suite\"},\"spans\":[" + String.join(",", spans) + "]}]}]}";
    }

    /** The value of a one-element instant vector, or NaN. */
    double value(String promql) {
        var r = prometheus.query(promql);
        return r.size() == 1 ? r.get(0).path("value").path(1).asDouble(Double.NaN) : Double.NaN;
    }

    /** Polls until the value reaches want (the connector flushes every 15 s) or 60 s pass; the last value. */
    static double awaitValue(Supplier<Double> read, double want) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double v = read.get();
        while (System.nanoTime() < deadline && !(v >= want)) {
            GatewayTrafficRealTest.sleep(1000);
            v = read.get();
        }
        return v;
    }

    /**
     * The traces the sampler passed on to Tempo: once its error traces (always kept) have all arrived, and a flush
     * later, so the probabilistic share is complete too.
     */
    java.util.Set<String> awaitKept(List<String> traceIds) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !keptTraces(traceIds).containsAll(traceIds.subList(0, ERROR_TRACES))) {
            GatewayTrafficRealTest.sleep(500);
        }
        GatewayTrafficRealTest.sleep(3000);
        return keptTraces(traceIds);
    }

    java.util.Set<String> keptTraces(List<String> traceIds) {
        var set = new java.util.TreeSet<String>();
        for (var s : tempo.spans()) if (traceIds.contains(s.traceId())) set.add(s.traceId());
        return set;
    }
}
