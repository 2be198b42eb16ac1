package io.tracingplatform.real;

import static io.tracingplatform.real.Checks.ACCEPT;
import static io.tracingplatform.real.Checks.REJECT;

import io.tracingplatform.App;
import io.tracingplatform.Plans;
import io.tracingplatform.collector.CredentialWindow;
import io.tracingplatform.collector.GatewayCredentials;
import io.tracingplatform.collector.GatewayPlan;
import io.tracingplatform.config.RawConfig;
import io.tracingplatform.config.StackFiles;
import io.tracingplatform.tenants.Tenant;
import io.tracingplatform.yaml.Yaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The upgrade that renames the gateway's exporters (release 2026.12: otlp to otlp_grpc) loses nothing the old ids had
 * queued: spans acknowledged by the gateway of the previous release while Tempo was down arrive, after the upgrade,
 * through the drain pipeline. The negative control is the same upgrade without the drain pipeline: the queued spans
 * never arrive (the renamed exporter opens a new, empty queue file).
 *
 * <p>The real collector here is prod's, 0.140.1, which predates the new names. In 0.159.0 otlp_grpc and otlp are one
 * factory under two types (opentelemetry-collector v0.159.0 exporter/otlpexporter/factory.go WithDeprecatedTypeAlias)
 * and the queue file is named after the configured id (service/internal/builders/exporter.go keeps set.ID;
 * exporterhelper internal/queue/persistent_queue.go GetClient(kind, ownerID, signal)). So the test gives each renamed
 * exporter a type 0.140.1 knows and an id that differs from its old one, as the rename does: otlp_grpc/tenant-x becomes
 * otlp/renamed-tenant-x, otlp_http/y becomes otlphttp/y, the span_metrics connector spanmetrics. Everything else is the
 * 2026.12 render as it is.
 */
@Tag("real")
class GatewayRenameRealTest {
    static final String STACK = "prod";
    static final String TO = "2026.12";
    static final String SEED = "real-suite-seed";
    static final Path WORK = Path.of("platform", "target", "real", "gateway-rename");

    @Test
    void whatTheOldExporterIdsQueuedArrivesAfterTheRename() throws IOException {
        var release = Servers.release(STACK);
        String version = release.version("otelcolContrib");
        Path bin;
        try {
            bin = Servers.bin("otelcol", version, "otelcol");
        } catch (Servers.Unavailable e) {
            Checks.notRun("gateway.rename", "otelcol", version, STACK, "-", e.getMessage());
            Assumptions.abort(e.getMessage());
            return;
        }
        var inputs = Plans.inputs(STACK);
        int generation = inputs.settings().gateway().credentialGeneration();
        String direct = inputs.tenants().stream().filter(t -> !t.settings().sampling().enabled()).map(Tenant::id).findFirst().orElseThrow();
        String htpasswd = GatewayCredentials.htpasswd(SEED, inputs.tenants().stream().map(Tenant::id).toList(),
                CredentialWindow.of(inputs.settings().gateway(), inputs.today()));
        int sinkPort = Proc.freePort();
        String backend = "127.0.0.1:" + sinkPort;
        EngineRealTest.delete(WORK);

        // Before: the stack's own release (old names), Tempo down; 100 spans acknowledged into otlp/tenant-<direct>'s queue.
        Path before = Rendered.of(STACK).resolve("config/otel-gateway/collector.yaml");
        var old = Laptop.collector(CollectorRealTest.read(before), WORK, htpasswd, backend);
        var traces = new ArrayList<String>();
        int refused = 0;
        try (var gateway = CollectorRealTest.startCollector("gateway-" + release.name(), bin, before, old, WORK)) {
            for (int i = 0; i < 10; i++) {
                String trace = GatewayTrafficRealTest.newTraceId();
                traces.add(trace);
                if (GatewayTrafficRealTest.post(old, "/v1/traces", GatewayCredentials.username(direct, generation),
                        GatewayCredentials.password(SEED, direct, generation), Map.of(), GatewayTrafficRealTest.body(trace, 10, Map.of(), Map.of())) != 200) {
                    refused++;
                }
            }
            GatewayTrafficRealTest.sleep(500); // past the batcher's 200 ms window: the data is in the queue
        }

        Map<String, Object> renamed = renamedConfig(direct);
        Path withDrain = write("collector-" + TO + ".yaml", renamed);
        var noDrain = new LinkedHashMap<>(renamed);
        removeDrain(noDrain);
        Path withoutDrain = write("collector-" + TO + "-without-drain.yaml", noDrain);

        try (var sink = new OtlpSink(sinkPort)) {
            // Negative control: the rename alone. The renamed exporter starts on a new, empty queue file.
            var laptop = Laptop.collector(noDrain, WORK, htpasswd, backend);
            try (var gateway = CollectorRealTest.startCollector("gateway-" + TO + "-without-drain", bin, withoutDrain, laptop, WORK)) {
                GatewayTrafficRealTest.sleep(8000); // the drained run below delivers in about a second
                long stranded = distinctSpans(sink, traces);
                Checks.judged("gateway.rename.control", "otelcol", version, STACK, TO + " without the drain pipeline", REJECT,
                        stranded > 0, stranded + " of 100 queued spans delivered (the old queue is never opened)\n" + gateway.tail(5));
            }
            // The release as rendered: the old id drains its queue, the renamed exporter takes new traffic, once.
            laptop = Laptop.collector(renamed, WORK, htpasswd, backend);
            try (var gateway = CollectorRealTest.startCollector("gateway-" + TO, bin, withDrain, laptop, WORK)) {
                long delivered = awaitSpans(sink, traces, 100);
                Checks.judged("gateway.rename.drained", "otelcol", version, STACK, "100 spans acknowledged before the upgrade to " + TO
                        + " (Tempo down)", ACCEPT, refused == 0 && delivered == 100, "acknowledged " + (10 - refused)
                        + " of 10 requests; delivered after the upgrade " + delivered + " of 100\n" + gateway.tail(5));
                String trace = GatewayTrafficRealTest.newTraceId();
                int status = GatewayTrafficRealTest.post(laptop, "/v1/traces", GatewayCredentials.username(direct, generation),
                        GatewayCredentials.password(SEED, direct, generation), Map.of(), GatewayTrafficRealTest.body(trace, 5, Map.of(), Map.of()));
                awaitSpans(sink, List.of(trace), 5);
                GatewayTrafficRealTest.sleep(1000); // a copy through the drain pipeline would follow within the batcher's window
                var got = sink.spans().stream().filter(s -> s.traceId().equals(trace)).toList();
                Checks.judged("gateway.rename.live-once", "otelcol", version, STACK, "5 spans sent after the upgrade to " + TO, ACCEPT,
                        status == 200 && got.size() == 5 && got.stream().allMatch(s -> direct.equals(s.orgId())),
                        "HTTP " + status + "; received " + got.size() + " spans (5 expected, each once, under " + direct + ")");
            }
        }
    }

    /** The prod stack's gateway config at release 2026.12, with the new type names mapped onto 0.140.1's (see above). */
    static Map<String, Object> renamedConfig(String direct) throws IOException {
        var raw = StackFiles.read(Plans.LAYOUT, STACK);
        var values = new LinkedHashMap<String, Object>(raw.values());
        values.put("release", TO);
        var inputs = App.load(Plans.LAYOUT, new RawConfig(raw.stack(), raw.file(), values, raw.document(), raw.offline()));
        String yaml = GatewayPlan.of(inputs.settings(), inputs.tenants(), inputs.today()).gatewayYaml();
        if (!yaml.contains("otlp_grpc/tenant-" + direct) || !yaml.contains(GatewayPlan.DRAIN_PIPELINE + ":")) {
            throw new AssertionError("release " + TO + " no longer renames the exporters or has no drain pipeline:\n" + yaml);
        }
        // The span metrics connector's 0.151+ name, span_metrics, is one factory with spanmetrics too (contrib
        // spanmetricsconnector metadata.yaml deprecated_type); it keeps no state on disk.
        return Yaml.YAML.readValue(yaml.replace("otlp_grpc/", "otlp/renamed-").replace("otlp_http/", "otlphttp/")
                .replace("span_metrics", "spanmetrics"), LinkedHashMap.class);
    }

    @SuppressWarnings("unchecked")
    static void removeDrain(Map<String, Object> config) {
        var service = new LinkedHashMap<>((Map<String, Object>) config.get("service"));
        var pipelines = new LinkedHashMap<>((Map<String, Object>) service.get("pipelines"));
        var drained = (List<String>) ((Map<String, Object>) pipelines.remove(GatewayPlan.DRAIN_PIPELINE)).get("exporters");
        service.put("pipelines", pipelines);
        config.put("service", service);
        var exporters = new LinkedHashMap<>((Map<String, Object>) config.get("exporters"));
        drained.forEach(exporters::remove);
        config.put("exporters", exporters);
    }

    static Path write(String name, Map<String, Object> config) throws IOException {
        Path file = WORK.resolve(name);
        Files.createDirectories(WORK);
        Files.writeString(file, Yaml.toYaml(config));
        return file;
    }

    static long distinctSpans(OtlpSink sink, List<String> traces) {
        return sink.spans().stream().filter(s -> traces.contains(s.traceId())).map(OtlpSink.Span::spanId).distinct().count();
    }

    static long awaitSpans(OtlpSink sink, List<String> traces, int count) {
        sink.await(s -> traces.contains(s.traceId()), count, Duration.ofSeconds(60));
        return distinctSpans(sink, traces);
    }
}
