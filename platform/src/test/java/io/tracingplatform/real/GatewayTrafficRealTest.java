package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import io.tracingplatform.Plans;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.tenants.Tenant;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
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
 * Real OTLP traffic through the real gateway collector of the prod stack (its rendered config, the credentials the
 * platform derives, the htpasswd it writes into the Secret) to a recording OTLP receiver where Tempo's distributor
 * would be: who gets through, under which tenant header, with which attributes, and whether accepted spans survive
 * a crash of the gateway.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayTrafficRealTest {
    static final String STACK = "prod";
    static final String SEED = "real-suite-seed";
    static final Path WORK = Path.of("platform", "target", "real", "gateway-traffic");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    String version;
    Path bin;
    Path config;
    Laptop.CollectorRun laptop;
    int sinkPort;
    OtlpSink sink;
    Proc gateway;
    String direct; // a tenant that does not sample: its spans go straight to "Tempo"
    int generation;

    @BeforeAll
    void start() throws IOException {
        var release = Servers.release(STACK);
        version = release.version("otelcolContrib");
        try {
            bin = Servers.bin("otelcol", version, "otelcol");
        } catch (Servers.Unavailable e) {
            Checks.notRun("gateway.traffic", "otelcol", version, STACK, "-", e.getMessage());
            Assumptions.abort(e.getMessage());
        }
        var inputs = Plans.inputs(STACK);
        generation = inputs.settings().gateway().credentialGeneration();
        direct = inputs.tenants().stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id).findFirst()
                .orElseThrow(() -> new AssertionError("the prod stack has no tenant without sampling"));
        var ids = inputs.tenants().stream().map(Tenant::id).toList();
        config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        sinkPort = Proc.freePort();
        // The htpasswd GatewayCluster writes into the Secret, for the stack as it is (no rotation window).
        laptop = Laptop.collector(CollectorRealTest.read(config), WORK, GatewayCredentials.htpasswd(SEED, ids,
                        io.tracingplatform.collector.CredentialWindow.of(inputs.settings().gateway(), inputs.today())),
                "127.0.0.1:" + sinkPort);
        sink = new OtlpSink(sinkPort);
        gateway = startGateway("gateway");
    }

    Proc startGateway(String name) {
        // The pod's environment: its password at the sampler comes from the otel-sampler-auth Secret.
        return CollectorRealTest.startCollector(name, bin, config, laptop, WORK);
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        if (sink != null) sink.close();
    }

    @Test
    @Order(1)
    void aTenantsSpansArriveUnderItsOwnHeaderWhateverItClaims() {
        String trace = newTraceId();
        // The client claims another tenant three ways: the header Tempo reads, and the attribute, on resource and span.
        int status = send(GatewayCredentials.username(direct, generation), GatewayCredentials.password(SEED, direct, generation), Map.of("X-Scope-OrgID", "payments"),
                body(trace, 5, Map.of("tracing.tenant", "payments", "deployment.environment.name", "team-choice"),
                        Map.of("tracing.tenant", "payments")));
        var got = await(s -> s.traceId().equals(trace), 5);
        boolean ok = status == 200 && got.size() == 5 && got.stream().allMatch(s -> direct.equals(s.orgId())
                && direct.equals(s.resource().get("tracing.tenant")) && !s.attributes().containsKey("tracing.tenant"));
        Checks.judged("gateway.tenant-isolation", "otelcol", version, STACK, "5 spans claiming tenant payments", ACCEPT, ok,
                "HTTP " + status + "; received " + got);
        // insert, not upsert: the team's own environment name stays; the cluster name is added.
        boolean labels = got.stream().allMatch(s -> "team-choice".equals(s.resource().get("deployment.environment.name"))
                && s.resource().containsKey("k8s.cluster.name"));
        Checks.judged("gateway.platform-labels-insert", "otelcol", version, STACK, "resource deployment.environment.name set by the team",
                ACCEPT, labels, "received resources " + got.stream().map(OtlpSink.Span::resource).distinct().toList());
    }

    @Test
    @Order(2)
    void whoCannotAuthenticateIsRefusedAndNothingArrives() {
        var cases = Map.of(
                "no credential", new String[] {null, null},
                "wrong password", new String[] {direct, "not-the-password"},
                "an offboarded tenant's credential", new String[] {"offboarded-team", GatewayCredentials.password(SEED, "offboarded-team", generation)},
                "the previous generation's credential", new String[] {direct, GatewayCredentials.password(SEED, direct, generation - 1 < 1 ? generation + 1 : generation - 1)});
        for (var c : cases.entrySet()) {
            String trace = newTraceId();
            int status = send(c.getValue()[0], c.getValue()[1], Map.of(), body(trace, 1, Map.of(), Map.of()));
            Checks.judged("gateway.auth", "otelcol", version, STACK, c.getKey(), REJECT, status != 401,
                    "HTTP " + status + " (401 expected)");
            sleep(1000); // nothing to wait for: a refused request queues nothing; a second is ample for one that slipped through
            var leaked = sink.spans().stream().filter(s -> s.traceId().equals(trace)).toList();
            Checks.judged("gateway.auth.nothing-stored", "otelcol", version, STACK, c.getKey(), ACCEPT, leaked.isEmpty(),
                    leaked.size() + " spans of the refused request reached the backend");
        }
    }

    /** Acknowledged spans are on disk: a crash of the gateway while the backend is down loses none. */
    @Test
    @Order(3)
    void acknowledgedSpansSurviveACrashWhileTheBackendIsDown() {
        sink.close();
        var traces = new ArrayList<String>();
        int refused = 0;
        for (int i = 0; i < 10; i++) {
            String trace = newTraceId();
            traces.add(trace);
            if (send(GatewayCredentials.username(direct, generation), GatewayCredentials.password(SEED, direct, generation), Map.of(), body(trace, 10, Map.of(), Map.of())) != 200) refused++;
        }
        sleep(500); // let the batcher's 200 ms flush window pass, so the data is in the queue, not in a batch
        gateway.kill();
        sink = new OtlpSink(sinkPort);
        gateway = startGateway("gateway-after-crash");
        var got = await(s -> traces.contains(s.traceId()), 100);
        long distinct = got.stream().map(OtlpSink.Span::spanId).distinct().count();
        Checks.judged("gateway.durability.crash", "otelcol", version, STACK, "100 spans acknowledged, gateway killed (SIGKILL), backend down",
                ACCEPT, refused == 0 && distinct == 100, "acknowledged " + (10 - refused) + " of 10 requests; delivered after restart: "
                        + distinct + " of 100 spans");
    }

    /**
     * A full queue refuses, it does not drop: with the backend down and the tenant's queue shrunk to a few requests
     * (a test-only overlay of queue_size), the client sees refusals, and every span that was acknowledged arrives
     * once the backend is back. (With a batch processor in front of the queue, it acknowledged first and dropped
     * what the full queue refused.)
     */
    @Test
    @Order(4)
    void aFullQueueRefusesInsteadOfDropping() throws IOException {
        gateway.close();
        sink.close();
        Path dir = WORK.resolve("small-queue");
        var small = Laptop.collector(CollectorRealTest.read(config), dir, Files.readString(WORK.resolve("htpasswd-basicauth-tenants")),
                "127.0.0.1:" + sinkPort);
        var overlay = CollectorRealTest.read(small.overlay());
        Laptop.put(overlay, List.of("exporters", "otlp/tenant-" + direct, "sending_queue", "queue_size"), 16 * 1024);
        Laptop.put(overlay, List.of("exporters", "otlp/tenant-" + direct, "sending_queue", "batch", "min_size"), 1024);
        Files.writeString(small.overlay(), io.tracingplatform.yaml.Yaml.toYaml(overlay));
        var previous = laptop;
        laptop = small;
        gateway = startGateway("gateway-small-queue");
        var accepted = new ArrayList<String>();
        int refused = 0;
        for (int i = 0; i < 40; i++) {
            String trace = newTraceId();
            int status = send(GatewayCredentials.username(direct, generation), GatewayCredentials.password(SEED, direct, generation), Map.of(), body(trace, 20, Map.of(), Map.of()));
            if (status == 200) accepted.add(trace);
            else refused++;
        }
        sink = new OtlpSink(sinkPort);
        var got = await(sp -> accepted.contains(sp.traceId()), accepted.size() * 20);
        long delivered = got.stream().map(OtlpSink.Span::spanId).distinct().count();
        metricsTheAlertsReadExist();
        Checks.judged("gateway.durability.full-queue", "otelcol", version, STACK, "40 requests of 20 spans into a 16 KiB queue, backend down",
                ACCEPT, refused > 0 && delivered == accepted.size() * 20L, "acknowledged " + accepted.size() + ", refused " + refused
                        + " requests; delivered " + delivered + " of " + accepted.size() * 20 + " acknowledged spans");
        laptop = previous;
    }

    /** Every metric the gateway's alerts read is one the real collector exports (after traffic, full queue included). */
    void metricsTheAlertsReadExist() {
        String rules = io.tracingplatform.yaml.Yaml.toYaml(io.tracingplatform.collector.GatewayAlerts.ruleGroups("tracing", STACK));
        var names = new java.util.TreeSet<String>();
        var m = java.util.regex.Pattern.compile("\\b(otelcol_[a-z_]+)\\{").matcher(rules);
        while (m.find()) names.add(m.group(1));
        String url = "http://127.0.0.1:" + laptop.metricsPort() + "/metrics";
        String exposition;
        try {
            exposition = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("could not scrape " + url, e);
        }
        var missing = names.stream().filter(n -> !exposition.contains("\n" + n + "{")).toList();
        Checks.judged("gateway.alert-metrics", "otelcol", version, STACK, "metrics read by GatewayAlerts: " + names, ACCEPT,
                missing.isEmpty() && !names.isEmpty(), missing.isEmpty() ? "all exported" : "not exported: " + missing);
    }

    /** The sampling tier accepts only the gateway: no credential or a tenant's is refused, the gateway's accepted. */
    @Test
    @Order(5)
    void theSamplerAcceptsOnlyTheGateway() throws IOException {
        Path samplerConfig = Rendered.of(STACK).resolve("config/otel-sampler/collector.yaml");
        Assumptions.assumeTrue(Files.exists(samplerConfig), "the prod stack has no sampling tier");
        var run = Laptop.collector(CollectorRealTest.read(samplerConfig), WORK.resolve("sampler"),
                GatewayCredentials.samplerHtpasswd(SEED), "127.0.0.1:" + sinkPort);
        try (var sampler = Proc.start("sampler", List.of(bin.toString(), "--config=file:" + samplerConfig.toAbsolutePath(),
                "--config=file:" + run.overlay().toAbsolutePath()), Map.of(), WORK)) {
            sampler.awaitHttp200("http://127.0.0.1:" + run.healthPort() + "/", Duration.ofSeconds(60));
            int port = run.receiverPorts().get("otlp/grpc");
            var cases = new java.util.LinkedHashMap<String, String>();
            cases.put("no credential", null);
            cases.put("a tenant's credential", GatewayCredentials.authorization(GatewayCredentials.username(direct, generation),
                    GatewayCredentials.password(SEED, direct, generation)));
            for (var c : cases.entrySet()) {
                String code = OtlpSink.export(port, c.getValue());
                Checks.judged("sampler.auth", "otelcol", version, STACK, c.getKey(), REJECT, !code.equals("UNAUTHENTICATED"), "gRPC " + code);
            }
            String ok = OtlpSink.export(port, GatewayCredentials.samplerAuthorization(SEED));
            Checks.judged("sampler.auth", "otelcol", version, STACK, "the gateway's credential", ACCEPT, ok.equals("OK"), "gRPC " + ok);

            // The whole path of a sampling tenant: gateway -> load-balancing exporter (with the gateway's credential)
            // -> sampler -> tail sampling (errors kept) -> "Tempo", under the tenant's own header. Laptop mapping: the
            // resolver's port is the sampler's free port instead of 4317.
            String sampled = Plans.inputs(STACK).tenants().stream().filter(t -> t.settings().sampling().enabled()
                    && t.settings().sampling().keepErrors()).map(Tenant::id).findFirst().orElseThrow();
            gateway.close();
            var overlay = CollectorRealTest.read(laptop.overlay());
            Laptop.put(overlay, List.of("exporters", "loadbalancing/sampler", "resolver", "dns", "port"), String.valueOf(port));
            Files.writeString(laptop.overlay(), io.tracingplatform.yaml.Yaml.toYaml(overlay));
            gateway = startGateway("gateway-to-sampler");
            String trace = newTraceId();
            int status = send(GatewayCredentials.username(sampled, generation), GatewayCredentials.password(SEED, sampled, generation), Map.of(), errorBody(trace));
            var got = await(sp -> sp.traceId().equals(trace), 1);
            boolean delivered = status == 200 && got.size() == 1 && sampled.equals(got.get(0).orgId());
            Checks.judged("gateway.sampling-path", "otelcol", version, STACK, "an error span of sampling tenant " + sampled,
                    ACCEPT, delivered, "HTTP " + status + "; received " + got + "\n" + gateway.tail(10) + "\n" + sampler.tail(10));
        }
    }

    /**
     * A credential rotation on the real collector: the stack moved to generation 2 with a window through UNTIL. The
     * gateway config is the rendered one (a rotation changes only the htpasswd: checked), the htpasswd is what the
     * platform writes for that day. In the window both generations are accepted and land as the tenant (the "@2" of
     * the new user name stripped by the transform processor); the day after, only the new one; a generation's user
     * name with the other generation's password, or another tenant's name with this tenant's password, is refused.
     */
    @Test
    @Order(6)
    void aRotationWindowAcceptsBothGenerationsThenOnlyTheNewOne() throws IOException {
        var until = java.time.LocalDate.of(2026, 12, 15);
        String user1 = GatewayCredentials.username(direct, 1), user2 = GatewayCredentials.username(direct, 2);
        String password1 = GatewayCredentials.password(SEED, direct, 1), password2 = GatewayCredentials.password(SEED, direct, 2);
        String other = Plans.inputs(STACK).tenants().stream().map(Tenant::id).filter(id -> !id.equals(direct)).findFirst().orElseThrow();

        rotatedGateway(until, until, "gateway-rotation-last-day");
        expectLandsAs(user1, password1, "in the window (its last day): the previous generation's credential (" + user1 + ")");
        expectLandsAs(user2, password2, "in the window (its last day): the new generation's credential (" + user2 + ")");
        expectRefused(user2, password1, "in the window: the new user name with the previous generation's password");
        expectRefused(other + "@2", password2, "in the window: another tenant's user name (" + other + "@2) with " + direct + "'s password");

        rotatedGateway(until, until.plusDays(1), "gateway-rotation-after");
        expectLandsAs(user2, password2, "after the window: the new generation's credential (" + user2 + ")");
        expectRefused(user1, password1, "after the window: the previous generation's credential (" + user1 + ")");
    }

    /** Restarts the gateway with the htpasswd the platform writes for prod at generation 2, window through until, on today. */
    void rotatedGateway(java.time.LocalDate until, java.time.LocalDate today, String name) throws IOException {
        var raw = io.tracingplatform.config.StackFiles.read(Plans.LAYOUT, STACK);
        var values = new java.util.LinkedHashMap<String, Object>(raw.values());
        @SuppressWarnings("unchecked")
        var gatewaySettings = new java.util.LinkedHashMap<String, Object>((Map<String, Object>) values.getOrDefault("gateway", Map.of()));
        gatewaySettings.put("credentialGeneration", 2L);
        gatewaySettings.put("previousCredentialUntil", until.toString());
        values.put("gateway", gatewaySettings);
        var inputs = io.tracingplatform.App.load(Plans.LAYOUT, new io.tracingplatform.config.RawConfig(raw.stack(), raw.file(), values,
                raw.document(), raw.offline()), today);
        var plan = io.tracingplatform.collector.GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today());
        if (!io.tracingplatform.yaml.Yaml.YAML.readValue(plan.gatewayYaml(), Map.class).equals(CollectorRealTest.read(config))) {
            throw new AssertionError("a rotation must change the htpasswd only, yet the gateway config differs from the rendered one");
        }
        gateway.close();
        Files.writeString(WORK.resolve("htpasswd-basicauth-tenants"), GatewayCredentials.htpasswd(SEED, plan.tenants(), plan.credentials()));
        gateway = startGateway(name);
    }

    void expectLandsAs(String user, String password, String input) {
        String trace = newTraceId();
        int status = send(user, password, Map.of(), body(trace, 1, Map.of(), Map.of()));
        var got = await(s -> s.traceId().equals(trace), 1);
        boolean ok = status == 200 && got.size() == 1 && direct.equals(got.get(0).orgId())
                && direct.equals(got.get(0).resource().get("tracing.tenant"));
        Checks.judged("gateway.rotation", "otelcol", version, STACK, input, ACCEPT, ok,
                "HTTP " + status + "; received " + got + " (expected tenant " + direct + ")\n" + gateway.tail(10));
    }

    void expectRefused(String user, String password, String input) {
        String trace = newTraceId();
        int status = send(user, password, Map.of(), body(trace, 1, Map.of(), Map.of()));
        Checks.judged("gateway.rotation", "otelcol", version, STACK, input, REJECT, status != 401, "HTTP " + status + " (401 expected)");
        sleep(1000); // as in whoCannotAuthenticate...: a refused request queues nothing
        var leaked = sink.spans().stream().filter(s -> s.traceId().equals(trace)).toList();
        Checks.judged("gateway.rotation.nothing-stored", "otelcol", version, STACK, input, ACCEPT, leaked.isEmpty(),
                leaked.size() + " spans of the refused request reached the backend");
    }

    /** One span with an error status (kept by a tenant's keepErrors rule). */
    static String errorBody(String traceId) {
        return body(traceId, 1, Map.of(), Map.of()).replace("\"kind\":2,", "\"kind\":2,\"status\":{\"code\":2},");
    }

    int send(String user, String password, Map<String, String> headers, String json) {
        return post(laptop, "/v1/traces", user, password, headers, json);
    }

    /** One OTLP/HTTP JSON request to the gateway's receiver, as a user (null: no credential): the HTTP status, -1 when none. */
    static int post(Laptop.CollectorRun laptop, String path, String user, String password, Map<String, String> headers, String json) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + laptop.receiverPorts().get("otlp/http") + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    List<OtlpSink.Span> await(Predicate<OtlpSink.Span> which, int count) {
        return sink.await(which, count, Duration.ofSeconds(90));
    }

    /** An OTLP/HTTP JSON request: one trace of n spans, with the given resource and span attributes. */
    static String body(String traceId, int n, Map<String, String> resource, Map<String, String> spanAttributes) {
        var res = new StringBuilder("{\"key\":\"service.name\",\"value\":{\"stringValue\":\"checkout\"}}");
        resource.forEach((k, v) -> res.append(",{\"key\":\"").append(k).append("\",\"value\":{\"stringValue\":\"").append(v).append("\"}}"));
        var spans = new ArrayList<String>();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < n; i++) {
            var attrs = new ArrayList<String>();
            spanAttributes.forEach((k, v) -> attrs.add("{\"key\":\"" + k + "\",\"value\":{\"stringValue\":\"" + v + "\"}}"));
            spans.add("{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + newSpanId() + "\",\"name\":\"op-" + i + "\",\"kind\":2,"
                    + "\"startTimeUnixNano\":\"" + now + "\",\"endTimeUnixNano\":\"" + (now + 1_000_000) + "\",\"attributes\":["
                    + String.join(",", attrs) + "]}");
        }
        return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[" + res + "]},\"scopeSpans\":[{\"scope\":{\"name\":\"real-suite\"},"
                + "\"spans\":[" + String.join(",", spans) + "]}]}]}";
    }

    static String newTraceId() {
        var b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String newSpanId() {
        var b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
