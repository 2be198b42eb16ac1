package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import io.tracingplatform.Plans;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The gateway balances a tenant's traffic over every distributor its {@code dns:///} endpoint resolves to (issue 15):
 * the real gateway collector on the prod stack's rendered config sends through its real OTLP exporter, whose grpc-go
 * resolver asks a DNS server of this test for the discovery name and gets two addresses, 127.0.0.1 and 127.0.0.2
 * (both loopback on Linux), where two real collectors listen on the same port as two distributors. Both must get a
 * substantial share; with the exporter's balancer set to pick_first (the negative control) one gets everything.
 *
 * <p>Why real collectors stand for distributors: Tempo (AGPL, not run here: TempoRealTest) receives OTLP through the
 * collector's own receiver. Its distributor's receiver shim (grafana/tempo v2.10.8,
 * modules/distributor/receiver/shim.go) puts {@code otlpreceiver.NewFactory()} into its factory map and creates the
 * receiver from the distributor's {@code receivers} config with {@code CreateTraces}; its go.mod pins
 * go.opentelemetry.io/collector/receiver/otlpreceiver v0.150.0 (this collector has v0.140.0). So the gRPC server the
 * gateway connects to is the same code, configured here from the rendered distributor's own
 * {@code receivers.otlp.protocols.grpc} section (message size limit, keepalive / max connection age). What the
 * stand-ins do not have is the rest of a distributor (rate limiting, the ring, ingesters).
 *
 * <p>Laptop mapping, the only one beyond {@link Laptop}'s: the exporters' endpoint keeps its scheme and name but
 * gets a DNS authority, {@code dns://127.0.53.x/<name>:<port>} (the test's DNS server, port 53: see
 * {@link DnsResponder}), and the test's port instead of 4317. grpc-go (v1.76.0, the version otelcol 0.140.1 links;
 * internal/resolver/dns/dns_resolver.go, newNetResolver and Build) turns a target's authority into a Go
 * {@code net.Resolver} that sends its queries to that host (port 53 when none is given, defaultDNSSvrPort);
 * without an authority it uses the machine's resolver, which cannot know cluster names.
 */
@Tag("real")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayBalanceRealTest {
    static final String STACK = "prod";
    static final String SEED = "real-suite-seed";
    static final Path WORK = Path.of("platform", "target", "real", "gateway-balance");
    /** The distributors' addresses, as the headless Service's A records list the ready pods. */
    static final List<String> DISTRIBUTORS = List.of("127.0.0.1", "127.0.0.2");
    /**
     * Traffic of one run: requests of SPANS spans every PACE_MS. round_robin balances per RPC, and the exporter's
     * queue batches for up to 200 ms (sending_queue.batch.flush_timeout), so the pace gives about 30 RPCs, not 2.
     */
    static final int REQUESTS = 60;
    static final int SPANS = 20;
    static final long PACE_MS = 100;
    /** The least share of spans each distributor must get (an even split is 0.5). */
    static final double MIN_SHARE = 0.25;

    String version;
    Path bin;
    Path config;
    String direct;
    int generation;
    String discoveryName;
    Map<String, String> renderedEndpoints = new LinkedHashMap<>();
    DnsResponder dns;
    int distributorPort;
    final List<OtlpSink> sinks = new ArrayList<>();
    final List<Proc> distributors = new ArrayList<>();
    Proc gateway;

    @BeforeAll
    void start() throws IOException {
        version = CollectorRealTest.version(STACK);
        bin = CollectorRealTest.otelcol(STACK, "gateway.balance", "-");
        var inputs = Plans.inputs(STACK);
        generation = inputs.settings().gateway().credentialGeneration();
        direct = inputs.tenants().stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id).findFirst()
                .orElseThrow(() -> new AssertionError("the prod stack has no tenant without sampling"));
        config = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        for (var e : Laptop.map(CollectorRealTest.read(config).get("exporters")).entrySet()) {
            if (e.getKey().startsWith("otlp/tenant-")) renderedEndpoints.put(e.getKey(), (String) Laptop.map(e.getValue()).get("endpoint"));
        }
        String endpoint = renderedEndpoints.get("otlp/tenant-" + direct);
        if (endpoint == null || !endpoint.matches("dns:///[^/:]+:[0-9]+")) {
            throw new AssertionError("exporter otlp/tenant-" + direct + " of the rendered gateway (" + config + ") sends to "
                    + endpoint + ", not to a dns:///name:port target: nothing resolves to every distributor");
        }
        discoveryName = endpoint.substring("dns:///".length(), endpoint.lastIndexOf(':'));

        var addresses = new ArrayList<InetAddress>();
        for (String a : DISTRIBUTORS) addresses.add(InetAddress.getByName(a));
        dns = new DnsResponder(discoveryName, addresses);
        distributorPort = Proc.freePort();
        var receiver = distributorReceiver();
        for (int i = 0; i < DISTRIBUTORS.size(); i++) {
            int sinkPort = Proc.freePort();
            sinks.add(new OtlpSink(sinkPort));
            distributors.add(startDistributor("distributor-" + i, DISTRIBUTORS.get(i), receiver, sinkPort));
        }
    }

    @AfterAll
    void stop() {
        if (gateway != null) gateway.close();
        distributors.forEach(Proc::close);
        sinks.forEach(OtlpSink::close);
        if (dns != null) dns.close();
    }

    /** The rendered distributor's OTLP gRPC receiver section: what a distributor's receiver is configured with. */
    Map<String, Object> distributorReceiver() throws IOException {
        Path tempo = Rendered.of(STACK).resolve("config/tempo-distributor/tempo.yaml");
        var grpc = Laptop.map(Laptop.map(Laptop.map(Laptop.map(Laptop.map(CollectorRealTest.read(tempo).get("distributor"))
                .get("receivers")).get("otlp")).get("protocols")).get("grpc"));
        if (grpc.isEmpty()) throw new AssertionError(tempo + " has no distributor.receivers.otlp.protocols.grpc");
        return grpc;
    }

    /**
     * A real collector as one distributor's OTLP receiver on address:distributorPort, with the rendered receiver
     * section, recording into its own sink. include_metadata and the headers_setter are the recording's, not
     * Tempo's: they pass the X-Scope-OrgID the gateway sent on to the sink (Tempo reads it from the gRPC metadata).
     */
    Proc startDistributor(String name, String address, Map<String, Object> rendered, int sinkPort) throws IOException {
        int health = Proc.freePort();
        var grpc = new LinkedHashMap<String, Object>(rendered);
        grpc.put("endpoint", address + ":" + distributorPort);
        grpc.put("include_metadata", true);
        var c = new LinkedHashMap<String, Object>();
        Laptop.put(c, List.of("extensions", "health_check", "endpoint"), "127.0.0.1:" + health);
        Laptop.put(c, List.of("extensions", "headers_setter", "headers"),
                List.of(Map.of("action", "upsert", "key", "X-Scope-OrgID", "from_context", "X-Scope-OrgID")));
        Laptop.put(c, List.of("receivers", "otlp", "protocols", "grpc"), grpc);
        Laptop.put(c, List.of("exporters", "otlp", "endpoint"), "127.0.0.1:" + sinkPort);
        Laptop.put(c, List.of("exporters", "otlp", "tls", "insecure"), true);
        Laptop.put(c, List.of("exporters", "otlp", "auth", "authenticator"), "headers_setter");
        Laptop.put(c, List.of("exporters", "otlp", "sending_queue", "enabled"), false); // the request's metadata stays with it
        Laptop.put(c, List.of("service", "extensions"), List.of("health_check", "headers_setter"));
        Laptop.put(c, List.of("service", "pipelines", "traces"), Map.of("receivers", List.of("otlp"), "exporters", List.of("otlp")));
        Laptop.put(c, List.of("service", "telemetry", "metrics", "readers"), List.of(Map.of("pull", Map.of(
                "exporter", Map.of("prometheus", Map.of("host", "127.0.0.1", "port", Proc.freePort()))))));
        Path file = WORK.resolve(name + ".yaml");
        Files.createDirectories(WORK);
        Files.writeString(file, Yaml.toYaml(c));
        var p = Proc.start(name, List.of(bin.toString(), "--config=file:" + file.toAbsolutePath()), Map.of(), WORK);
        p.awaitHttp200("http://127.0.0.1:" + health + "/", Duration.ofSeconds(60));
        return p;
    }

    @Test
    @Order(1)
    void roundRobinSpreadsATenantOverBothDistributors() throws IOException {
        var m = run("gateway-round-robin", Map.of());
        Checks.judged("gateway.balance.round-robin", "otelcol", version, STACK, m.input(), ACCEPT, m.balanced(),
                m.detail(m.balanced() ? null : gateway));
    }

    /** Negative control: the same run with pick_first, gRPC's own default, pins the tenant to one distributor. */
    @Test
    @Order(2)
    void pickFirstPinsATenantToOneDistributor() throws IOException {
        // Only an explicit pick_first: removing balancer_name is no control, as configgrpc v0.140.0 defaults it to
        // round_robin (config/configgrpc/configgrpc.go, BalancerName()).
        var m = run("gateway-pick-first", Map.of("balancer_name", "pick_first"));
        // Passes only if one distributor got everything that was sent; anything else (split, or spans lost) fails it.
        Checks.judged("gateway.balance.pick-first", "otelcol", version, STACK, m.input() + ", balancer_name pick_first",
                REJECT, !m.pinned(), m.detail(m.pinned() ? null : gateway));
    }

    /** One measured run: traffic and what each distributor received of it. */
    record Measured(String tenant, int sent, int acknowledged, List<Integer> received, Set<String> orgIds,
                    List<DnsResponder.Question> questions, String name, String endpoint) {
        int total() {
            return received.stream().mapToInt(Integer::intValue).sum();
        }

        double share(int i) {
            return total() == 0 ? 0 : (double) received.get(i) / total();
        }

        /** Every span arrived once, under the tenant's header, and the gateway looked the name up here. */
        boolean complete() {
            return acknowledged == sent && total() == sent * SPANS && orgIds.equals(Set.of(tenant))
                    && questions.contains(new DnsResponder.Question(name, DnsResponder.TYPE_A));
        }

        boolean balanced() {
            return complete() && java.util.stream.IntStream.range(0, received.size()).allMatch(i -> share(i) >= MIN_SHARE);
        }

        boolean pinned() {
            return complete() && received.stream().anyMatch(n -> n == total());
        }

        String input() {
            return sent + " requests of " + SPANS + " spans of tenant " + tenant + " to " + endpoint;
        }

        /** What was measured, and the gateway's log when given (a failed check). */
        String detail(Proc gateway) {
            var shares = new ArrayList<String>();
            for (int i = 0; i < received.size(); i++) {
                shares.add(DISTRIBUTORS.get(i) + ": " + received.get(i) + " spans (" + Math.round(share(i) * 100) + "%)");
            }
            return "acknowledged " + acknowledged + " of " + sent + " requests; received " + total() + " of " + sent * SPANS
                    + " spans: " + String.join(", ", shares) + "; X-Scope-OrgID seen " + orgIds + "; DNS questions "
                    + new TreeSet<>(questions.stream().map(q -> q.name() + " type " + q.type()).toList())
                    + (gateway == null ? "" : "\n" + gateway.tail(15));
        }
    }

    /** Starts the gateway with the DNS authority overlay (and the given settings on every tenant exporter), sends. */
    Measured run(String name, Map<String, Object> exporterSettings) throws IOException {
        if (gateway != null) gateway.close();
        Path dir = WORK.resolve(name);
        var inputs = Plans.inputs(STACK);
        var ids = inputs.tenants().stream().map(Tenant::id).toList();
        var laptop = Laptop.collector(CollectorRealTest.read(config), dir, GatewayCredentials.htpasswd(SEED, ids,
                io.tracingplatform.collector.CredentialWindow.of(inputs.settings().gateway(), inputs.today())));
        var overlay = new LinkedHashMap<String, Object>();
        String authority = "dns://" + dns.address() + "/";
        for (var e : renderedEndpoints.entrySet()) {
            if (!e.getValue().startsWith("dns:///")) continue;
            String local = e.getValue().replaceFirst("^dns:///", authority).replaceFirst(":[0-9]+$", ":" + distributorPort);
            Laptop.put(overlay, List.of("exporters", e.getKey(), "endpoint"), local);
            exporterSettings.forEach((k, v) -> Laptop.put(overlay, List.of("exporters", e.getKey(), k), v));
        }
        Path file = dir.resolve("balance-overlay.yaml");
        Files.writeString(file, Yaml.toYaml(overlay));
        int asked = dns.asked().size();
        gateway = CollectorRealTest.startCollector(name, bin, config, laptop, WORK, file);

        var traces = new HashSet<String>();
        int acknowledged = 0;
        String user = GatewayCredentials.username(direct, generation), password = GatewayCredentials.password(SEED, direct, generation);
        for (int i = 0; i < REQUESTS; i++) {
            String trace = GatewayTrafficRealTest.newTraceId();
            traces.add(trace);
            if (GatewayTrafficRealTest.post(laptop, "/v1/traces", user, password, Map.of(),
                    GatewayTrafficRealTest.body(trace, SPANS, Map.of(), Map.of())) == 200) acknowledged++;
            GatewayTrafficRealTest.sleep(PACE_MS); // pacing the client, not waiting for a result
        }
        int expected = acknowledged * SPANS;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<List<OtlpSink.Span>> got;
        do {
            got = sinks.stream().map(s -> s.spans().stream().filter(sp -> traces.contains(sp.traceId())).toList()).toList();
            if (got.stream().mapToLong(l -> l.stream().map(OtlpSink.Span::spanId).distinct().count()).sum() >= expected) break;
            GatewayTrafficRealTest.sleep(100);
        } while (System.nanoTime() < deadline);
        var received = got.stream().map(l -> (int) l.stream().map(OtlpSink.Span::spanId).distinct().count()).toList();
        var orgIds = new TreeSet<String>();
        got.forEach(l -> l.forEach(sp -> orgIds.add(String.valueOf(sp.orgId()))));
        String endpoint = ((String) Laptop.map(Laptop.map(overlay.get("exporters")).get("otlp/tenant-" + direct)).get("endpoint"));
        var questions = dns.asked();
        return new Measured(direct, REQUESTS, acknowledged, received, orgIds, questions.subList(asked, questions.size()),
                discoveryName, endpoint);
    }
}
